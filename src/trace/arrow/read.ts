import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { DiagnosticLog } from '../../log/collector';
import { GmemlabError, type Diagnostic } from '../../log/diagnostic';
import { arrowMessages } from '../../log/messages/trace';
import type { EventBatch } from '../batch';
import { NO_AGENT } from '../event';
import { checksumOf } from './checksum';
import type { StringTable } from '../strings';
import { decodeMessage, MAGIC, MessageHeader, type DictionaryBatchData, type RecordBatchData } from './flechette-internal';
import { checkMessageBounds, FlatbufferBoundsError, footerMetadata } from './flatbuffer-checks';
import { ARROW_COLUMNS, ARROW_FORMAT, ARROW_FORMAT_VERSION, Dict, type ArrowTraceInfo } from './schema';

const NOT_GIVEN = NO_AGENT; // module-local: imported bindings are getters under tsx

/** A damaged or foreign Arrow file; `rowsBefore` = rows already yielded when the damage was found. */
export class ArrowTraceError extends GmemlabError {
  constructor(diagnostic: Diagnostic, readonly rowsBefore: number) {
    super(diagnostic);
  }
}

/** True when `head` starts with the Arrow file magic `ARROW1`. */
export function isArrowFile(head: Uint8Array): boolean {
  if (head.length < 8) return false;
  for (let i = 0; i < MAGIC.length; i++) if (head[i] !== MAGIC[i]) return false;
  return true;
}

/**
 * Read and check the footer of a gmemlab Arrow trace: the `gmemlab.trace` metadata and its SHA-256.
 * Throws `ArrowTraceError` (`arrow.not-gmemlab` or `arrow.corrupt`) when the file is not one or is damaged.
 */
export function readArrowInfo(path: string): ArrowTraceInfo {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const tail = Buffer.alloc(10);
    if (size < 24) throw notGmemlab(path, 'a file too small to be Arrow', 0);
    readSync(fd, tail, 0, 10, size - 10);
    for (let i = 0; i < 6; i++) if (tail[4 + i] !== MAGIC[i]) throw corrupt(path, 'the file does not end with the Arrow magic (truncated?)', 0, size - 6);
    const footerLength = tail.readInt32LE(0);
    if (footerLength <= 0 || footerLength > size - 18) throw corrupt(path, 'bad footer length', 0, size - 10);
    const footerAt = size - 10 - footerLength;
    const footer = new Uint8Array(footerLength);
    readSync(fd, footer, 0, footerLength, footerAt);
    let metadata: Map<string, string>;
    try {
      // bounds-checked (flatbuffer-checks.ts): flechette's reader trusts the vector lengths in the bytes
      metadata = footerMetadata(footer);
    } catch (e) {
      if (e instanceof FlatbufferBoundsError) throw corrupt(path, `unreadable footer: ${e.message}`, 0, footerAt + e.at);
      throw corrupt(path, 'unreadable footer', 0, footerAt);
    }
    const json = metadata.get('gmemlab.trace');
    if (json === undefined) throw notGmemlab(path, 'an Arrow file without gmemlab trace metadata', footerAt);
    if (createHash('sha256').update(json).digest('hex') !== metadata.get('gmemlab.trace_sha256')) throw corrupt(path, 'footer metadata checksum mismatch', 0, footerAt);
    let info: ArrowTraceInfo;
    try {
      info = JSON.parse(json) as ArrowTraceInfo;
    } catch {
      throw corrupt(path, 'unreadable footer metadata', 0, footerAt);
    }
    if (info?.format !== ARROW_FORMAT || info.version !== ARROW_FORMAT_VERSION) {
      throw notGmemlab(path, `format ${JSON.stringify(info?.format)} version ${info?.version}`, footerAt);
    }
    if (info.checksum !== 'crc32' && info.checksum !== 'sha256') throw notGmemlab(path, `checksum kind ${JSON.stringify(info.checksum)}`, footerAt);
    if (!Array.isArray(info.blocks)) throw corrupt(path, 'no block list in the footer metadata', 0, footerAt);
    for (const b of info.blocks) {
      if (!(Number.isSafeInteger(b?.offset) && Number.isSafeInteger(b.length) && b.offset >= 0 && b.length > 0 && b.offset + b.length <= size)) {
        throw corrupt(path, 'a block lies beyond the end of the file', 0, footerAt);
      }
    }
    return info;
  } finally {
    closeSync(fd);
  }
}

/** Restore the import diagnostics saved in the file into `log`. */
export function restoreLog(info: ArrowTraceInfo, log: DiagnosticLog): void {
  const kept = new Map<string, number>();
  for (const d of info.log.examples as Diagnostic[]) {
    log.add(d);
    kept.set(d.code, (kept.get(d.code) ?? 0) + 1);
  }
  for (const [code, n] of Object.entries(info.log.counts)) log.addCount(code, n - (kept.get(code) ?? 0));
}

/**
 * Stream the batches of a gmemlab Arrow trace. Every block is checked against its checksum before use;
 * a mismatch throws `ArrowTraceError` (with the rows already yielded) before the damaged batch is seen.
 * Columns are zero-copy views of each block's buffer; strings are interned into `strings` in dictionary
 * order, which reproduces the writer's string ids.
 */
export async function* readArrowBatches(path: string, info: ArrowTraceInfo, strings: StringTable): AsyncGenerator<EventBatch> {
  // synchronous block reads: a few MB each from the page cache, cheaper than a thread-pool round trip
  const fd = openSync(path, 'r');
  let rows = 0;
  try {
    for (const block of info.blocks) {
      const buf = new Uint8Array(block.length);
      const bytesRead = readSync(fd, buf, 0, block.length, block.offset);
      if (bytesRead !== block.length || checksumOf(info.checksum, buf) !== block.check) {
        throw corrupt(path, `block at byte ${block.offset} does not match its checksum`, rows, block.offset);
      }
      // a block that passes its checksum was written by gmemlab; decoding is still guarded, so a crafted file
      // (valid checksums around nonsense) is a located error rather than a RangeError from a typed-array view
      let batch: EventBatch;
      try {
        checkMessageBounds(buf); // flechette's decoder trusts the vector lengths in the bytes
        const m = decodeMessage(buf, 0);
        if (!m) throw corrupt(path, `no message at byte ${block.offset}`, rows, block.offset);
        if (m.type === MessageHeader.DictionaryBatch) {
          const d = m.content as DictionaryBatchData;
          if (d.id === Dict.resource) internDictionary(d, strings, path, rows, block.offset);
          continue;
        }
        if (m.type !== MessageHeader.RecordBatch) throw corrupt(path, `unexpected message type ${m.type}`, rows, block.offset);
        batch = toBatch(m.content as RecordBatchData, strings);
      } catch (e) {
        if (e instanceof ArrowTraceError) throw e;
        if (e instanceof FlatbufferBoundsError) throw corrupt(path, `undecodable block: ${e.message}`, rows, block.offset + e.at);
        throw corrupt(path, `undecodable block at byte ${block.offset} (${(e as Error)?.message ?? String(e)})`, rows, block.offset);
      }
      rows += batch.length;
      yield batch;
    }
    if (rows !== info.rows) throw corrupt(path, `${rows} rows read, ${info.rows} expected`, rows, info.blocks.length ? info.blocks[info.blocks.length - 1]!.offset : 0);
  } finally {
    closeSync(fd);
  }
}

function internDictionary(d: DictionaryBatchData, strings: StringTable, path: string, rows: number, at: number): void {
  const body = d.body!;
  const [, offRegion, dataRegion] = d.data.regions;
  const n = d.data.nodes[0]!.length;
  const offsets = new Int32Array(body.buffer, body.byteOffset + offRegion!.offset, n + 1);
  const data = Buffer.from(body.buffer, body.byteOffset + dataRegion!.offset, dataRegion!.length);
  let id = d.isDelta ? strings.size : 0;
  for (let i = 0; i < n; i++, id++) {
    const s = data.toString('utf8', offsets[i], offsets[i + 1]);
    // id 0 is the empty string of every StringTable; the others must come back with their original ids
    if (id === 0 ? s !== '' : strings.intern(s) !== id) throw corrupt(path, 'string dictionary out of order', rows, at);
  }
}

function toBatch(r: RecordBatchData, strings: StringTable): EventBatch {
  const body = r.body!;
  const n = r.nodes[0]!.length;
  if (r.nodes.length !== ARROW_COLUMNS.length) throw new Error(`Arrow trace: ${r.nodes.length} columns`);
  // regions: two per column (validity, values)
  const view = <T>(col: number, Ctor: new (b: ArrayBufferLike, o: number, l: number) => T): T =>
    new Ctor(body.buffer, body.byteOffset + r.regions[2 * col + 1]!.offset, n);
  const target = view(3, Uint16Array);
  const none = NOT_GIVEN;
  if (r.nodes[3]!.nullCount > 0) {
    const v = r.regions[6]!;
    const validity = new Uint8Array(body.buffer, body.byteOffset + v.offset, v.length);
    for (let i = 0; i < n; i++) if ((validity[i >> 3]! & (1 << (i & 7))) === 0) target[i] = none;
  }
  return {
    length: n,
    tNs: view(0, Float64Array),
    op: view(1, Uint8Array),
    agent: view(2, Uint16Array),
    target,
    va: view(4, Float64Array),
    bytes: view(5, Float64Array),
    offsetBytes: view(6, Float64Array),
    pageBytes: view(7, Float64Array),
    durNs: view(8, Float64Array),
    access: view(9, Uint8Array),
    code: view(10, Uint8Array),
    flags: view(11, Uint32Array),
    count: view(12, Uint32Array),
    resource: view(13, Uint32Array),
    label: view(14, Uint32Array),
    strings,
  };
}

/** `arrow.corrupt` at byte `offset` of the file (the damaged block, the footer or the trailing magic). */
function corrupt(path: string, what: string, rowsBefore: number, offset: number): ArrowTraceError {
  return new ArrowTraceError(arrowMessages.corrupt({ file: path, offset }, what), rowsBefore);
}

function notGmemlab(path: string, found: string, offset: number): ArrowTraceError {
  return new ArrowTraceError(arrowMessages.notGmemlab({ file: path, offset }, found), 0);
}
