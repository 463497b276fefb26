/**
 * `--map` `replace` patterns, run by a linear-time engine (a Pike VM: every thread advances in lockstep, one
 * step per input character, at most one thread per program instruction), so no pattern can backtrack
 * catastrophically: `^(a+)+$` on a 35-character cell costs a few thousand steps, not 190 s of CPU. Work per
 * cell is bounded by `cell length × program size` (both capped below).
 *
 * Semantics are JavaScript's: `pattern` is the source of a `RegExp` without flags, `replaceFirst(s, r)` is
 * `s.replace(new RegExp(pattern), r)` (the first, leftmost match, alternatives and greedy/lazy quantifiers
 * in JavaScript's priority order; `$1`, `$<name>`, `$&`, `` $` ``, `$'`, `$$` in the replacement). Supported:
 * literals; `.`; classes `[…]`/`[^…]` with ranges; `\d \D \w \W \s \S`; `\t \n \r \v \f \0 \xHH \uHHHH`;
 * escaped syntax characters (`\. \* \( \\ \/ \-` …); anchors `^ $ \b \B`; groups `(…)`, `(?:…)`,
 * `(?<name>…)`; `|`; quantifiers `* + ? {n} {n,} {n,m}` and their lazy forms (`*?` …). Rejected, with the
 * reason: backreferences (`\1`, `\k<name>`), lookarounds (`(?=`, `(?!`, `(?<=`, `(?<!`), any other escape
 * (`\p{…}`, `\cX`, `\q` …), a `{` that is not a quantifier, a bound over `MAX_REPEAT`, and patterns that
 * compile to more than `MAX_PROGRAM` instructions. Cells longer than `MAX_CELL_CHARS` are not matched (the
 * caller reports them).
 */

/** Longest pattern program (instructions; `x{1,50}` repeats x's instructions 50 times). */
export const MAX_PROGRAM = 1000;
/** Largest bound in `{n}`, `{n,}`, `{n,m}`. */
export const MAX_REPEAT = 100;
/** Longest cell (UTF-16 code units) a pattern is applied to. */
export const MAX_CELL_CHARS = 4096;

const MEMO_ENTRIES = 1024;
const MEMO_MAX_CHARS = 64;

/** A pattern that cannot be used, with the 0-based index in the pattern text where the problem is. */
export class PatternError extends Error {
  constructor(readonly reason: string, readonly index: number) {
    super(`${reason} at character ${index + 1}`);
    this.name = 'PatternError';
  }
}

/** A set of UTF-16 code units: ASCII as a bitmap, the rest as sorted inclusive ranges; optionally negated. */
class CharSet {
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
const isWord = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === 95 || (c >= 97 && c <= 122);

type Node =
  | { readonly t: 'char'; readonly set: CharSet }
  | { readonly t: 'seq'; readonly items: Node[] }
  | { readonly t: 'alt'; readonly alts: Node[] }
  | { readonly t: 'group'; readonly cap: number; readonly body: Node }
  | { readonly t: 'repeat'; readonly body: Node; readonly min: number; readonly max: number; readonly greedy: boolean }
  | { readonly t: 'assert'; readonly kind: '^' | '$' | 'b' | 'B' };

const SYNTAX = '^$\\.*+?()[]{}|/-';

/** Parse a pattern (JavaScript syntax, no flags) into a tree; `PatternError` for anything outside the subset. */
function parse(src: string): { root: Node; groups: number; names: Map<string, number> } {
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
const CHAR = 0;
const MATCH = 1;
const JMP = 2;
const SPLIT = 3; // a preferred over b
const SAVE = 4;
const ASSERT = 5; // a: 0 ^, 1 $, 2 \b, 3 \B
const CLEAR = 6; // clear capture slots [a, b)

interface Program {
  readonly op: Int32Array;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly sets: CharSet[];
}

function compile(root: Node, src: string): Program {
  const op: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  const sets: CharSet[] = [];
  const emit = (o: number, x = 0, y = 0): number => {
    if (op.length >= MAX_PROGRAM) throw new PatternError(`the pattern is too large (over ${MAX_PROGRAM} instructions once repetitions are expanded)`, src.length - 1);
    op.push(o);
    a.push(x);
    b.push(y);
    return op.length - 1;
  };
  const capsOf = (n: Node): [number, number] | null => {
    let lo = Infinity;
    let hi = -1;
    const walk = (x: Node): void => {
      if (x.t === 'group') (lo = Math.min(lo, x.cap)), (hi = Math.max(hi, x.cap)), walk(x.body);
      else if (x.t === 'seq') x.items.forEach(walk);
      else if (x.t === 'alt') x.alts.forEach(walk);
      else if (x.t === 'repeat') walk(x.body);
    };
    walk(n);
    return hi < 0 ? null : [2 * lo, 2 * hi + 2];
  };
  const gen = (n: Node): void => {
    switch (n.t) {
      case 'char':
        sets.push(n.set);
        emit(CHAR, sets.length - 1);
        return;
      case 'assert':
        emit(ASSERT, ['^', '$', 'b', 'B'].indexOf(n.kind));
        return;
      case 'seq':
        for (const x of n.items) gen(x);
        return;
      case 'group':
        emit(SAVE, 2 * n.cap);
        gen(n.body);
        emit(SAVE, 2 * n.cap + 1);
        return;
      case 'alt': {
        const jumps: number[] = [];
        for (let k = 0; k < n.alts.length; k++) {
          if (k < n.alts.length - 1) {
            const split = emit(SPLIT);
            a[split] = op.length;
            gen(n.alts[k]!);
            jumps.push(emit(JMP));
            b[split] = op.length;
          } else gen(n.alts[k]!);
        }
        for (const j of jumps) a[j] = op.length;
        return;
      }
      case 'repeat': {
        const caps = capsOf(n.body);
        // each iteration starts with its groups unset (as JavaScript does)
        const iteration = (): void => {
          if (caps) emit(CLEAR, caps[0], caps[1]);
          gen(n.body);
        };
        for (let k = 0; k < n.min; k++) iteration();
        if (n.max === Infinity) {
          const split = emit(SPLIT);
          const body = op.length;
          iteration();
          emit(JMP, split);
          const out = op.length;
          a[split] = n.greedy ? body : out;
          b[split] = n.greedy ? out : body;
          return;
        }
        const splits: number[] = [];
        for (let k = n.min; k < n.max; k++) {
          const split = emit(SPLIT);
          splits.push(split);
          const body = op.length;
          iteration();
          a[split] = body; // fixed below for lazy
        }
        const out = op.length;
        for (const s of splits) {
          const body = a[s]!;
          a[s] = n.greedy ? body : out;
          b[s] = n.greedy ? out : body;
        }
        return;
      }
    }
  };
  emit(SAVE, 0);
  gen(root);
  emit(SAVE, 1);
  emit(MATCH);
  return { op: Int32Array.from(op), a: Int32Array.from(a), b: Int32Array.from(b), sets };
}

/** True when every way through `n` starts with the `^` assertion (so a match can only start at 0). */
function startsAnchored(n: Node): boolean {
  switch (n.t) {
    case 'assert':
      return n.kind === '^';
    case 'seq':
      return n.items.length > 0 && startsAnchored(n.items[0]!);
    case 'alt':
      return n.alts.every(startsAnchored);
    case 'group':
      return startsAnchored(n.body);
    case 'repeat':
      return n.min > 0 && startsAnchored(n.body);
    default:
      return false;
  }
}

/** A compiled `replace` pattern. */
export class LinearPattern {
  private readonly prog: Program;
  private readonly slots: number;
  private readonly names: Map<string, number>;
  /** Steps (thread additions) of the last `exec`: bounded by (cell length + 1) × program size. */
  lastSteps = 0;

  constructor(readonly source: string) {
    const { root, groups, names } = parse(source);
    this.prog = compile(root, source);
    this.slots = 2 * (groups + 1);
    this.names = names;
    this.mark = new Int32Array(this.prog.op.length).fill(-1);
    this.anchored = startsAnchored(root);
  }

  /** Per-instruction generation marks, reused by every `exec` (generations only grow; reset near 2^31). */
  private readonly mark: Int32Array;
  private gen = 0;
  /** Every match must start at position 0 (the pattern begins with `^` in each alternative). */
  private readonly anchored: boolean;

  /** Program size (instructions). */
  get size(): number {
    return this.prog.op.length;
  }

  /** The first (leftmost, highest-priority) match: capture slots (start/end per group, -1 unset), or null. */
  exec(s: string): Int32Array | null {
    const { op, a, b, sets } = this.prog;
    const mark = this.mark;
    if (this.gen > 0x7fff0000 - s.length) {
      mark.fill(-1);
      this.gen = 0;
    }
    const base = this.gen;
    this.gen += s.length + 2;
    let clist: Array<{ pc: number; caps: Int32Array }> = [];
    let nlist: Array<{ pc: number; caps: Int32Array }> = [];
    let matched: Int32Array | null = null;
    let steps = 0;
    const stack: Array<{ pc: number; caps: Int32Array }> = [];
    // follow the non-consuming instructions from pc at position sp, in priority order, into `list`
    const add = (list: Array<{ pc: number; caps: Int32Array }>, pc0: number, caps0: Int32Array, sp: number, gen: number): void => {
      stack.push({ pc: pc0, caps: caps0 });
      while (stack.length) {
        const { pc, caps } = stack.pop()!;
        steps++;
        if (mark[pc] === gen) continue;
        mark[pc] = gen;
        switch (op[pc]) {
          case JMP:
            stack.push({ pc: a[pc]!, caps });
            break;
          case SPLIT:
            stack.push({ pc: b[pc]!, caps });
            stack.push({ pc: a[pc]!, caps });
            break;
          case SAVE: {
            const c = caps.slice();
            c[a[pc]!] = sp;
            stack.push({ pc: pc + 1, caps: c });
            break;
          }
          case CLEAR: {
            const c = caps.slice();
            c.fill(-1, a[pc]!, b[pc]!);
            stack.push({ pc: pc + 1, caps: c });
            break;
          }
          case ASSERT: {
            const k = a[pc]!;
            let ok: boolean;
            if (k === 0) ok = sp === 0;
            else if (k === 1) ok = sp === s.length;
            else {
              const w = (sp > 0 && isWord(s.charCodeAt(sp - 1))) !== (sp < s.length && isWord(s.charCodeAt(sp)));
              ok = k === 2 ? w : !w;
            }
            if (ok) stack.push({ pc: pc + 1, caps });
            break;
          }
          default: // CHAR, MATCH: wait in the list
            list.push({ pc, caps });
        }
      }
    };
    const empty = new Int32Array(this.slots).fill(-1);
    // marks are per position: the threads waiting at position sp were added with generation sp
    for (let sp = 0; sp <= s.length; sp++) {
      // a new attempt starting here, at the lowest priority, while nothing has matched yet
      if (matched === null && (sp === 0 || !this.anchored)) add(clist, 0, empty, sp, base + sp);
      else if (clist.length === 0 && matched === null) break; // anchored: no attempt can start later
      if (clist.length === 0) {
        if (matched !== null) break;
        continue;
      }
      nlist = [];
      const c = sp < s.length ? s.charCodeAt(sp) : -1;
      for (const t of clist) {
        if (op[t.pc] === MATCH) {
          matched = t.caps;
          break; // lower-priority threads are cut
        }
        if (c >= 0 && sets[a[t.pc]!]!.has(c)) add(nlist, t.pc + 1, t.caps, sp + 1, base + sp + 1);
      }
      clist = nlist;
    }
    this.lastSteps = steps;
    return matched;
  }

  /**
   * `s.replace(new RegExp(source), replacement)`: the first match replaced, `$` patterns expanded. Results for
   * short cells are remembered (a column has few distinct values: agent and op names).
   */
  replaceFirst(s: string, replacement: string): string {
    if (s.length > MEMO_MAX_CHARS) return this.replaceOnce(s, replacement);
    const key = `${replacement}\u0000${s}`;
    let r = this.memo.get(key);
    if (r === undefined) {
      if (this.memo.size >= MEMO_ENTRIES) this.memo.clear();
      r = this.replaceOnce(s, replacement);
      this.memo.set(key, r);
    }
    return r;
  }

  private readonly memo = new Map<string, string>();

  private replaceOnce(s: string, replacement: string): string {
    const m = this.exec(s);
    if (m === null) return s;
    const start = m[0]!;
    const end = m[1]!;
    const groupCount = this.slots / 2 - 1;
    const cap = (k: number): string => (m[2 * k]! >= 0 && m[2 * k + 1]! >= 0 ? s.slice(m[2 * k]!, m[2 * k + 1]!) : '');
    let out = '';
    for (let k = 0; k < replacement.length; k++) {
      const ch = replacement[k]!;
      if (ch !== '$' || k + 1 >= replacement.length) {
        out += ch;
        continue;
      }
      const nx = replacement[k + 1]!;
      if (nx === '$') (out += '$'), k++;
      else if (nx === '&') (out += s.slice(start, end)), k++;
      else if (nx === '`') (out += s.slice(0, start)), k++;
      else if (nx === "'") (out += s.slice(end)), k++;
      else if (nx >= '0' && nx <= '9') {
        const two = replacement.slice(k + 1, k + 3);
        const n2 = /^\d\d$/.test(two) ? Number(two) : 0;
        const n1 = Number(nx);
        if (n2 >= 1 && n2 <= groupCount) (out += cap(n2)), (k += 2);
        else if (n1 >= 1 && n1 <= groupCount) (out += cap(n1)), k++;
        else out += '$';
      } else if (nx === '<' && this.names.size > 0) {
        const close = replacement.indexOf('>', k + 2);
        if (close < 0) out += '$';
        else {
          const g = this.names.get(replacement.slice(k + 2, close));
          out += g === undefined ? '' : cap(g);
          k = close;
        }
      } else out += '$';
    }
    return s.slice(0, start) + out + s.slice(end);
  }
}
