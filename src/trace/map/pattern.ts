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
import { CharSet, isWord, MAX_PROGRAM, parse, PatternError, type Node } from './pattern-syntax';

export { MAX_CELL_CHARS, MAX_PROGRAM, MAX_REPEAT, PatternError } from './pattern-syntax';

const MEMO_ENTRIES = 1024;
const MEMO_MAX_CHARS = 64;

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
