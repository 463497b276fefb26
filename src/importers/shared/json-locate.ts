/**
 * Find the first syntax error in a JSON text: its character index, what was expected there and what was
 * found. `JSON.parse` in Node 20 names neither position nor expectation, so importers call this (slow path,
 * only after `JSON.parse` failed) to build a `file:line:col` message. Iterative: deep nesting cannot
 * overflow the call stack.
 */
export interface JsonErrorSpot {
  readonly index: number;
  readonly expected: string;
  readonly found: string;
}

const WS = new Set([' ', '\t', '\n', '\r']);

export function locateJsonError(s: string): JsonErrorSpot | undefined {
  let i = 0;
  const stack: string[] = [];
  const err = (expected: string): JsonErrorSpot => ({ index: i, expected, found: describe(s, i) });
  const ws = (): void => {
    while (i < s.length && WS.has(s[i]!)) i++;
  };
  // returns an error or undefined; advances i past the string
  const str = (): JsonErrorSpot | undefined => {
    i++; // opening quote
    for (;;) {
      if (i >= s.length) return err("'\"' closing the string");
      const c = s.charCodeAt(i);
      if (c === 34) {
        i++;
        return undefined;
      }
      if (c < 0x20) return err('an escaped control character inside a string');
      if (c === 92) {
        const e = s[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) {
            i += 2;
            return err('four hex digits after \\u');
          }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else {
          i++;
          return err('a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
        }
      } else i++;
    }
  };
  const num = (): JsonErrorSpot | undefined => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(i, i + 400));
    if (!m || m[0] === '-' || m[0] === '') return err('a number');
    i += m[0].length;
    return undefined;
  };
  let wantValue = true;
  for (;;) {
    ws();
    if (wantValue) {
      const c = s[i];
      if (c === undefined) return err('a value');
      if (c === '{') {
        i++;
        ws();
        if (s[i] === '}') {
          i++;
          wantValue = false;
          continue;
        }
        stack.push('o');
        if (s[i] !== '"') return err("'\"' starting a key or '}'");
        const e = str();
        if (e) return e;
        ws();
        if (s[i] !== ':') return err("':' after the key");
        i++;
        continue;
      }
      if (c === '[') {
        i++;
        ws();
        if (s[i] === ']') {
          i++;
          wantValue = false;
          continue;
        }
        stack.push('a');
        continue;
      }
      let e: JsonErrorSpot | undefined;
      if (c === '"') e = str();
      else if (c === '-' || (c >= '0' && c <= '9')) e = num();
      else if (s.startsWith('true', i)) i += 4;
      else if (s.startsWith('false', i)) i += 5;
      else if (s.startsWith('null', i)) i += 4;
      else return err('a value (object, array, string, number, true, false or null)');
      if (e) return e;
      wantValue = false;
      continue;
    }
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (i < s.length) return err('end of input');
      return undefined;
    }
    const c = s[i];
    if (c === ',') {
      i++;
      if (top === 'o') {
        ws();
        if (s[i] !== '"') return err("'\"' starting a key");
        const e = str();
        if (e) return e;
        ws();
        if (s[i] !== ':') return err("':' after the key");
        i++;
      }
      wantValue = true;
      continue;
    }
    if ((top === 'o' && c === '}') || (top === 'a' && c === ']')) {
      stack.pop();
      i++;
      continue;
    }
    return err(top === 'o' ? "',' or '}'" : "',' or ']'");
  }
}

function describe(s: string, i: number): string {
  if (i >= s.length) return 'end of input';
  return JSON.stringify(s.slice(i, i + 12));
}
