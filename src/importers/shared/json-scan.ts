import { fail } from '../../log/diagnostic';
import { importerMessages } from '../../log/messages/importers';
import { locateJsonError } from './json-locate';
import { MAX_JS_STRING_BYTES, maxStringBytes } from './limits';

/**
 * Streaming JSON reader for large documents (Kineto traces, snapshot JSON, memory timelines).
 *
 * The document is walked structurally only where the caller asks (`descend`); every other value is
 * scanned at byte level (tracking strings and bracket nesting only) and either skipped or captured and
 * handed to the native `JSON.parse` (`capture`), or handed over as text (`raw`, for callers that need
 * exact big integers). So a 200 MB trace is never held whole: only one captured value at a time.
 * Every problem is a `GmemlabError` with `file:line:col` and what was expected.
 *
 * Size limits, checked while scanning, before any text is built: a string (or object key) that is read —
 * inside a captured value or a key of a walked object — is at most `maxStringBytes` (64 MiB by default,
 * `GMEMLAB_MAX_STRING_BYTES`), and a captured value at most `MAX_JS_STRING_BYTES` (the longest string Node
 * can hold); past either, `importer.string-too-long` names the string's line, column and path. Skipped
 * values are never materialised and may hold strings of any length.
 */

export interface ScanJsonOptions {
  /** Longest string read, in bytes (default `maxStringBytes()`). */
  readonly maxStringBytes?: number;
}

export type JsonPath = readonly (string | number)[];
/** What to do with the value at a path: walk into it, parse it and yield it, yield its text, or skip it. */
export type JsonAction = 'descend' | 'capture' | 'raw' | 'skip';
export type JsonKind = 'object' | 'array' | 'scalar';

export interface JsonLoc {
  /** 1-based line and column (column in bytes) of the value's first byte. */
  readonly line: number;
  readonly col: number;
  /** 0-based byte offset of the value's first byte. */
  readonly offset: number;
}

export interface JsonItem {
  readonly path: JsonPath;
  /** Parsed value (`capture`) or undefined (`raw`). */
  readonly value: unknown;
  /** Source text (`raw` only). */
  readonly text: string;
  readonly loc: JsonLoc;
}

/** Scanner states. */
const S = { Value: 0, ObjKeyOrEnd: 1, ObjKey: 2, InKey: 3, Colon: 4, AfterValue: 5, ArrValueOrEnd: 6, Raw: 7, Done: 8 } as const;

interface Frame {
  readonly kind: 'o' | 'a';
  key: string | number;
  readonly line: number;
}

/**
 * Walk a JSON document given as byte chunks. `select(path, kind)` decides per value; containers default
 * to whatever it returns, scalars at a `descend` path are captured.
 */
export async function* scanJson(
  chunks: AsyncIterable<Uint8Array>,
  file: string,
  select: (path: JsonPath, kind: JsonKind) => JsonAction,
  opts: ScanJsonOptions = {},
): AsyncGenerator<JsonItem> {
  const maxStr = Math.min(opts.maxStringBytes ?? maxStringBytes(), MAX_JS_STRING_BYTES);
  const stack: Frame[] = [];
  const path: (string | number)[] = [];
  let state: number = S.Value;
  let line = 1;
  let lineStart = 0; // offset of the current line's first byte
  let base = 0; // offset of the current chunk's first byte
  // key being read
  let keyParts: Buffer[] = [];
  let keyStart = 0;
  let keyEsc = false;
  let keyHasEsc = false;
  let keyAt = 0; // offset of the key's opening quote
  let keyLoc = { line: 1, col: 1 };
  // raw scanning of a skipped/captured value
  let rawAction: JsonAction = 'skip';
  let rawKind: JsonKind = 'scalar';
  let rawDepth = 0;
  const rawStack = new Uint8Array(4096);
  let inStr = false;
  let esc = false;
  let capParts: Buffer[] = [];
  let capStart = 0;
  let capLoc: JsonLoc = { line: 1, col: 1, offset: 0 };
  // the string being scanned inside a captured value: offset of its opening quote, line and line start
  let strAt = 0;
  let strLine = 1;
  let strLineStart = 0;

  const where = (off: number): { file: string; line: number; col: number } => ({ file, line, col: off - lineStart + 1 });
  const describe = (c: number): string => JSON.stringify(String.fromCharCode(c));
  const syntax = (off: number, what: string, expected: string, c: number): never =>
    fail(importerMessages.syntax(where(off), what, expected, describe(c)));

  const tooLong = (what: string, loc: { line: number; col: number }, limit: number, found: number | string): never =>
    fail(importerMessages.stringTooLong({ file, line: loc.line, col: loc.col, field: path.join('.') || '(top level)' }, what, limit, found));
  const strTooLong = (end: number, closed: boolean): never =>
    tooLong('JSON string', { line: strLine, col: strAt - strLineStart + 1 }, maxStr, closed ? end - strAt - 1 : `more than ${end - strAt - 1} bytes (still open)`);

  const finishValue = (): void => {
    if (stack.length === 0) {
      state = S.Done;
      return;
    }
    state = S.AfterValue;
  };

  for await (const chunk of chunks) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const n = buf.length;
    if (state === S.Raw && rawAction !== 'skip') capStart = 0;
    if (state === S.InKey) keyStart = 0;
    let i = 0;
    while (i < n) {
      if (state === S.Raw) {
        // hot loop: strings and nesting only. `endEx` = exclusive end of the value's bytes in this chunk
        let endEx = -1;
        if (rawKind === 'scalar' && !inStr && rawDepth === 0) {
          // a bare number/literal: ends before the first delimiter (which is then processed normally)
          for (; i < n; i++) {
            const c = buf[i]!;
            if (c === 44 || c === 93 || c === 125 || c === 32 || c === 10 || c === 13 || c === 9) {
              endEx = i;
              break;
            }
          }
        } else {
          for (; i < n; i++) {
            const c = buf[i]!;
            if (inStr) {
              if (esc) esc = false;
              else if (c === 92) esc = true;
              else if (c === 34) {
                inStr = false;
                if (base + i - strAt - 1 > maxStr && rawAction !== 'skip') strTooLong(base + i, true);
                if (rawDepth === 0) {
                  endEx = ++i;
                  break;
                }
              } else if (c < 0x20) syntax(base + i, 'string', 'an escaped control character', c);
              continue;
            }
            if (c === 34) {
              inStr = true;
              strAt = base + i;
              strLine = line;
              strLineStart = lineStart;
            } else if (c === 123 || c === 91) {
              if (rawDepth >= rawStack.length) syntax(base + i, 'JSON', 'nesting at most 4096 deep', c);
              rawStack[rawDepth++] = c;
            } else if (c === 125 || c === 93) {
              const open = rawStack[--rawDepth];
              if (open !== c - 2) syntax(base + i, 'JSON', open === 123 ? "'}'" : "']'", c);
              if (rawDepth === 0) {
                endEx = ++i;
                break;
              }
            } else if (c === 10) {
              line++;
              lineStart = base + i + 1;
            }
          }
        }
        if (endEx < 0) break; // the value continues in the next chunk
        if (rawAction !== 'skip') {
          capParts.push(buf.subarray(capStart, endEx));
          const text = capParts.length === 1 ? capParts[0]!.toString('utf8') : Buffer.concat(capParts).toString('utf8');
          capParts = [];
          yield item(rawAction, text, capLoc, [...path], file);
        }
        finishValue();
        continue;
      }
      const c = buf[i]!;
      if (c === 32 || c === 9 || c === 13) {
        i++; // whitespace (inside a key it is part of the key, which is sliced from the buffer)
        continue;
      }
      if (c === 10 && state !== S.InKey) {
        line++;
        lineStart = base + i + 1;
        i++;
        continue;
      }
      if (state === S.ArrValueOrEnd) {
        if (c === 93) {
          stack.pop();
          path.pop();
          i++;
          finishValue();
          continue;
        }
        state = S.Value; // an array element starts here
      }
      switch (state) {
        case S.InKey: {
          if (keyEsc) keyEsc = false;
          else if (c === 92) keyEsc = keyHasEsc = true;
          else if (c === 34) {
            if (base + i - keyAt - 1 > maxStr) tooLong('JSON object key', keyLoc, maxStr, base + i - keyAt - 1);
            keyParts.push(buf.subarray(keyStart, i));
            const raw = Buffer.concat(keyParts).toString('utf8');
            keyParts = [];
            stack[stack.length - 1]!.key = keyHasEsc ? (parseJsonAt(`"${raw}"`, file, { line, col: 1, offset: 0 }) as string) : raw;
            state = S.Colon;
          } else if (c < 0x20) syntax(base + i, 'object key', 'an escaped control character', c);
          i++;
          continue;
        }
        case S.ObjKeyOrEnd:
        case S.ObjKey: {
          if (c === 125 && state === S.ObjKeyOrEnd) {
            stack.pop();
            path.pop();
            i++;
            finishValue();
            continue;
          }
          if (c !== 34) syntax(base + i, 'object', state === S.ObjKey ? "'\"' starting a key" : "'\"' starting a key or '}'", c);
          state = S.InKey;
          keyHasEsc = false;
          keyEsc = false;
          keyParts = [];
          keyAt = base + i;
          keyLoc = { line, col: base + i - lineStart + 1 };
          i++;
          keyStart = i;
          continue;
        }
        case S.Colon: {
          if (c !== 58) syntax(base + i, 'object', "':' after the key", c);
          path[path.length - 1] = stack[stack.length - 1]!.key;
          state = S.Value;
          i++;
          continue;
        }
        case S.AfterValue: {
          const top = stack[stack.length - 1]!;
          if (c === 44) {
            if (top.kind === 'a') {
              top.key = (top.key as number) + 1;
              path[path.length - 1] = top.key;
              state = S.Value;
            } else state = S.ObjKey;
            i++;
            continue;
          }
          if ((top.kind === 'o' && c === 125) || (top.kind === 'a' && c === 93)) {
            stack.pop();
            path.pop();
            i++;
            finishValue();
            continue;
          }
          syntax(base + i, top.kind === 'o' ? 'object' : 'array', top.kind === 'o' ? "',' or '}'" : "',' or ']'", c);
          break;
        }
        case S.Value: {
          const kind: JsonKind = c === 123 ? 'object' : c === 91 ? 'array' : 'scalar';
          if (kind === 'scalar' && !(c === 34 || c === 45 || (c >= 48 && c <= 57) || c === 116 || c === 102 || c === 110)) {
            syntax(base + i, 'JSON', 'a value (object, array, string, number, true, false or null)', c);
          }
          let action = select(path, kind);
          if (action === 'descend' && kind === 'scalar') action = 'capture';
          if (action === 'descend') {
            stack.push({ kind: kind === 'object' ? 'o' : 'a', key: kind === 'object' ? '' : 0, line });
            path.push(kind === 'object' ? '' : 0);
            state = kind === 'object' ? S.ObjKeyOrEnd : S.ArrValueOrEnd;
            i++;
            continue;
          }
          rawAction = action;
          rawKind = kind;
          rawDepth = 0;
          inStr = false;
          esc = false;
          capParts = [];
          capStart = i;
          capLoc = { line, col: i + base - lineStart + 1, offset: base + i };
          if (kind !== 'scalar') rawStack[rawDepth++] = c;
          else if (c === 34) {
            inStr = true;
            strAt = base + i;
            strLine = line;
            strLineStart = lineStart;
          }
          state = S.Raw;
          i++;
          continue;
        }
        case S.Done:
          syntax(base + i, 'JSON', 'end of input after the top-level value', c);
      }
    }
    if (state === S.InKey) {
      keyParts.push(buf.subarray(keyStart, n));
      if (base + n - keyAt - 1 > maxStr) tooLong('JSON object key', keyLoc, maxStr, `more than ${base + n - keyAt - 1} bytes (still open)`);
    }
    if (state === S.Raw && rawAction !== 'skip') {
      capParts.push(buf.subarray(capStart, n));
      // checked per chunk, so a huge string or value stops the scan before it is held in memory
      if (inStr && base + n - strAt - 1 > maxStr) strTooLong(base + n, false);
      if (base + n - capLoc.offset > MAX_JS_STRING_BYTES) {
        tooLong('JSON value', capLoc, MAX_JS_STRING_BYTES, `more than ${base + n - capLoc.offset} bytes (still open)`);
      }
    }
    base += n;
  }
  if (state === S.Raw && rawKind === 'scalar' && !inStr && rawDepth === 0 && stack.length === 0) {
    // a bare scalar at the very end of input
    if (rawAction !== 'skip') yield item(rawAction, Buffer.concat(capParts).toString('utf8'), capLoc, [...path], file);
    finishValue();
  }
  if (state !== S.Done) {
    const top = stack[stack.length - 1];
    const bareScalar = state === S.Raw && rawKind === 'scalar' && !inStr && rawDepth === 0;
    const expected =
      state === S.Raw && !bareScalar
        ? `the rest of the value that starts at line ${capLoc.line}`
        : top === undefined
          ? 'a JSON value'
          : `${top.kind === 'o' ? "'}'" : "']'"} closing the ${top.kind === 'o' ? 'object' : 'array'} opened at line ${top.line}`;
    fail(importerMessages.unexpectedEnd({ file, line, col: base - lineStart + 1 }, expected));
  }
}

function item(action: JsonAction, text: string, loc: JsonLoc, path: JsonPath, file: string): JsonItem {
  if (action === 'raw') return { path, value: undefined, text, loc };
  return { path, value: parseJsonAt(text, file, loc), text: '', loc };
}

/**
 * `JSON.parse` with a located error: on failure, the first syntax error is found and reported as
 * `file:line:col` (relative to `loc`, the text's position in the file).
 */
export function parseJsonAt(text: string, file: string, loc: JsonLoc = { line: 1, col: 1, offset: 0 }): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const spot = locateJsonError(text) ?? { index: 0, expected: 'valid JSON', found: JSON.stringify(text.slice(0, 12)) };
    const before = text.slice(0, spot.index);
    const nl = before.lastIndexOf('\n');
    const lines = nl < 0 ? 0 : before.split('\n').length - 1;
    const col = nl < 0 ? loc.col + Buffer.byteLength(before) : Buffer.byteLength(before.slice(nl + 1)) + 1;
    return fail(importerMessages.syntax({ file, line: loc.line + lines, col }, 'JSON', spot.expected, spot.found));
  }
}
