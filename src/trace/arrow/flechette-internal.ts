/**
 * The parts of `@uwdata/flechette` (2.6.0, pinned by the package.json override) that gmemlab uses to write
 * and read Arrow IPC files one record batch at a time. flechette's public API encodes and decodes whole
 * tables in memory; its internal message encoder/decoder (the same code `tableToIPC`/`tableFromIPC` run)
 * lets a trace of 10^8 events stream through a bounded buffer. Loaded with `require` (Node ≥ 20.19 loads
 * these ES modules synchronously) and typed here, narrowly, so nothing else depends on flechette internals.
 * A flechette upgrade must re-run test/trace/arrow/*.test.ts, which also checks that arquero reads the files.
 */

/** Byte consumer of the flatbuffer builder. */
export interface Sink {
  write(bytes: Uint8Array): void;
  pad(byteCount: number): void;
  finish(): Uint8Array | null;
}

/** A message's position in the file (footer block list). */
export interface Block {
  offset: number;
  metadataLength: number;
  bodyLength: number;
}

/** An assembled (write) or decoded (read) record batch: field nodes, buffer regions, body bytes. */
export interface RecordBatchData {
  length?: number;
  nodes: Array<{ length: number; nullCount: number }>;
  regions: Array<{ offset: number; length: number }>;
  variadic: number[];
  buffers?: Uint8Array[];
  byteLength?: number;
  body?: Uint8Array;
}

/** A dictionary batch: the dictionary id, whether it extends (delta) or replaces, and its one-column data. */
export interface DictionaryBatchData {
  id: number;
  isDelta: boolean;
  data: RecordBatchData;
  body?: Uint8Array;
}

/** flechette's flatbuffer builder writing into a `Sink`; `outputBytes` = file offset so far. */
export interface BuilderT {
  readonly sink: Sink;
  outputBytes: number;
  addBuffer(buffer: Uint8Array): number;
  addPadding(byteCount: number): void;
}

/** An Arrow data type descriptor (flechette's plain objects). */
export interface DataType {
  readonly typeId: number;
}

/** A schema field. */
export interface Field {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  readonly metadata: Map<string, string> | null;
}

/** An Arrow schema: fields plus key/value metadata. */
export interface Schema {
  readonly version?: number;
  readonly endianness?: number;
  readonly fields: Field[];
  readonly metadata: Map<string, string> | null;
}

/* eslint-disable @typescript-eslint/no-require-imports */
const builderMod = require('@uwdata/flechette/src/encode/builder.js') as { Builder: new (sink: Sink) => BuilderT };
const messageMod = require('@uwdata/flechette/src/encode/message.js') as {
  writeMessage(builder: BuilderT, headerType: number, headerOffset: number, bodyLength: number, blocks?: Block[]): void;
};
const schemaMod = require('@uwdata/flechette/src/encode/schema.js') as { encodeSchema(builder: BuilderT, schema: Schema): number };
const recordMod = require('@uwdata/flechette/src/encode/record-batch.js') as {
  encodeRecordBatch(builder: BuilderT, batch: RecordBatchData, compression?: null): number;
};
const dictMod = require('@uwdata/flechette/src/encode/dictionary-batch.js') as {
  encodeDictionaryBatch(builder: BuilderT, batch: DictionaryBatchData, compression: null): number;
};
const footerMod = require('@uwdata/flechette/src/encode/footer.js') as {
  writeFooter(builder: BuilderT, schema: Schema, dictBlocks: Block[], recordBlocks: Block[], metadata: Map<string, string> | null): void;
};
const constants = require('@uwdata/flechette/src/constants.js') as {
  MAGIC: Uint8Array;
  EOS: Uint8Array;
  MessageHeader: { Schema: number; DictionaryBatch: number; RecordBatch: number };
};
const decodeMessageMod = require('@uwdata/flechette/src/decode/message.js') as {
  decodeMessage(buf: Uint8Array, index: number): { type: number; index: number; content: unknown } | null;
};
const types = require('@uwdata/flechette/src/data-types.js') as {
  field(name: string, type: DataType, nullable?: boolean, metadata?: Map<string, string> | null): Field;
  float64(): DataType;
  int8(): DataType;
  uint8(): DataType;
  uint16(): DataType;
  uint32(): DataType;
  utf8(): DataType;
  dictionary(type: DataType, indexType: DataType, ordered?: boolean, id?: number): DataType;
};

/** Bindings of the flechette internals listed above (same names as in flechette's sources). */
export const Builder = builderMod.Builder;
export const writeMessage = messageMod.writeMessage;
export const encodeSchema = schemaMod.encodeSchema;
export const encodeRecordBatch = recordMod.encodeRecordBatch;
export const encodeDictionaryBatch = dictMod.encodeDictionaryBatch;
export const writeFooter = footerMod.writeFooter;
export const { MAGIC, EOS, MessageHeader } = constants;
export const decodeMessage = decodeMessageMod.decodeMessage;
export const arrowTypes = types;
