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

/**
 * Parse strict JSON, recording where each value starts; throws `JsonSyntaxError`. Stricter than `JSON.parse`
 * in two ways: nesting deeper than `MAX_JSON_DEPTH` and a key repeated in one object are errors (with
 * `JSON.parse` the last of two `"systems"` silently wins, so a sweep would drop the first list unseen).
 */
export function parseJsonWithPositions(text: string): PositionedJson {
  const starts = new Map<string, number>();
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
  const value = (path: string, depth: number): unknown => {
    ws();
    starts.set(path, i);
    const c = text[i];
    if ((c === '{' || c === '[') && depth >= MAX_JSON_DEPTH) err(`nesting deeper than ${MAX_JSON_DEPTH} levels`);
    if (c === '{') {
      i++;
      const o: Record<string, unknown> = {};
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
        // as JSON.parse: a "__proto__" key is an own property, never the object's prototype
        Object.defineProperty(o, k, { value: value(`${path}\u0000${k}`, depth + 1), enumerable: true, writable: true, configurable: true });
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
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value(`${path}\u0000${a.length}`, depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return a;
        } else err(`expected ',' or ']', found ${describe()}`);
      }
    }
    if (c === '"') return str();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) return err(`expected a value, found ${describe()}`);
    i += m[0].length;
    return JSON.parse(m[0]);
  };
  const v = value('', 0);
  ws();
  if (i < text.length) err(`unexpected ${describe()} after the end of the value`);
  return {
    value: v,
    where(path: JsonPath): TextPosition {
      for (let n = path.length; n >= 0; n--) {
        const key = path.slice(0, n).map((p) => `\u0000${p}`).join('');
        const at = starts.get(key);
        if (at !== undefined) return posOf(at);
      }
      return { line: 1, col: 1 };
    },
  };
}
