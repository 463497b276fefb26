/**
 * JSON with source positions, for input files whose semantic errors must name `file:line:col` (sweep
 * specifications): `parseJsonWithPositions(text)` parses strict JSON (RFC 8259) and records where every
 * value starts, so a checker can report the line of a bad field. Syntax errors throw `JsonSyntaxError`
 * with the 1-based line and column of the offending character.
 */

/** A path into a JSON value: object keys and array indices. */
export type JsonPath = readonly (string | number)[];

/** 1-based line and column. */
export interface TextPosition {
  readonly line: number;
  readonly col: number;
}

/** A JSON syntax error with the 1-based line and column of the offending character. */
export class JsonSyntaxError extends Error {
  constructor(readonly reason: string, readonly line: number, readonly col: number) {
    super(`${reason} at ${line}:${col}`);
    this.name = 'JsonSyntaxError';
  }
}

/** A parsed JSON value with the source position of every value in it. */
export interface PositionedJson {
  readonly value: unknown;
  /** Where the value at `path` starts (for a missing path: its nearest existing ancestor). */
  where(path: JsonPath): TextPosition;
}

/**
 * Deepest nesting of arrays and objects accepted. The parser recurses once per level: a 100,000-deep `[[[…`
 * (100 kB) overflowed the stack and ended the CLI with an internal error instead of exit 2. Sweep files
 * nest a few levels (sub-sweeps of sub-sweeps); 256 leaves room and stays far below the stack's limit.
 */
export const MAX_JSON_DEPTH = 256;

/** A number, true, false or null, matched where the parser stands (sticky). */
const SCALAR = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;

/**
 * Parse strict JSON (after a leading byte-order mark, if any), recording where each value starts; throws
 * `JsonSyntaxError`. Stricter than `JSON.parse` in two ways: nesting deeper than `MAX_JSON_DEPTH` and a key
 * repeated in one object are errors (with `JSON.parse` the last of two `"systems"` silently wins, so a sweep
 * would drop the first list unseen).
 */
export function parseJsonWithPositions(source: string): PositionedJson {
  // a byte-order mark (an editor's UTF-8 file) is not part of the JSON; positions count from after it
  const text = source.charCodeAt(0) === 0xfeff ? source.slice(1) : source;
  // where each child of an array or object starts, kept beside the container: a map keyed by the child's path
  // text cost 3 µs a value, so a 7 MB sweep file of a million seeds took 4.6 s to parse (now about 1 s)
  const childStarts = new WeakMap<object, number[] | Map<string, number>>();
  let i = 0;
  const lineStarts = [0];
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) lineStarts.push(k + 1);
  const posOf = (offset: number): TextPosition => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - lineStarts[lo]! + 1 };
  };
  const err = (reason: string, at = i): never => {
    const p = posOf(Math.min(at, text.length));
    throw new JsonSyntaxError(reason, p.line, p.col);
  };
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const describe = (): string => (i >= text.length ? 'end of input' : JSON.stringify(text[i]));
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) err('control character in string');
      i++;
    }
    if (i >= text.length) err('unterminated string', start);
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return err('bad escape in string', start);
    }
  };
  /** The value starting at `i` (after white space); `i` is left after it. */
  const value = (depth: number): unknown => {
    ws();
    const c = text[i];
    if ((c === '{' || c === '[') && depth >= MAX_JSON_DEPTH) err(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
    if (c === '{') {
      i++;
      const o: Record<string, unknown> = {};
      const starts = new Map<string, number>();
      childStarts.set(o, starts);
      ws();
      if (text[i] === '}') {
        i++;
        return o;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') err(`expected a quoted key, found ${describe()}`);
        const keyAt = i;
        const k = str();
        if (Object.hasOwn(o, k)) err(`duplicate key ${JSON.stringify(k)}`, keyAt);
        ws();
        if (text[i] !== ':') err(`expected ':' after key, found ${describe()}`);
        i++;
        ws();
        starts.set(k, i);
        // as JSON.parse: a "__proto__" key is an own property, never the object's prototype
        Object.defineProperty(o, k, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return o;
        } else err(`expected ',' or '}', found ${describe()}`);
      }
    }
    if (c === '[') {
      i++;
      const a: unknown[] = [];
      const starts: number[] = [];
      childStarts.set(a, starts);
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        ws();
        starts.push(i);
        a.push(value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return a;
        } else err(`expected ',' or ']', found ${describe()}`);
      }
    }
    if (c === '"') return str();
    SCALAR.lastIndex = i;
    const m = SCALAR.exec(text);
    if (!m) return err(`expected a value, found ${describe()}`);
    i += m[0].length;
    return JSON.parse(m[0]);
  };
  ws();
  const rootAt = i;
  const v = value(0);
  ws();
  if (i < text.length) err(`unexpected ${describe()} after the end of the value`);
  return {
    value: v,
    where(path: JsonPath): TextPosition {
      // down the path while it exists; a missing step leaves the nearest ancestor's position
      let node: unknown = v;
      let at = rootAt;
      for (const step of path) {
        const starts = typeof node === 'object' && node !== null ? childStarts.get(node) : undefined;
        // an index may come as text (a field name split at its dots, `header.2`), as the path keys were before
        const child = Array.isArray(starts) ? starts[typeof step === 'number' ? step : /^\d+$/.test(step) ? Number(step) : -1] : starts?.get(String(step));
        if (child === undefined) break;
        at = child;
        node = (node as Record<string | number, unknown>)[step];
      }
      return posOf(at);
    },
  };
}
