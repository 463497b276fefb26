import { grown } from '../../io/typed-arrays';
import type { Diagnostic, Location } from '../../log/diagnostic';
import { csvMessages } from '../../log/messages/trace';
import type { BatchBuilder } from '../batch';
import {
  Access, Advice, CPU, Flag, FLAG_NAMES, KIND_MASK, kindCount, markerKindOf, Op, OP_COUNT, OP_CSV_NAMES, OP_NAMES,
  OP_REQUIRED,
} from '../event';
import { Col, colKindOf, type ColumnLayout } from './columns';
import * as fields from './fields';
import { compileFastRows, type FastRowHost, type FastRows } from './fast-rows';
import { KeywordTable } from './keywords';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS output), which costs ~30% in this hot
// path: it reads module-local copies instead.
const { BAD, NEGATIVE, TOO_LARGE, decodeAscii, decodeUtf8, fieldText, parseAddress, parseAgent, parseDecimal, textClass } = fields;
const K_TNS = Col.tNs, K_OP = Col.op, K_AGENT = Col.agent, K_VA = Col.va, K_BYTES = Col.bytes, K_ACCESS = Col.access;
const K_ADVICE = Col.advice, K_TARGET = Col.target, K_FLAGS = Col.flags, K_RESOURCE = Col.resource, K_OFFSET = Col.offset;
const K_COUNT = Col.count, K_PAGE = Col.pageBytes, K_DUR = Col.durNs, K_LABEL = Col.label;
const OP_MARKER = Op.marker, OP_COPY = Op.copy, OP_MAP = Op.map, OP_ALLOC = Op.alloc;
const F_SIZE_UNKNOWN = Flag.size_unknown, F_NULL = Flag.null, KIND_BITS = KIND_MASK, AGENT_CPU = CPU;

/** Hex digit value by byte, -1 otherwise. */
const HEX: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let i = 0; i < 10; i++) t[48 + i] = i;
  for (let i = 0; i < 6; i++) t[97 + i] = t[65 + i] = 10 + i;
  return t;
})();
/** A flags field holding a single canonical token (the common case on the fast path). */
const FLAG_ONE = new KeywordTable(FLAG_NAMES.map((n) => [n, Flag[n]] as const));

const OPS = new KeywordTable(OP_CSV_NAMES.map((n, i) => [n, i] as const));
const ACCESS = new KeywordTable(Object.entries(Access));
const ADVICE = new KeywordTable(Object.entries(Advice));
const FLAGS = new KeywordTable(FLAG_NAMES.map((n) => [n, Flag[n]] as const));
const LIMIT = 2 ** 53;
const U32_MAX = 0xffffffff;

/** Per op: bit mask of the column kinds it requires (OP_REQUIRED), plus t_ns and op. */
const REQUIRED: Int32Array = (() => {
  const m = new Int32Array(OP_COUNT);
  for (let op = 0; op < OP_COUNT; op++) {
    let bits = (1 << Col.tNs) | (1 << Col.op);
    for (const c of OP_REQUIRED[OP_NAMES[op]!]) bits |= 1 << colKindOf(c);
    m[op] = bits;
  }
  return m;
})();

/** Where parsed rows go and how problems are reported. */
export interface RowTarget {
  readonly builder: BatchBuilder;
  /** Source line of each builder row (same index). */
  lines: Uint32Array;
  /**
   * Report a structural problem for the current row. Strict readers throw (`GmemlabError`), lenient ones
   * count it; either way the row is dropped.
   */
  problem(d: Diagnostic): void;
  /** The builder is full: hand its batch on (the builder then holds fresh columns). */
  flush(): void;
}

/**
 * Turns the fields of one canonical CSV row into one builder row, checking every structural rule of
 * docs/trace-formats.md part 1: field syntax, enums, ranges (< 2^53), per-op required fields (OP_REQUIRED),
 * allocation kinds, zero sizes, map alignment to `page_bytes`, and non-decreasing `t_ns`. A row with a
 * problem is reported once (its first problem) and dropped.
 *
 * `parseLine` is the fast path for records without quotes (fields split on commas in place); `parseFields`
 * takes fields already split (quoted records, `--map` input).
 */
export class RowParser {
  private starts: Int32Array = new Int32Array(32);
  private ends: Int32Array = new Int32Array(32);
  private cols: Int32Array = new Int32Array(32);
  /** `t_ns` of the last accepted row (rows must not go back in time). */
  lastTNs = 0;
  /** Accepted rows so far. */
  rows = 0;
  /** Checks `t_ns` order (off when the caller sorts afterwards). */
  checkOrder = true;

  constructor(
    readonly layout: ColumnLayout,
    private readonly target: RowTarget,
    readonly file: string,
    private readonly maxLineBytes: number,
    private readonly delimiter = 44,
  ) {
    this.compiled = compileFastRows(layout.kinds, delimiter, { OPS, ACCESS, ADVICE, FLAG_ONE, HEX });
    this.host = {
      builder: target.builder,
      finish: (i, given, line) => this.finishRow(i, given, line, null),
      flush: () => target.flush(),
    };
  }

  /**
   * Fast path: parse consecutive simple rows of `buf` from `pos` in one loop compiled for this header
   * (fast-rows.ts). It stops, without consuming, at the first record it does not handle; the caller hands
   * that record to `parseLine`/`parseFields`, which report problems precisely. `fastCount` = rows taken.
   */
  fastRows(buf: Buffer, pos: number, lastNl: number, line: number): number {
    const r = this.compiled(buf, pos, lastNl, line, this.maxLineBytes, this.host);
    this.fastCount = r.rows;
    return r.pos;
  }

  private readonly compiled: FastRows;
  private readonly host: FastRowHost;

  /** Rows taken by the last `fastRows` call. */
  fastCount = 0;

  /** General path: split the line on delimiters, then parse with full error reporting. */
  parseLine(buf: Buffer, s: number, e: number, line: number, atEof: boolean): void {
    const d = this.delimiter;
    let n = 0;
    let fs = s;
    let starts = this.starts;
    for (let p = s; ; p++) {
      if (p === e || buf[p] === d) {
        if (n === starts.length) {
          this.grow();
          starts = this.starts;
        }
        starts[n] = fs;
        this.ends[n] = p;
        this.cols[n] = fs - s + 1;
        n++;
        if (p === e) break;
        fs = p + 1;
      }
    }
    this.parseFields(buf, this.starts, this.ends, this.cols, n, line, atEof);
  }

  private grow(): void {
    const n = this.starts.length * 2;
    this.starts = grown(this.starts, n);
    this.ends = grown(this.ends, n);
    this.cols = grown(this.cols, n);
  }

  /**
   * One row from split fields: `buf[starts[f]..ends[f])` is field `f`; `cols[f]` its 1-based column in the
   * source line (0 = unknown).
   */
  parseFields(
    buf: Buffer, starts: Int32Array, ends: Int32Array, cols: Int32Array, n: number, line: number, atEof: boolean,
  ): void {
    const L = this.layout;
    const kinds = L.kinds;
    const nk = kinds.length;
    if (n !== nk) {
      if (atEof && n < nk) this.report(csvMessages.truncatedLastLine(this.at(line, 0, -1), nk, n));
      else this.report(csvMessages.fieldCount(this.at(line, n > nk ? cols[nk]! : 0, -1), nk, n));
      return;
    }
    const b = this.target.builder;
    const c = b.cols;
    const i = b.addRow(OP_MARKER, 0, AGENT_CPU, NaN, NaN);
    let given = 0;
    for (let f = 0; f < n; f++) {
      const s = starts[f]!;
      const e = ends[f]!;
      if (s === e) continue;
      const kind = kinds[f]!;
      given |= 1 << kind;
      switch (kind) {
        case K_TNS: {
          const v = parseDecimal(buf, s, e);
          if (v < 0) return this.numberProblem(v, buf, s, e, line, cols[f]!, f, 'an integer number of ns');
          c.tNs[i] = v;
          break;
        }
        case K_OP: {
          const op = OPS.match(buf, s, e);
          if (op < 0) return this.fieldProblem(csvMessages.unknownOp(this.at(line, cols[f]!, f), fieldText(buf, s, e), OP_CSV_NAMES));
          c.op[i] = op;
          break;
        }
        case K_AGENT: {
          const a = parseAgent(buf, s, e);
          if (a < 0) return this.fieldProblem(csvMessages.badAgent(this.at(line, cols[f]!, f), fieldText(buf, s, e)));
          c.agent[i] = a;
          break;
        }
        case K_TARGET: {
          const a = parseAgent(buf, s, e);
          if (a < 0) return this.fieldProblem(csvMessages.badAgent(this.at(line, cols[f]!, f), fieldText(buf, s, e)));
          c.target[i] = a;
          break;
        }
        case K_VA: {
          const v = parseAddress(buf, s, e);
          if (v < 0) return this.numberProblem(v, buf, s, e, line, cols[f]!, f, 'an address: decimal or 0x-prefixed hex');
          c.va[i] = v;
          break;
        }
        case K_BYTES: {
          const v = parseDecimal(buf, s, e);
          if (v < 0) return this.numberProblem(v, buf, s, e, line, cols[f]!, f, 'a decimal number of bytes');
          c.bytes[i] = v;
          break;
        }
        case K_OFFSET: {
          const v = parseAddress(buf, s, e);
          if (v < 0) return this.numberProblem(v, buf, s, e, line, cols[f]!, f, 'a decimal byte offset');
          c.offsetBytes[i] = v;
          break;
        }
        case K_PAGE: {
          const v = parseDecimal(buf, s, e);
          if (v < 0) return this.numberProblem(v, buf, s, e, line, cols[f]!, f, 'a decimal page size in bytes');
          if (v === 0 || 2 ** Math.round(Math.log2(v)) !== v) {
            return this.fieldProblem(csvMessages.badPageSize(this.at(line, cols[f]!, f), fieldText(buf, s, e)));
          }
          c.pageBytes[i] = v;
          break;
        }
        case K_DUR: {
          const v = parseDecimal(buf, s, e);
          if (v < 0) return this.numberProblem(v, buf, s, e, line, cols[f]!, f, 'an integer number of ns');
          c.durNs[i] = v;
          break;
        }
        case K_COUNT: {
          const v = parseDecimal(buf, s, e);
          if (v < 1 || v > U32_MAX) return this.fieldProblem(csvMessages.badCount(this.at(line, cols[f]!, f), fieldText(buf, s, e)));
          c.count[i] = v;
          break;
        }
        case K_ACCESS: {
          const v = ACCESS.match(buf, s, e);
          if (v < 0) return this.fieldProblem(csvMessages.badEnum(this.at(line, cols[f]!, f), fieldText(buf, s, e), Object.keys(Access)));
          c.access[i] = v;
          break;
        }
        case K_ADVICE: {
          const v = ADVICE.match(buf, s, e);
          if (v < 0) return this.fieldProblem(csvMessages.badEnum(this.at(line, cols[f]!, f), fieldText(buf, s, e), Object.keys(Advice)));
          c.code[i] = v;
          break;
        }
        case K_FLAGS: {
          const v = this.flags(buf, s, e, line, cols[f]!, f);
          if (v < 0) return;
          c.flags[i] = v;
          break;
        }
        case K_RESOURCE: {
          const str = this.text(buf, s, e, line, cols[f]!, f);
          if (str === null) return;
          c.resource[i] = b.strings.intern(str);
          break;
        }
        case K_LABEL: {
          const str = this.text(buf, s, e, line, cols[f]!, f);
          if (str === null) return;
          c.label[i] = b.strings.intern(str);
          break;
        }
        default:
          break; // x_ columns
      }
    }
    this.finishRow(i, given, line, cols);
  }

  /**
   * Per-op rules once every field is parsed; accepts the row and returns true, or drops it and returns
   * false. Without `cols` (the fast path) nothing is reported: the caller re-parses the line on the slow
   * path, which reports the problem with its column.
   */
  private finishRow(i: number, given: number, line: number, cols: Int32Array | null): boolean {
    const L = this.layout;
    const c = this.target.builder.cols;
    const op = c.op[i]!;
    let need = (given & (1 << K_OP)) !== 0 ? REQUIRED[op]! : (1 << K_TNS) | (1 << K_OP);
    const flags = c.flags[i]!;
    if (op === OP_COPY && (flags & F_SIZE_UNKNOWN) === 0) need |= 1 << K_BYTES;
    if (op === OP_MAP && (flags & F_NULL) === 0) need |= 1 << K_RESOURCE;
    const missing = need & ~given;
    if (missing !== 0) {
      const opName = this.opName(op, given);
      const kind = 31 - Math.clz32(missing & -missing);
      const name = ['t_ns', 'op', 'agent', 'va', 'bytes', 'access', 'advice', 'target', 'flags', 'resource', 'offset', 'count', 'page_bytes', 'dur_ns', 'label'][kind]!;
      const why =
        kind === K_TNS ? 'every row needs a time' :
        kind === K_OP ? 'every row needs an op' :
        kind === K_BYTES && op === OP_COPY ? 'or flags=size_unknown' :
        kind === K_RESOURCE && op === OP_MAP ? 'unless flags has null' : undefined;
      const f = L.indexOf[kind]!;
      if (f < 0) return this.rowProblem(cols, () => csvMessages.missingColumn({ file: this.file, line, field: name }, name, opName ? `which op ${JSON.stringify(opName)} requires` : 'which every row requires'));
      return this.rowProblem(cols, () => csvMessages.missingField(this.at(line, cols![f]!, f), opName || '(none)', why));
    }
    const bytes = c.bytes[i]!;
    if (bytes === 0 && op !== OP_MARKER) return this.rowProblem(cols, () => csvMessages.zeroSize(this.at(line, cols![L.indexOf[K_BYTES]!]!, L.indexOf[K_BYTES]!), this.opName(op, given)));
    const va = c.va[i]!;
    if (bytes > LIMIT - va) {
      return this.rowProblem(cols, () => csvMessages.rangeTooLarge(this.at(line, cols![L.indexOf[K_BYTES]!]!, L.indexOf[K_BYTES]!), (BigInt(va) + BigInt(bytes)).toString()));
    }
    if (op === OP_ALLOC && kindCount(flags) !== 1) {
      const f = L.indexOf[K_FLAGS]!;
      return this.rowProblem(cols, () => csvMessages.allocKind(this.at(line, cols![f]!, f), flagText(flags & KIND_BITS)));
    }
    if (op === OP_MAP) {
      const page = c.pageBytes[i]!;
      if (page === page) {
        const off = c.offsetBytes[i]!;
        let what = '';
        let value = 0;
        let f = -1;
        if (va % page !== 0) (what = 'va'), (value = va), (f = L.indexOf[K_VA]!);
        else if (bytes % page !== 0) (what = 'bytes'), (value = bytes), (f = L.indexOf[K_BYTES]!);
        else if (off === off && off % page !== 0) (what = 'offset'), (value = off), (f = L.indexOf[K_OFFSET]!);
        if (f >= 0) return this.rowProblem(cols, () => csvMessages.unalignedMap(this.at(line, cols![f]!, f), what, value, page));
      }
    }
    if (op === OP_MARKER && c.label[i]) c.code[i] = markerKindOf(this.target.builder.strings.get(c.label[i]!));
    const t = c.tNs[i]!;
    if (this.checkOrder && t < this.lastTNs) {
      const f = L.indexOf[K_TNS]!;
      return this.rowProblem(cols, () => csvMessages.timeBackwards(this.at(line, cols![f]!, f), this.lastTNs, t));
    }
    this.lastTNs = t;
    this.target.lines[i] = line;
    this.rows++;
    return true;
  }

  private opName(op: number, given: number): string {
    return (given & (1 << K_OP)) !== 0 ? OP_CSV_NAMES[op]! : '';
  }

  private rowProblem(cols: Int32Array | null, make: () => Diagnostic): false {
    if (cols) this.fieldProblem(make());
    return false;
  }


  private flags(buf: Buffer, s: number, e: number, line: number, col: number, f: number): number {
    let bits = 0;
    let ts = s;
    for (let p = s; p <= e; p++) {
      if (p < e && buf[p] !== 124 /* | */) continue;
      let a = ts;
      let z = p;
      while (a < z && buf[a] === 32) a++;
      while (z > a && buf[z - 1] === 32) z--;
      ts = p + 1;
      if (a === z || (z - a > 2 && buf[a] === 120 && buf[a + 1] === 95)) continue; // empty or x_ token
      const bit = FLAGS.match(buf, a, z);
      if (bit < 0) {
        this.fieldProblem(csvMessages.unknownFlag(this.at(line, col + (a - s), f), fieldText(buf, a, z), FLAG_NAMES));
        return -1;
      }
      bits |= bit;
    }
    return bits;
  }

  private text(buf: Buffer, s: number, e: number, line: number, col: number, f: number): string | null {
    const k = textClass(buf, s, e, true);
    if (k === 0) return decodeAscii(buf, s, e);
    if (k < 0) {
      let p = s;
      while (buf[p]! >= 32 || buf[p] === 9 || buf[p] === 10 || buf[p] === 13) p++;
      this.fieldProblem(csvMessages.binary(this.at(line, col + (p - s), f), `byte 0x${buf[p]!.toString(16).padStart(2, '0')}`));
      return null;
    }
    const str = decodeUtf8(buf, s, e);
    if (str === null) this.fieldProblem(csvMessages.badUtf8(this.at(line, col, f)));
    return str;
  }

  private numberProblem(v: number, buf: Buffer, s: number, e: number, line: number, col: number, f: number, expected: string): void {
    const where = this.at(line, col, f);
    const text = fieldText(buf, s, e);
    if (v === NEGATIVE) this.fieldProblem(csvMessages.negative(where, text));
    else if (v === TOO_LARGE) this.fieldProblem(csvMessages.tooLarge(where, text));
    else if (v === BAD && textClass(buf, s, e, false) < 0) this.fieldProblem(csvMessages.binary(where, 'control bytes'));
    else this.fieldProblem(csvMessages.badNumber(where, expected, text));
  }

  /** Drop the row being built and report. */
  private fieldProblem(d: Diagnostic): void {
    this.target.builder.length--;
    this.target.problem(d);
  }

  /** Report a problem that concerns a whole record (no builder row started). */
  private report(d: Diagnostic): void {
    this.target.problem(d);
  }

  private at(line: number, col: number, f: number): Location {
    const loc: { file: string; line: number; col?: number; field?: string } = { file: this.file, line };
    if (col > 0) loc.col = col;
    if (f >= 0) loc.field = this.layout.names[f]!;
    return loc;
  }
}

function flagText(bits: number): string {
  return FLAG_NAMES.filter((n) => bits & Flag[n]).join('|');
}
