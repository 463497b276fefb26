/**
 * A writer of plain-data pickles for tests, laid out as CPython's `pickle.dumps` lays them out: protocol 4 is
 * `PROTO 4`, one `FRAME`, `MEMOIZE` after every container and string, strings memoised once and referenced after
 * (`BINGET`); protocol 2 has no frame and memoises with `BINPUT`. Containers of more than one item are `MARK …
 * APPENDS` / `MARK … SETITEMS`, of one item `APPEND` / `SETITEM`. Tests build their snapshots with it instead of
 * carrying real files.
 */
export type Py = null | boolean | number | string | readonly Py[] | { readonly [k: string]: Py };

export function pickle(value: Py, protocol: 2 | 4 = 4): Buffer {
  const out: Buffer[] = [];
  const strings = new Map<string, number>();
  let memo = 0;
  const op = (...bytes: number[]): void => void out.push(Buffer.from(bytes));
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  const memoize = (): void => {
    if (protocol === 4) op(0x94); // MEMOIZE
    else if (memo < 256) op(0x71, memo); // BINPUT
    else out.push(Buffer.from([0x72]), u32(memo)); // LONG_BINPUT
    memo++;
  };
  const get = (i: number): void => {
    if (i < 256) op(0x68, i); // BINGET
    else out.push(Buffer.from([0x6a]), u32(i)); // LONG_BINGET
  };
  const int = (n: number): void => {
    if (n >= 0 && n < 256) op(0x4b, n); // BININT1
    else if (n >= 0 && n < 65536) op(0x4d, n & 0xff, n >> 8); // BININT2
    else if (n >= -(2 ** 31) && n < 2 ** 31) {
      const b = Buffer.alloc(4);
      b.writeInt32LE(n);
      out.push(Buffer.from([0x4a]), b); // BININT
    } else {
      // LONG1: little-endian two's complement, as few bytes as keep the sign
      let v = BigInt(n);
      const bytes: number[] = [];
      for (;;) {
        const byte = Number(v & 0xffn);
        bytes.push(byte);
        v >>= 8n;
        if ((v === 0n && (byte & 0x80) === 0) || (v === -1n && (byte & 0x80) !== 0)) break;
      }
      op(0x8a, bytes.length, ...bytes);
    }
  };
  const str = (s: string): void => {
    const known = strings.get(s);
    if (known !== undefined) return get(known);
    const b = Buffer.from(s, 'utf8');
    if (protocol === 4 && b.length < 256) out.push(Buffer.from([0x8c, b.length]), b); // SHORT_BINUNICODE
    else out.push(Buffer.from([0x58]), u32(b.length), b); // BINUNICODE
    strings.set(s, memo);
    memoize();
  };
  const put = (v: Py): void => {
    if (v === null) op(0x4e);
    else if (v === true) op(0x88);
    else if (v === false) op(0x89);
    else if (typeof v === 'number') {
      if (Number.isInteger(v)) int(v);
      else {
        const b = Buffer.alloc(8);
        b.writeDoubleBE(v);
        out.push(Buffer.from([0x47]), b); // BINFLOAT
      }
    } else if (typeof v === 'string') str(v);
    else if (Array.isArray(v)) {
      op(0x5d); // EMPTY_LIST
      memoize();
      const items = v as readonly Py[];
      if (items.length === 1) {
        put(items[0]!);
        op(0x61); // APPEND
      } else if (items.length > 1) {
        op(0x28); // MARK
        for (const x of items) put(x);
        op(0x65); // APPENDS
      }
    } else {
      op(0x7d); // EMPTY_DICT
      memoize();
      const entries = Object.entries(v as { readonly [k: string]: Py });
      if (entries.length > 1) op(0x28); // MARK
      for (const [k, x] of entries) {
        str(k);
        put(x);
      }
      if (entries.length === 1) op(0x73); // SETITEM
      else if (entries.length > 1) op(0x75); // SETITEMS
    }
  };
  put(value);
  op(0x2e); // STOP
  const body = Buffer.concat(out);
  if (protocol === 2) return Buffer.concat([Buffer.from([0x80, 0x02]), body]);
  const frame = Buffer.alloc(8);
  frame.writeBigUInt64LE(BigInt(body.length));
  return Buffer.concat([Buffer.from([0x80, 0x04, 0x95]), frame, body]);
}
