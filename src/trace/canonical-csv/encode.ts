import type { EventBatch } from '../batch';
import { ACCESS_NAMES, ADVICE_NAMES, agentName, flagsToTokens, NO_AGENT, Op, OP_CSV_NAMES } from '../event';
import type { StringTable } from '../strings';

/**
 * Byte-level encoder of canonical CSV rows: the same bytes as `batchToCsv` (write.ts, the readable
 * reference, checked against this by a property test) but written straight into a Buffer, with names,
 * flag sets and strings encoded once and reused. Per row it allocates nothing, which matters at 10^7–10^8
 * rows (the string version spends most of its time in the garbage collector).
 */

const OP_ADVISE = Op.advise;
const NONE = NO_AGENT;
const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');
const OP_BYTES = OP_CSV_NAMES.map(ascii);
const ACCESS_BYTES: Buffer[] = [];
for (const [code, name] of Object.entries(ACCESS_NAMES)) ACCESS_BYTES[Number(code)] = ascii(name);
const ADVICE_BYTES: Buffer[] = [];
for (const [code, name] of Object.entries(ADVICE_NAMES)) ADVICE_BYTES[Number(code)] = ascii(name);
const AGENT_BYTES: Buffer[] = [];
const FLAG_BYTES = new Map<number, Buffer>();
const STRING_BYTES = new WeakMap<StringTable, Buffer[]>();
const TWO_31 = 2147483648;
const TWO_53 = 2 ** 53;

function agentBytes(code: number): Buffer {
  return (AGENT_BYTES[code] ??= ascii(agentName(code)));
}

function flagBytes(bits: number): Buffer {
  let b = FLAG_BYTES.get(bits);
  if (b === undefined) FLAG_BYTES.set(bits, (b = ascii(flagsToTokens(bits))));
  return b;
}

/** The CSV cell of a string: quoted (RFC 4180) when it holds `"`, `,`, CR, LF or surrounding spaces. */
function stringBytes(strings: StringTable, id: number): Buffer {
  let cache = STRING_BYTES.get(strings);
  if (!cache) STRING_BYTES.set(strings, (cache = []));
  let b = cache[id];
  if (b === undefined) {
    const s = strings.get(id);
    cache[id] = b = Buffer.from(/[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s, 'utf8');
  }
  return b;
}

/** Grows on demand; one per encoder call site. */
export class RowEncoder {
  private buf = Buffer.allocUnsafe(1 << 20);
  private o = 0;

  /** Encode every row of `b`; returns a view of the internal buffer (valid until the next call). */
  encode(b: EventBatch): Buffer {
    this.o = 0;
    const n = b.length;
    for (let i = 0; i < n; i++) {
      if (this.buf.length - this.o < 1024) this.grow(1024);
      const op = b.op[i]!;
      this.num(b.tNs[i]!);
      this.byte(44);
      this.bytes(OP_BYTES[op]!);
      this.byte(44);
      this.bytes(agentBytes(b.agent[i]!));
      this.byte(44);
      const va = b.va[i]!;
      if (va === va) this.hex(va);
      this.byte(44);
      this.opt(b.bytes[i]!);
      this.byte(44);
      const acc = b.access[i]!;
      if (acc) this.bytes(ACCESS_BYTES[acc]!);
      this.byte(44);
      const code = b.code[i]!;
      if (op === OP_ADVISE && code) this.bytes(ADVICE_BYTES[code]!);
      this.byte(44);
      const t = b.target[i]!;
      if (t !== NONE) this.bytes(agentBytes(t));
      this.byte(44);
      const fl = b.flags[i]!;
      if (fl) this.bytes(flagBytes(fl));
      this.byte(44);
      const res = b.resource[i]!;
      if (res) this.bytes(stringBytes(b.strings, res));
      this.byte(44);
      this.opt(b.offsetBytes[i]!);
      this.byte(44);
      const count = b.count[i]!;
      if (count !== 1) this.num(count);
      this.byte(44);
      this.opt(b.pageBytes[i]!);
      this.byte(44);
      this.opt(b.durNs[i]!);
      this.byte(44);
      const lab = b.label[i]!;
      if (lab) this.bytes(stringBytes(b.strings, lab));
      this.byte(10);
    }
    return this.buf.subarray(0, this.o);
  }

  private grow(need: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.o + need));
    this.buf.copy(bigger, 0, 0, this.o);
    this.buf = bigger;
  }

  private byte(c: number): void {
    this.buf[this.o++] = c;
  }

  private bytes(src: Buffer): void {
    if (this.buf.length - this.o < src.length + 512) this.grow(src.length + 512);
    src.copy(this.buf, this.o);
    this.o += src.length;
  }

  /** A number, or nothing for NaN ("not given"). */
  private opt(x: number): void {
    if (x === x) this.num(x);
  }

  /** `String(x)` for any number; digits written directly for integers in [0, 2^53). */
  private num(x: number): void {
    if (x >= 0 && x < TWO_53 && Math.floor(x) === x) {
      if (x < TWO_31) this.int31(x);
      else {
        // split into 8-digit halves (x / 1e8 may round up by one near a multiple: corrected below)
        let hi = Math.floor(x / 1e8);
        let lo = x - hi * 1e8;
        if (lo < 0) (hi -= 1), (lo += 1e8);
        else if (lo >= 1e8) (hi += 1), (lo -= 1e8);
        this.int31(hi);
        this.padded8(lo);
      }
      return;
    }
    const s = String(x);
    this.o += this.buf.write(s, this.o, 'latin1');
  }

  private int31(x: number): void {
    let v = x | 0;
    let n = 1;
    for (let t = v; t >= 10; t = (t / 10) | 0) n++;
    let p = this.o + n;
    const buf = this.buf;
    do {
      const q = (v / 10) | 0;
      buf[--p] = 48 + v - q * 10;
      v = q;
    } while (v > 0);
    this.o += n;
  }

  private padded8(x: number): void {
    let v = x | 0;
    const buf = this.buf;
    for (let p = this.o + 7; p >= this.o; p--) {
      const q = (v / 10) | 0;
      buf[p] = 48 + v - q * 10;
      v = q;
    }
    this.o += 8;
  }

  /** `0x` + lowercase hex, as `'0x' + x.toString(16)` (falls back to it for non-integers). */
  private hex(x: number): void {
    if (!(x >= 0 && x < TWO_53 && Math.floor(x) === x)) {
      this.o += this.buf.write(`0x${x.toString(16)}`, this.o, 'latin1');
      return;
    }
    const buf = this.buf;
    buf[this.o++] = 48;
    buf[this.o++] = 120;
    let n = 1;
    for (let t = x; t >= 16; t = Math.floor(t / 16)) n++;
    let p = this.o + n;
    let v = x;
    do {
      const q = Math.floor(v / 16);
      const d = v - q * 16;
      buf[--p] = d < 10 ? 48 + d : 87 + d;
      v = q;
    } while (v > 0);
    this.o += n;
  }
}
