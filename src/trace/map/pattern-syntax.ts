/**
 * The syntax of `--map` `replace` patterns (the subset and limits documented in pattern.ts and docs/import.md):
 * the parser from pattern text to a syntax tree, with the character sets it builds. pattern.ts compiles the
 * tree for the linear-time engine.
 */
/** Longest pattern program (instructions; `x{1,50}` repeats x's instructions 50 times). */
export const MAX_PROGRAM = 1000;
/** Largest bound in `{n}`, `{n,}`, `{n,m}`. */
export const MAX_REPEAT = 100;
/** Longest cell (UTF-16 code units) a pattern is applied to. */
export const MAX_CELL_CHARS = 4096;


/** A pattern that cannot be used, with the 0-based index in the pattern text where the problem is. */
export class PatternError extends Error {
  constructor(readonly reason: string, readonly index: number) {
    super(`${reason} at character ${index + 1}`);
    this.name = 'PatternError';
  }
}

/** A set of UTF-16 code units: ASCII as a bitmap, the rest as sorted inclusive ranges; optionally negated. */
export class CharSet {
  readonly ascii = new Uint8Array(128);
  readonly ranges: Array<[number, number]> = [];
  constructor(readonly negated = false) {}
  add(lo: number, hi: number): void {
    for (let c = lo; c <= Math.min(hi, 127); c++) this.ascii[c] = 1;
    if (hi > 127) this.ranges.push([Math.max(lo, 128), hi]);
  }
  addSet(s: CharSet): void {
    if (!s.negated) {
      for (let c = 0; c < 128; c++) if (s.ascii[c]) this.ascii[c] = 1;
      for (const r of s.ranges) this.ranges.push(r);
      return;
    }
    // the complement of a positive set, as ranges
    let lo = 0;
    const spans: Array<[number, number]> = [];
    for (let c = 0; c < 128; c++) if (s.ascii[c]) spans.push([c, c]);
    for (const r of [...s.ranges].sort((a, b) => a[0] - b[0])) spans.push(r);
    for (const [a, b] of spans) {
      if (a > lo) this.add(lo, a - 1);
      lo = Math.max(lo, b + 1);
    }
    if (lo <= 0xffff) this.add(lo, 0xffff);
  }
  has(c: number): boolean {
    let inSet = false;
    if (c < 128) inSet = this.ascii[c] === 1;
    else for (const [lo, hi] of this.ranges) if (c >= lo && c <= hi) { inSet = true; break; }
    return inSet !== this.negated;
  }
}

const set = (ranges: ReadonlyArray<readonly [number, number]>, negated = false): CharSet => {
  const s = new CharSet(negated);
  for (const [lo, hi] of ranges) s.add(lo, hi);
  return s;
};
const DIGIT: ReadonlyArray<readonly [number, number]> = [[48, 57]];
const WORD: ReadonlyArray<readonly [number, number]> = [[48, 57], [65, 90], [95, 95], [97, 122]];
const SPACE: ReadonlyArray<readonly [number, number]> = [
  [9, 13], [32, 32], [0xa0, 0xa0], [0x1680, 0x1680], [0x2000, 0x200a], [0x2028, 0x2029], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000], [0xfeff, 0xfeff],
];
const LINE_TERMINATORS: ReadonlyArray<readonly [number, number]> = [[10, 10], [13, 13], [0x2028, 0x2029]];
export const isWord = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 95 || (c >= 97 && c <= 122);

export type Node =
  | { readonly t: 'char'; readonly set: CharSet }
  | { readonly t: 'seq'; readonly items: Node[] }
  | { readonly t: 'alt'; readonly alts: Node[] }
  | { readonly t: 'group'; readonly cap: number; readonly body: Node }
  | { readonly t: 'repeat'; readonly body: Node; readonly min: number; readonly max: number; readonly greedy: boolean }
  | { readonly t: 'assert'; readonly kind: '^' | '$' | 'b' | 'B' };

const SYNTAX = '^$\\.*+?()[]{}|/-';

/** Parse a pattern (JavaScript syntax, no flags) into a tree; `PatternError` for anything outside the subset. */
export function parse(src: string): { root: Node; groups: number; names: Map<string, number> } {
  let i = 0;
  let groups = 0;
  const names = new Map<string, number>();
  const err = (reason: string, at = i): never => {
    throw new PatternError(reason, at);
  };
  const hex = (n: number): number => {
    const h = src.slice(i, i + n);
    if (h.length !== n || !/^[0-9a-fA-F]+$/.test(h)) err(`\\${n === 2 ? 'x' : 'u'} needs ${n} hex digits`);
    i += n;
    return parseInt(h, 16);
  };
  /** An escape after `\` (i at the escaped character); a set, or a code unit, or an assertion. */
  const escape = (inClass: boolean): CharSet | number | 'b' | 'B' => {
    const at = i - 1;
    const c = src[i++];
    if (c === undefined) return err('a pattern cannot end with \\', at);
    switch (c) {
      case 'd': return set(DIGIT);
      case 'D': return set(DIGIT, true);
      case 'w': return set(WORD);
      case 'W': return set(WORD, true);
      case 's': return set(SPACE);
      case 'S': return set(SPACE, true);
      case 't': return 9;
      case 'n': return 10;
      case 'v': return 11;
      case 'f': return 12;
      case 'r': return 13;
      case 'x': return hex(2);
      case 'u': return hex(4);
      case 'b': return inClass ? 8 : 'b';
      case 'B': if (!inClass) return 'B'; break;
      case '0': if (!/[0-9]/.test(src[i] ?? '')) return 0; break;
      case 'k': return err('backreferences (\\k<name>) are not supported', at);
      default:
        if (/[1-9]/.test(c)) return err(`backreferences (\\${c}) are not supported`, at);
        if (SYNTAX.includes(c)) return c.charCodeAt(0);
    }
    return err(`unsupported escape \\${c} (escape only syntax characters: ${SYNTAX})`, at);
  };
  const charClass = (): Node => {
    const negated = src[i] === '^';
    if (negated) i++;
    const s = new CharSet(negated);
    for (;;) {
      if (i >= src.length) err('unterminated character class [');
      if (src[i] === ']') {
        i++; // (in JavaScript `[]` matches nothing and `[^]` anything)
        break;
      }
      const atom = (): CharSet | number => {
        const ch = src[i++]!;
        if (ch !== '\\') return ch.charCodeAt(0);
        const e = escape(true);
        return typeof e === 'string' ? err('unsupported escape in a class', i - 2) : e;
      };
      const lo = atom();
      if (src[i] === '-' && src[i + 1] !== undefined && src[i + 1] !== ']') {
        i++;
        const hi = atom();
        if (typeof lo !== 'number' || typeof hi !== 'number') {
          // [\d-x]: JavaScript (without the u flag) reads the - literally
          for (const x of [lo, '-'.charCodeAt(0), hi]) typeof x === 'number' ? s.add(x, x) : s.addSet(x);
          continue;
        }
        if (lo > hi) err('a class range out of order');
        s.add(lo, hi);
      } else if (typeof lo === 'number') s.add(lo, lo);
      else s.addSet(lo);
    }
    return { t: 'char', set: s };
  };
  const bound = (): { min: number; max: number } | null => {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i, i + 24));
    if (!m) return null;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) err(`repetition bounds above ${MAX_REPEAT} are not supported`);
    if (max < min) err('numbers out of order in a {n,m} quantifier');
    i += m[0].length;
    return { min, max };
  };
  const alternation = (): Node => {
    const alts: Node[] = [sequence()];
    while (src[i] === '|') {
      i++;
      alts.push(sequence());
    }
    return alts.length === 1 ? alts[0]! : { t: 'alt', alts };
  };
  const sequence = (): Node => {
    const items: Node[] = [];
    while (i < src.length && src[i] !== '|' && src[i] !== ')') {
      const at = i;
      const c = src[i++]!;
      let atom: Node;
      if (c === '^' || c === '$') {
        atom = { t: 'assert', kind: c };
      } else if (c === '.') {
        atom = { t: 'char', set: set(LINE_TERMINATORS, true) };
      } else if (c === '[') {
        atom = charClass();
      } else if (c === '(') {
        let cap = -1;
        if (src[i] === '?') {
          const m = /^\?(:|<([A-Za-z_$][\w$]*)>|=|!|<=|<!)/.exec(src.slice(i, i + 64));
          if (!m) err('unsupported group syntax (?');
          if (m![1] !== ':' && m![2] === undefined) err('lookarounds ((?=, (?!, (?<=, (?<!) are not supported', at);
          if (m![2] !== undefined) {
            if (names.has(m![2])) err(`duplicate group name ${m![2]}`);
            cap = ++groups;
            names.set(m![2], cap);
          }
          i += m![0].length;
        } else cap = ++groups;
        const body = alternation();
        if (src[i] !== ')') err('unterminated group (', at);
        i++;
        atom = cap > 0 ? { t: 'group', cap, body } : body;
      } else if (c === '\\') {
        const e = escape(false);
        atom = e === 'b' || e === 'B' ? { t: 'assert', kind: e } : { t: 'char', set: typeof e === 'number' ? set([[e, e]]) : e };
      } else if (c === '*' || c === '+' || c === '?') {
        return err(`nothing to repeat before ${c}`, at);
      } else if (c === '{') {
        i--;
        if (bound()) err('nothing to repeat before {', at);
        return err('a { that is not a quantifier (write \\{ for a literal brace)', at);
      } else {
        atom = { t: 'char', set: set([[c.charCodeAt(0), c.charCodeAt(0)]]) };
      }
      // quantifier
      let q: { min: number; max: number } | null = null;
      const qc = src[i];
      if (qc === '*') q = { min: 0, max: Infinity };
      else if (qc === '+') q = { min: 1, max: Infinity };
      else if (qc === '?') q = { min: 0, max: 1 };
      if (q) i++;
      else if (qc === '{') {
        q = bound();
        if (!q) err('a { that is not a quantifier (write \\{ for a literal brace)');
      }
      if (q) {
        if (atom.t === 'assert') err('a quantifier on an anchor is not supported', at);
        const greedy = src[i] !== '?';
        if (!greedy) i++;
        atom = { t: 'repeat', body: atom, min: q.min, max: q.max, greedy };
      }
      items.push(atom);
    }
    return items.length === 1 ? items[0]! : { t: 'seq', items };
  };
  const root = alternation();
  if (i < src.length) err(src[i] === ')' ? 'unmatched )' : `unexpected ${src[i]}`);
  return { root, groups, names };
}

// instructions: [op, a, b]