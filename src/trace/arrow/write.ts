import { createHash } from 'node:crypto';
import { blockChecksum, CHECKSUM_KIND, type BlockChecksum } from './checksum';
import { openAtomicWriter, writeChunk, type AtomicWriter } from '../../io/atomic';
import type { DiagnosticLog } from '../../log/collector';
import type { EventBatch } from '../batch';
import { TraceDigest } from '../digest';
import { agentName, NO_AGENT } from '../event';
import type { StringTable } from '../strings';
import type { TraceMeta } from '../trace';
import {
  Builder, encodeDictionaryBatch, encodeRecordBatch, encodeSchema, EOS, MAGIC, MessageHeader, writeFooter, writeMessage,
  type Block, type BuilderT, type RecordBatchData, type Sink,
} from './flechette-internal';
import { ACCESS_DICTIONARY, ARROW_FORMAT, ARROW_FORMAT_VERSION, Dict, OP_DICTIONARY, traceSchema, type ArrowTraceInfo } from './schema';

const EMPTY = new Uint8Array(0);
const NOT_GIVEN = NO_AGENT; // module-local: imported bindings are getters under tsx

/**
 * Streams a trace into an Arrow IPC file (layout in schema.ts), one record batch per `EventBatch`, with
 * bounded memory: each message is written out before the next batch is taken. The file appears under its
 * name only after `finish` (atomic write); `abort` leaves nothing behind. Computes the trace digest on the
 * way and a checksum per message block, both stored in the footer metadata.
 */
export class ArrowTraceWriter {
  private readonly sink = new HashingSink();
  private readonly builder: BuilderT;
  private readonly schema = traceSchema();
  private readonly dictBlocks: Block[] = [];
  private readonly recordBlocks: Block[] = [];
  private readonly blocks: Array<{ kind: 'dictionary' | 'record'; offset: number; length: number; check: string }> = [];
  private readonly digest = new TraceDigest();
  private agentNames = 0;
  private stringCount = 0;
  private strings: StringTable | null = null;
  private started = false;
  private done = false;
  rows = 0;

  private constructor(private readonly out: AtomicWriter) {
    this.builder = new Builder(this.sink);
  }

  /** Start writing `target` (through a temporary beside it). */
  static open(target: string): ArrowTraceWriter {
    return new ArrowTraceWriter(openAtomicWriter(target));
  }

  /** Append one batch (all batches must share one string table). */
  async write(b: EventBatch): Promise<void> {
    if (!this.started) this.start(b.strings);
    if (b.strings !== this.strings) throw new Error('ArrowTraceWriter: batches of one trace must share one string table');
    this.digest.update(b);
    if (b.length === 0) return;
    this.growAgents(b);
    this.growStrings();
    this.message('record', MessageHeader.RecordBatch, recordBatch(b));
    this.rows += b.length;
    await this.drain();
  }

  /** Write the footer (digest, metadata, import diagnostics, block checksums) and move the file into place. */
  async finish(meta: TraceMeta, log: DiagnosticLog | null): Promise<ArrowTraceInfo> {
    if (!this.started) this.start(null);
    this.growStrings();
    this.builder.addBuffer(EOS);
    const info: ArrowTraceInfo = {
      format: ARROW_FORMAT,
      version: ARROW_FORMAT_VERSION,
      rows: this.rows,
      digest: this.digest.digest(),
      checksum: CHECKSUM_KIND,
      meta: { ...meta },
      log: { counts: log ? log.countsByCode() : {}, examples: log ? log.examples() : [] },
      blocks: this.blocks,
    };
    const json = JSON.stringify(info);
    const metadata = new Map([
      ['gmemlab.trace', json],
      ['gmemlab.trace_sha256', createHash('sha256').update(json).digest('hex')],
      ['gmemlab.trace_digest', info.digest],
    ]);
    writeFooter(this.builder, this.schema, this.dictBlocks, this.recordBlocks, metadata);
    await this.drain();
    this.done = true;
    await this.out.commit();
    return info;
  }

  /** Stop and remove the temporary; the target is untouched. */
  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.out.abort();
  }

  private start(strings: StringTable | null): void {
    this.started = true;
    this.strings = strings;
    this.builder.addBuffer(MAGIC);
    writeMessage(this.builder, MessageHeader.Schema, encodeSchema(this.builder, this.schema), 0);
    this.dictionary(Dict.op, OP_DICTIONARY, false);
    this.dictionary(Dict.access, ACCESS_DICTIONARY, false);
  }

  /** Extend the agent/target dictionaries to cover every agent code of `b` (names by code). */
  private growAgents(b: EventBatch): void {
    let max = -1;
    for (let i = 0; i < b.length; i++) {
      const a = b.agent[i]!;
      if (a > max) max = a;
      const t = b.target[i]!;
      if (t !== NOT_GIVEN && t > max) max = t;
    }
    if (max < this.agentNames) return;
    const names: string[] = [];
    for (let a = this.agentNames; a <= max; a++) names.push(agentName(a));
    const delta = this.agentNames > 0;
    this.dictionary(Dict.agent, names, delta);
    this.dictionary(Dict.target, names, delta);
    this.agentNames = max + 1;
  }

  /** Extend the resource/label dictionaries with the strings interned since the last batch. */
  private growStrings(): void {
    const size = this.strings ? this.strings.size : 1;
    if (this.stringCount > 0 && size <= this.stringCount) return;
    const values: string[] = [];
    for (let id = this.stringCount; id < size; id++) values.push(this.strings ? this.strings.get(id) : '');
    const delta = this.stringCount > 0;
    this.dictionary(Dict.resource, values, delta);
    this.dictionary(Dict.label, values, delta);
    this.stringCount = size;
  }

  private dictionary(id: number, values: readonly string[], isDelta: boolean): void {
    this.message('dictionary', MessageHeader.DictionaryBatch, { id, isDelta, data: utf8Batch(values) });
  }

  private message(kind: 'dictionary' | 'record', type: number, content: RecordBatchData | { id: number; isDelta: boolean; data: RecordBatchData }): void {
    const builder = this.builder;
    const start = builder.outputBytes;
    this.sink.startBlock();
    const data = kind === 'record' ? (content as RecordBatchData) : (content as { data: RecordBatchData }).data;
    const header =
      kind === 'record'
        ? encodeRecordBatch(builder, data, null)
        : encodeDictionaryBatch(builder, content as { id: number; isDelta: boolean; data: RecordBatchData }, null);
    writeMessage(builder, type, header, data.byteLength!, kind === 'record' ? this.recordBlocks : this.dictBlocks);
    for (const buf of data.buffers!) builder.addBuffer(buf);
    this.blocks.push({ kind, offset: start, length: builder.outputBytes - start, check: this.sink.endBlock() });
  }

  private async drain(): Promise<void> {
    for (const chunk of this.sink.take()) await writeChunk(this.out.stream, chunk);
  }
}

/** Collects the builder's output and hashes each block as it passes. */
class HashingSink implements Sink {
  private chunks: Uint8Array[] = [];
  private hash: BlockChecksum | null = null;

  write(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.hash?.update(bytes);
  }

  pad(byteCount: number): void {
    this.write(new Uint8Array(byteCount));
  }

  finish(): null {
    return null;
  }

  startBlock(): void {
    this.hash = blockChecksum();
  }

  endBlock(): string {
    const h = this.hash!.digest();
    this.hash = null;
    return h;
  }

  take(): Uint8Array[] {
    const c = this.chunks;
    this.chunks = [];
    return c;
  }
}

function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function assemble(length: number, columns: ReadonlyArray<{ validity: Uint8Array; nullCount: number; values: Uint8Array[] }>): RecordBatchData {
  const nodes: RecordBatchData['nodes'] = [];
  const regions: RecordBatchData['regions'] = [];
  const buffers: Uint8Array[] = [];
  let byteLength = 0;
  const add = (buf: Uint8Array): void => {
    regions.push({ offset: byteLength, length: buf.byteLength });
    buffers.push(buf);
    byteLength += (buf.byteLength + 7) & ~7;
  };
  for (const c of columns) {
    nodes.push({ length, nullCount: c.nullCount });
    add(c.validity);
    for (const v of c.values) add(v);
  }
  return { length, nodes, regions, variadic: [], buffers, byteLength };
}

/** A one-column utf8 batch (dictionary content). */
function utf8Batch(values: readonly string[]): RecordBatchData {
  const offsets = new Int32Array(values.length + 1);
  const parts: Buffer[] = [];
  let o = 0;
  values.forEach((v, i) => {
    const b = Buffer.from(v, 'utf8');
    parts.push(b);
    o += b.length;
    offsets[i + 1] = o;
  });
  return assemble(values.length, [{ validity: EMPTY, nullCount: 0, values: [bytesOf(offsets), Buffer.concat(parts)] }]);
}

/** The record batch of one `EventBatch` (views of its columns; `target` copied with nulls for "none"). */
function recordBatch(b: EventBatch): RecordBatchData {
  const n = b.length;
  const target = new Uint16Array(n);
  const validity = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const t = b.target[i]!;
    if (t === NOT_GIVEN) nulls++;
    else {
      target[i] = t;
      validity[i >> 3]! |= 1 << (i & 7);
    }
  }
  // bits past the last row are set: arquero 8.0.3 (from-arrow.js nullKeys) applies a batch's whole last
  // validity byte, so clear padding bits would null out the first rows of the next batch
  for (let i = n; i < validity.length * 8; i++) validity[i >> 3]! |= 1 << (i & 7);
  const col = (a: ArrayBufferView) => ({ validity: EMPTY, nullCount: 0, values: [bytesOf(a)] });
  return assemble(n, [
    col(b.tNs),
    col(b.op),
    col(b.agent),
    { validity: nulls ? validity : EMPTY, nullCount: nulls, values: [bytesOf(target)] },
    col(b.va),
    col(b.bytes),
    col(b.offsetBytes),
    col(b.pageBytes),
    col(b.durNs),
    col(b.access),
    col(b.code),
    col(b.flags),
    col(b.count),
    col(b.resource),
    col(b.label),
  ]);
}
