/**
 * Bounds-checked reads of the two flatbuffer structures a gmemlab Arrow file hands to flechette: the footer's custom
 * metadata and a block's message header. flechette reads a flatbuffer vector as `Array.from({ length })` with the
 * length taken from the bytes, unchecked: one damaged byte in a footer gave a length of hundreds of millions, and
 * the import died out of heap after 30 s instead of reporting a damaged file (found by `npm run fuzz`, target
 * `arrow`). Here every offset, length and count is checked against the buffer before anything is read or
 * allocated; a violation throws `FlatbufferBoundsError` naming the byte, which the caller reports as `arrow.corrupt`.
 *
 * The layouts are the Arrow IPC flatbuffers (format/File.fbs, Message.fbs, Schema.fbs of apache/arrow): a table
 * starts with a signed offset back to its vtable; the vtable holds its own size, the table size and one 16-bit
 * field offset per field (0: absent); vectors and strings start with a 32-bit count.
 */

/** A flatbuffer offset or length that points outside its buffer, or a message of the wrong kind (`at`: the byte). */
export class FlatbufferBoundsError extends Error {
  constructor(
    readonly at: number,
    what: string,
  ) {
    super(what);
  }
}

function outside(at: number, what: string): FlatbufferBoundsError {
  return new FlatbufferBoundsError(at, `${what} points outside the flatbuffer`);
}

function i32(buf: Uint8Array, at: number, what: string): number {
  if (!(at >= 0 && at + 4 <= buf.length)) throw outside(at, what);
  return buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24);
}

function u16(buf: Uint8Array, at: number, what: string): number {
  if (!(at >= 0 && at + 2 <= buf.length)) throw outside(at, what);
  return buf[at]! | (buf[at + 1]! << 8);
}

/** A table whose position is stored (as an offset relative to `at`) at `at`. */
class Table {
  readonly pos: number;
  private readonly vtable: number;
  private readonly vtableBytes: number;

  constructor(
    private readonly buf: Uint8Array,
    at: number,
  ) {
    const pos = at + i32(buf, at, 'table offset');
    if (!(pos >= 0 && pos + 4 <= buf.length)) throw outside(at, 'table offset');
    const vtable = pos - i32(buf, pos, 'vtable offset');
    if (!(vtable >= 0 && vtable + 4 <= buf.length)) throw outside(pos, 'vtable offset');
    const vtableBytes = u16(buf, vtable, 'vtable size');
    if (vtableBytes < 4 || vtable + vtableBytes > buf.length) throw outside(vtable, `vtable size ${vtableBytes}`);
    this.pos = pos;
    this.vtable = vtable;
    this.vtableBytes = vtableBytes;
  }

  /** Position of field `slot` (the byte offset of its entry in the vtable: 4, 6, 8, …), or 0 when absent. */
  field(slot: number): number {
    if (slot + 2 > this.vtableBytes) return 0;
    const off = u16(this.buf, this.vtable + slot, 'field offset');
    if (off === 0) return 0;
    const at = this.pos + off;
    if (at >= this.buf.length) throw outside(this.vtable + slot, 'field offset');
    return at;
  }
}

/**
 * The entries of the vector whose offset is at `at` (a field's position): their start and count, checked to lie
 * inside `buf`. An error names the byte holding the bad offset or count.
 */
function vector(buf: Uint8Array, at: number, stride: number, what: string): { start: number; count: number } {
  const base = at + i32(buf, at, `${what} offset`);
  if (!(base >= 0 && base + 4 <= buf.length)) throw outside(at, `${what} offset`);
  const count = i32(buf, base, `${what} length`);
  const start = base + 4;
  if (count < 0 || start + count * stride > buf.length) throw outside(base, `${what} length ${count}`);
  return { start, count };
}

function string(buf: Uint8Array, at: number, what: string): string {
  const { start, count } = vector(buf, at, 1, what);
  return Buffer.from(buf.buffer, buf.byteOffset + start, count).toString('utf8');
}

/**
 * The custom metadata (key → value) of an Arrow file footer (File.fbs `Footer.custom_metadata`, field 4, vtable slot
 * 12); an empty map when the footer has none.
 */
export function footerMetadata(footer: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  const root = new Table(footer, 0);
  const at = root.field(12);
  if (at === 0) return out;
  const { start, count } = vector(footer, at, 4, 'metadata list');
  for (let i = 0; i < count; i++) {
    const kv = new Table(footer, start + 4 * i);
    const k = kv.field(4);
    const v = kv.field(6);
    if (k !== 0) out.set(string(footer, k, 'metadata key'), v === 0 ? '' : string(footer, v, 'metadata value'));
  }
  return out;
}

/**
 * Check that an encapsulated IPC message is a record or dictionary batch whose vectors at the start of `block` (continuation marker, metadata
 * length, `Message` table) lie inside its metadata: the record batch's field nodes (16 bytes each) and buffers
 * (16), and its variadic counts (8), directly or inside a dictionary batch. flechette's `decodeMessage` reads them
 * unchecked (and a schema message's nested field lists too, so any other message type is refused here).
 */
export function checkMessageBounds(block: Uint8Array): void {
  let at = 0;
  let len = i32(block, at, 'message length');
  at += 4;
  if (len === -1) {
    len = i32(block, at, 'message length');
    at += 4;
  }
  if (len <= 0) return; // no message: the caller reports it
  if (at + len > block.length) throw outside(at - 4, `message length ${len}`);
  try {
    checkBatchVectors(block.subarray(at, at + len));
  } catch (e) {
    // offsets in the block, not in its metadata
    if (e instanceof FlatbufferBoundsError) throw new FlatbufferBoundsError(at + e.at, e.message);
    throw e;
  }
}

function checkBatchVectors(head: Uint8Array): void {
  const message = new Table(head, 0);
  const typeAt = message.field(6);
  const headerAt = message.field(8);
  if (headerAt === 0) return;
  const type = typeAt === 0 ? 0 : head[typeAt]!;
  let batchTable: Table;
  if (type === 3) batchTable = new Table(head, headerAt); // RecordBatch
  else if (type === 2) {
    // DictionaryBatch: field 6 is its RecordBatch
    const dict = new Table(head, headerAt);
    const dataAt = dict.field(6);
    if (dataAt === 0) return;
    batchTable = new Table(head, dataAt);
  } else throw new FlatbufferBoundsError(typeAt, `message type ${type} (not a record or dictionary batch)`);
  const nodes = batchTable.field(6);
  if (nodes !== 0) vector(head, nodes, 16, 'field node list');
  const buffers = batchTable.field(8);
  if (buffers !== 0) vector(head, buffers, 16, 'buffer list');
  const variadic = batchTable.field(12);
  if (variadic !== 0) vector(head, variadic, 8, 'variadic count list');
}
