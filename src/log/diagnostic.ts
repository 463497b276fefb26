/**
 * Diagnostics are data: every warning and error gmemlab reports is a `Diagnostic` built by one message
 * factory (`src/log/messages/*.ts`), carried in results and asserted in tests by its `code`.
 */

export type Severity = 'error' | 'warning' | 'info';

/** Where a problem was found. `line`/`col` are 1-based; `offset` is a 0-based byte offset (binary inputs). */
export interface Location {
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
  readonly offset?: number;
  readonly field?: string;
}

export interface Diagnostic extends Location {
  /** Stable id of the message factory, e.g. `csv.unknown-op`. */
  readonly code: string;
  readonly severity: Severity;
  /** Human text without the location prefix. */
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
}

/** What a message factory builds from its arguments (location is added by the factory). */
export interface MessageText {
  readonly message: string;
  readonly expected?: string;
  readonly found?: string;
}

/** A message factory: call it with a location and the message's own arguments. */
export interface MessageDef<A extends unknown[]> {
  (where: Location, ...args: A): Diagnostic;
  readonly code: string;
  readonly severity: Severity;
  /** What the user should do about it (for docs/errors.md). */
  readonly advice: string;
  /**
   * Example arguments, used to print an example message in docs/errors.md. Optional: without them the
   * generator fills each argument with a `‹name›` placeholder, which suits messages that only interpolate
   * their arguments as text (src/log/errors-doc.ts).
   */
  readonly example?: Readonly<A>;
  /** The text builder (the generator reads its parameter names for placeholders). */
  readonly build: (...args: A) => MessageText;
}

/**
 * Define one message factory. `code` must be unique across the catalogue (checked by a test). `example`
 * (optional) gives arguments for the example text in docs/errors.md.
 */
export function defineMessage<A extends unknown[]>(
  code: string,
  severity: Severity,
  advice: string,
  build: (...args: A) => MessageText,
  example?: Readonly<A>,
): MessageDef<A> {
  const f = (where: Location, ...args: A): Diagnostic => {
    const t = build(...args);
    const d: Record<string, unknown> = { code, severity, message: t.message };
    for (const k of ['file', 'line', 'col', 'offset', 'field'] as const) if (where[k] !== undefined) d[k] = where[k];
    if (t.expected !== undefined) d.expected = t.expected;
    if (t.found !== undefined) d.found = t.found;
    return d as unknown as Diagnostic;
  };
  return Object.assign(f, example === undefined ? { code, severity, advice, build } : { code, severity, advice, build, example });
}

/** Control characters a terminal acts on: C0 (except tab), DEL and C1. `keepNewlines` spares LF as well. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
const CONTROL_BUT_LF = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text safe to print on a terminal: every control character except tab — C0 (including ESC, so no escape
 * sequence survives, and CR), DEL and C1 — becomes `\xHH` (ESC [2J → `\x1b[2J`). With `keepNewlines`, LF
 * stays a line break (whole outputs); without it the result is one line (a diagnostic). User-provided text
 * (file names, headers, labels, cell values) reaches the terminal only through this.
 */
export function escapeControl(text: string, keepNewlines = false): string {
  const re = keepNewlines ? CONTROL_BUT_LF : CONTROL;
  re.lastIndex = 0;
  if (!re.test(text)) return text;
  re.lastIndex = 0;
  return text.replace(re, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * One-line rendering: `file:line:col: message (field 'x': expected …, found …)`.
 * Binary inputs use `file:@offset`. Arguments problems (no file) start with `argument:`.
 * Control characters from any part (a file name, a header, a cell) are escaped (`escapeControl`), so the
 * line is one terminal line and carries no escape sequence.
 */
export function formatDiagnostic(d: Diagnostic): string {
  return escapeControl(formatRaw(d));
}

/**
 * The line a command prints on stderr: `severity [code] file:line:col: message (field 'x': expected …, found …)`,
 * e.g. `error [csv.bad-field] traces/x.csv:12:7: …`, `warning [trace.live-at-end] t.csv: …`,
 * `error [cli.bad-arguments] argument: …` (docs/cli.md §1). Same escaping as `formatDiagnostic`.
 */
export function formatDiagnosticLine(d: Diagnostic): string {
  return escapeControl(`${d.severity} [${d.code}] ${formatRaw(d, false)}`);
}

function formatRaw(d: Diagnostic, withSeverity = true): string {
  let where: string;
  if (d.file !== undefined) {
    where = d.file;
    if (d.line !== undefined) where += `:${d.line}` + (d.col !== undefined ? `:${d.col}` : '');
    else if (d.offset !== undefined) where += `:@${d.offset}`;
  } else where = 'argument';
  const parts: string[] = [];
  if (d.field !== undefined) parts.push(`field '${d.field}'`);
  if (d.expected !== undefined) parts.push(`expected ${d.expected}`);
  if (d.found !== undefined) parts.push(`found ${d.found}`);
  const detail = parts.length ? ` (${parts.join(', ')})` : '';
  const sev = !withSeverity || d.severity === 'error' ? '' : `${d.severity}: `;
  return `${where}: ${sev}${d.message}${detail}`;
}

/**
 * Thrown for bad input or bad arguments (CLI exit code 2). Everything else that escapes is an internal error
 * (exit code 1). Never thrown from inside a simulation for trace content (decision E in docs/gmem-model.md).
 */
export class GmemlabError extends Error {
  readonly diagnostic: Diagnostic;
  constructor(diagnostic: Diagnostic) {
    super(formatDiagnostic(diagnostic));
    this.name = 'GmemlabError';
    this.diagnostic = diagnostic;
  }
}

/** Shorthand: throw the diagnostic as a `GmemlabError`. */
export function fail(d: Diagnostic): never {
  throw new GmemlabError(d);
}

/** Quote a found value for messages, truncated so a 100 MB line never ends up in a message. */
export function quote(value: string, max = 60): string {
  const s = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(s);
}
