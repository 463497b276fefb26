import { existsSync } from 'node:fs';
import { readTextFile } from '../../io/input';
import { foundText } from '../../log/found-text';
import { JsonSyntaxError, parseJsonWithPositions, type JsonPath, type PositionedJson } from '../../io/json-positions';
import { fail } from '../../log/diagnostic';
import { mapMessages } from '../../log/messages/trace';
import { CSV_COLUMNS, type CsvColumn } from '../event';
import { LinearPattern, PatternError } from './pattern';

/**
 * A map spec (`--map`): how the columns of a foreign CSV become canonical columns (docs/import.md).
 *
 * ```json
 * { "columns": {
 *     "t_ns":  { "from": "ts_us", "unit": "us", "rebase": true },
 *     "op":    { "from": "event", "values": { "MALLOC": "alloc", "TOUCH": "access" } },
 *     "agent": { "from": "engine", "replace": [["^GPU(\\d+)$", "dev$1"]], "values": { "CPU": "cpu" } },
 *     "va":    { "from": "vpn", "unit": "page", "pageBytes": 4096 },
 *     "bytes": { "from": "size", "unit": "auto" },
 *     "flags": { "const": "managed" } },
 *   "ignore": ["tid"] }
 * ```
 */
export interface MapSpec {
  /**
   * Field delimiter of the foreign file: one character (RFC 4180 quoting), or `whitespace` (runs of spaces
   * and tabs, leading and trailing ones ignored, no quoting). Default: detected from the first line (`,`,
   * `;`, tab or `|`).
   */
  readonly delimiter?: string;
  /** Column names of a file without a header line (its first line is then data). */
  readonly header?: readonly string[];
  /** Rows may have fewer fields than the header: the missing trailing fields are empty. */
  readonly ragged?: boolean;
  /** Lines starting with this string are comments; default `#`; `false` for none. */
  readonly comments?: string | false;
  /** Canonical column → rule. `t_ns` and `op` are required. */
  readonly columns: Readonly<Partial<Record<CsvColumn, ColumnRule | string>>>;
  /** Foreign columns intentionally unused (otherwise an info message lists them). */
  readonly ignore?: readonly string[];
}

/**
 * A lookup table keyed by user text (map spec units, unit suffixes in cells): a null-prototype record, so
 * `constructor`, `toString` or `__proto__` are not units.
 */
export function ownTable<V>(entries: Readonly<Record<string, V>>): Readonly<Record<string, V>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, V>, entries));
}

/** Time units → ns per unit (`unit` of time columns; also `auto`: suffix in the value). */
export const TIME_UNITS: Readonly<Record<string, bigint>> = ownTable({ ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1000_000n, s: 1000_000_000n });
/** Size units → bytes per unit (`unit` of size/address columns; also `page` and `auto`). */
export const SIZE_UNITS: Readonly<Record<string, bigint>> = ownTable({
  B: 1n, KiB: 1024n, MiB: 1024n ** 2n, GiB: 1024n ** 3n, TiB: 1024n ** 4n, KB: 1000n, MB: 1000n ** 2n, GB: 1000n ** 3n, TB: 1000n ** 4n,
});

/**
 * How a rule reads the units KB, MB, GB and TB (`sizeUnits`): `si` = powers of 1000 (the default, as `SIZE_UNITS`),
 * `binary` = powers of 1024, as nvprof's GPU trace prints sizes ("4.0000KB" = 4096 bytes) and Windows shows them.
 */
export const SIZE_UNIT_SYSTEMS = ['si', 'binary'] as const;
export type SizeUnitSystem = (typeof SIZE_UNIT_SYSTEMS)[number];
/** The units `sizeUnits` changes, each with the binary unit it means under `binary`. */
export const SI_TO_BINARY: Readonly<Record<string, string>> = ownTable({ KB: 'KiB', MB: 'MiB', GB: 'GiB', TB: 'TiB' });

/** How one canonical column is obtained. A plain string in the spec means `{ from: thatString }`. */
export interface ColumnRule {
  /** Foreign column to read. */
  readonly from?: string;
  /** A constant for every row (instead of `from`). */
  readonly const?: string | number;
  /** Value used when the foreign cell is empty. */
  readonly default?: string | number;
  /** Numeric columns: unit of the foreign values (`us`, `ms`, `KiB`, `page`, `auto`, …). */
  readonly unit?: string;
  /** With `unit: "page"`: bytes per page. */
  readonly pageBytes?: number;
  /**
   * Size and address columns with `unit` `auto`, KB, MB, GB or TB: what KB, MB, GB and TB mean, `si` (1000^n,
   * default) or `binary` (1024^n, nvprof's "1.5000MB").
   */
  readonly sizeUnits?: SizeUnitSystem;
  /** Address columns: added after scaling (decimal or 0x hex). */
  readonly base?: string | number;
  /** `t_ns` only: subtract the first row's time (absolute timestamps → ns since the trace start). */
  readonly rebase?: boolean;
  /** Exact value renames, applied after `replace` (e.g. foreign op names → canonical ops). */
  readonly values?: Readonly<Record<string, string>>;
  /**
   * Regex rewrites `[pattern, replacement]` applied in order (`["^GPU(\\d+)$", "dev$1"]`): JavaScript syntax
   * and `String.replace` semantics, run by a linear-time engine (pattern.ts lists what is supported).
   */
  readonly replace?: ReadonlyArray<readonly [string, string]>;
}

/** What each canonical column holds, for conversions. */
export type ColumnClass = 'time' | 'address' | 'size' | 'integer' | 'text';

/** The class of every canonical column. */
export const COLUMN_CLASS: Readonly<Record<CsvColumn, ColumnClass>> = {
  t_ns: 'time', dur_ns: 'time', va: 'address', offset: 'address', bytes: 'size', page_bytes: 'size', count: 'integer',
  op: 'text', agent: 'text', access: 'text', advice: 'text', target: 'text', flags: 'text', resource: 'text', label: 'text',
};

/** A validated spec with every rule in object form. */
export interface ResolvedMapSpec {
  /** One character, `whitespace` (WHITESPACE), or undefined (detected). */
  readonly delimiter?: string;
  /** Column names given by the map (the file has no header line), or undefined. */
  readonly header?: readonly string[];
  readonly ragged: boolean;
  readonly comments: string | false;
  readonly columns: ReadonlyArray<{ readonly column: CsvColumn; readonly rule: ColumnRule; readonly replace: ReadonlyArray<readonly [LinearPattern, string]> }>;
  readonly ignore: readonly string[];
  /** The spec as canonical JSON (cache keys and metadata). */
  readonly text: string;
}

/**
 * Load a map spec from inline JSON (text starting with `{`) or a file path, and validate it. Problems are
 * `map.bad-json` / `map.bad-spec` errors naming the spec (file) and the offending key.
 */
export function loadMapSpec(specOrPath: string): ResolvedMapSpec {
  const inline = specOrPath.trimStart().startsWith('{');
  const where = inline ? '--map' : specOrPath;
  let text = specOrPath;
  if (!inline) {
    if (!existsSync(specOrPath)) fail(mapMessages.badSpec({ file: specOrPath }, 'a map spec file or inline JSON', 'no such file'));
    text = readTextFile(specOrPath);
  }
  // one parse that records where each value starts (for the line of a problem) and, unlike JSON.parse, refuses
  // nesting deeper than MAX_JSON_DEPTH: a 50,000-deep rule passed JSON.parse and then overflowed the stack when
  // the spec was printed in a message or hashed (`text` below), an internal error instead of exit 2
  let parsed: PositionedJson;
  try {
    parsed = parseJsonWithPositions(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return fail(mapMessages.badJson({ file: where, line: e.line, col: e.col }, e.reason));
  }
  return validateMapSpec(parsed.value, where, (path) => parsed.where(path).line);
}

/** `delimiter` value for fields separated by runs of spaces and tabs. */
export const WHITESPACE = 'whitespace';

const TOP_KEYS = ['columns', 'delimiter', 'header', 'ragged', 'comments', 'ignore', 'description'];
const RULE_KEYS = ['from', 'const', 'default', 'unit', 'pageBytes', 'sizeUnits', 'base', 'rebase', 'values', 'replace'];

/** Check a parsed spec; returns it in resolved form. */
export function validateMapSpec(raw: unknown, where = '--map', lineOf?: (path: JsonPath) => number | undefined): ResolvedMapSpec {
  const bad = (field: string, expected: string, found: unknown, path: JsonPath = field === '(root)' ? [] : field.split('.')): never => {
    const line = lineOf?.(path);
    return fail(mapMessages.badSpec(line === undefined ? { file: where, field } : { file: where, line, field }, expected, foundText(found)));
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('(root)', 'a JSON object with "columns"', raw);
  const spec = raw as Record<string, unknown>;
  for (const k of Object.keys(spec)) if (!TOP_KEYS.includes(k)) bad(k, `one of ${TOP_KEYS.join(', ')}`, k);
  const d = spec.delimiter;
  if (d !== undefined && (typeof d !== 'string' || (d.length !== 1 && d !== WHITESPACE))) bad('delimiter', `a one-character string, or "${WHITESPACE}" (runs of spaces and tabs)`, d);
  if (spec.header !== undefined && (!Array.isArray(spec.header) || spec.header.length === 0)) bad('header', 'a non-empty array of column names (the file has no header line)', spec.header);
  const header = spec.header as string[] | undefined;
  header?.forEach((h, k) => {
    if (typeof h !== 'string' || h.trim() === '' || h.trim() !== h) bad('header', 'column names: non-empty strings without surrounding spaces', h, ['header', k]);
    if (header.indexOf(h) !== k) bad('header', 'distinct column names', h, ['header', k]);
  });
  if (spec.ragged !== undefined && typeof spec.ragged !== 'boolean') bad('ragged', 'true or false', spec.ragged);
  if (spec.comments !== undefined && spec.comments !== false && (typeof spec.comments !== 'string' || spec.comments === '')) bad('comments', 'a non-empty string or false', spec.comments);
  if (spec.ignore !== undefined && (!Array.isArray(spec.ignore) || spec.ignore.some((x) => typeof x !== 'string'))) bad('ignore', 'an array of column names', spec.ignore);
  const cols = spec.columns;
  if (typeof cols !== 'object' || cols === null || Array.isArray(cols)) return bad('columns', 'an object: canonical column → rule', cols);
  const columns: Array<{ column: CsvColumn; rule: ColumnRule; replace: Array<[LinearPattern, string]> }> = [];
  for (const [name, r] of Object.entries(cols as Record<string, unknown>)) {
    if (!(CSV_COLUMNS as readonly string[]).includes(name)) bad(`columns.${name}`, `a canonical column (${CSV_COLUMNS.join(', ')})`, name);
    const column = name as CsvColumn;
    const rule: ColumnRule = typeof r === 'string' ? { from: r } : (r as ColumnRule);
    const at = `columns.${name}`;
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) bad(at, 'a column name or a rule object', r);
    for (const k of Object.keys(rule)) if (!RULE_KEYS.includes(k)) bad(`${at}.${k}`, `one of ${RULE_KEYS.join(', ')}`, k);
    if ((rule.from === undefined) === (rule.const === undefined)) bad(at, 'exactly one of "from" or "const"', rule);
    if (rule.from !== undefined && typeof rule.from !== 'string') bad(`${at}.from`, 'a column name', rule.from);
    if (rule.from !== undefined && header !== undefined && !header.includes(rule.from)) {
      bad(`${at}.from`, `one of the names in "header": ${header.join(', ')}`, rule.from);
    }
    const cls = COLUMN_CLASS[column];
    if (rule.unit !== undefined) {
      const ok =
        (cls === 'time' && (rule.unit === 'auto' || Object.hasOwn(TIME_UNITS, rule.unit))) ||
        ((cls === 'size' || cls === 'address') && (rule.unit === 'auto' || rule.unit === 'page' || Object.hasOwn(SIZE_UNITS, rule.unit)));
      if (!ok) bad(`${at}.unit`, cls === 'time' ? 'ns, us, µs, ms, s or auto' : cls === 'text' || cls === 'integer' ? 'no unit for this column' : 'B, KiB, MiB, GiB, KB, MB, GB, page or auto', rule.unit);
    }
    if (rule.unit === 'page' && !(typeof rule.pageBytes === 'number' && rule.pageBytes > 0 && Number.isInteger(rule.pageBytes))) bad(`${at}.pageBytes`, 'a positive integer (bytes per page)', rule.pageBytes);
    if (rule.sizeUnits !== undefined) {
      if (!(SIZE_UNIT_SYSTEMS as readonly unknown[]).includes(rule.sizeUnits)) bad(`${at}.sizeUnits`, '"si" (KB = 1000 bytes, the default) or "binary" (KB = 1024 bytes, as nvprof prints sizes)', rule.sizeUnits);
      if (cls !== 'size' && cls !== 'address') bad(`${at}.sizeUnits`, 'sizeUnits only on size and address columns (bytes, page_bytes, va, offset)', rule.sizeUnits);
      if (rule.unit !== 'auto' && !Object.hasOwn(SI_TO_BINARY, rule.unit ?? 'B')) bad(`${at}.sizeUnits`, `sizeUnits with "unit": "auto", "KB", "MB", "GB" or "TB" (the units it reads), not with "unit": "${rule.unit ?? 'B'}"`, rule.sizeUnits);
    }
    if (rule.base !== undefined && (cls !== 'address' || !/^(0x[0-9a-f]+|\d+)$/i.test(String(rule.base)))) bad(`${at}.base`, 'a decimal or 0x address, on va or offset', rule.base);
    // only t_ns has an origin: a duration (dur_ns) is already relative, and sharing t_ns's origin made it negative
    if (rule.rebase !== undefined && (column !== 't_ns' || typeof rule.rebase !== 'boolean')) {
      bad(`${at}.rebase`, column === 't_ns' ? 'true or false' : 'rebase only on t_ns (durations and other columns are never rebased)', rule.rebase);
    }
    if (rule.values !== undefined && (typeof rule.values !== 'object' || rule.values === null || Object.values(rule.values).some((v) => typeof v !== 'string'))) bad(`${at}.values`, 'an object of foreign → canonical strings', rule.values);
    const replace: Array<[LinearPattern, string]> = [];
    if (rule.replace !== undefined) {
      if (!Array.isArray(rule.replace)) bad(`${at}.replace`, 'an array of [pattern, replacement] pairs', rule.replace);
      rule.replace.forEach((pair, k) => {
        const path = ['columns', name, 'replace', k, 0];
        if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') bad(`${at}.replace`, '[pattern, replacement] string pairs', pair, path);
        try {
          replace.push([new LinearPattern(pair[0]), pair[1]]);
        } catch (e) {
          if (!(e instanceof PatternError)) throw e;
          bad(`${at}.replace`, 'a supported regular expression (docs/import.md, replace patterns)', `${pair[0]} (${e.message})`, path);
        }
      });
    }
    columns.push({ column, rule, replace });
  }
  for (const req of ['t_ns', 'op'] as const) if (!columns.some((c) => c.column === req)) bad(`columns.${req}`, `a rule for ${req} (every row needs one)`, 'none');
  return {
    delimiter: spec.delimiter as string | undefined,
    ...(header !== undefined ? { header } : {}),
    ragged: spec.ragged === true,
    comments: spec.comments === undefined ? '#' : (spec.comments as string | false),
    columns,
    ignore: (spec.ignore as string[] | undefined) ?? [],
    text: JSON.stringify(raw),
  };
}
