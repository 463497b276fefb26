import { DiagnosticLog } from '../../../src/log/collector';
import { GmemlabError, type Diagnostic } from '../../../src/log/diagnostic';
import { batchesToEvents, type EventBatch } from '../../../src/trace/batch';
import { readCanonicalCsv } from '../../../src/trace/canonical-csv/read';
import type { TraceEvent } from '../../../src/trace/event';
import { StringTable } from '../../../src/trace/strings';

/** Split `data` into chunks of `size` bytes (exercises every chunk-boundary path). */
export async function* chunked(data: string | Buffer, size = 1 << 20): AsyncGenerator<Buffer> {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

export interface ReadResult {
  events: TraceEvent[];
  batches: EventBatch[];
  meta: Record<string, string>;
  log: DiagnosticLog;
}

/** Read canonical CSV text; strict by default. */
export async function readText(
  text: string | Buffer,
  o: { strict?: boolean; chunk?: number; maxLineBytes?: number; batchRows?: number } = {},
): Promise<ReadResult> {
  const log = new DiagnosticLog();
  const meta: Record<string, string> = {};
  const batches: EventBatch[] = [];
  for await (const b of readCanonicalCsv(chunked(text, o.chunk), {
    file: 't.csv', strict: o.strict ?? true, log, strings: new StringTable(), meta, maxLineBytes: o.maxLineBytes, batchRows: o.batchRows,
  })) batches.push(b);
  return { events: batchesToEvents(batches), batches, meta, log };
}

/** The diagnostic a strict read fails with (fails the test if it does not fail with a GmemlabError). */
export async function strictError(text: string | Buffer, o: { chunk?: number; maxLineBytes?: number } = {}): Promise<Diagnostic> {
  try {
    await readText(text, { ...o, strict: true });
  } catch (e) {
    if (e instanceof GmemlabError) return e.diagnostic;
    throw e;
  }
  throw new Error('expected the read to fail');
}

export const HEADER = 't_ns,op,agent,va,bytes,access,advice,target,flags,resource,offset,count,page_bytes,dur_ns,label\n';
