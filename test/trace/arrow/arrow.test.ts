import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as aq from 'arquero';
import { DiagnosticLog } from '../../../src/log/collector';
import { arrowMessages, csvMessages } from '../../../src/log/messages/trace';
import { batchesToEvents, eventsToBatches, type EventBatch } from '../../../src/trace/batch';
import { digestBatches } from '../../../src/trace/digest';
import { StringTable } from '../../../src/trace/strings';
import { ArrowTraceError, isArrowFile, readArrowBatches, readArrowInfo, restoreLog } from '../../../src/trace/arrow/read';
import { ArrowTraceWriter } from '../../../src/trace/arrow/write';
import type { TraceEvent } from '../../../src/trace/event';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-arrow-'));

const EVENTS: TraceEvent[] = [
  { op: 'reserve', tNs: 0, agent: 'dev0', va: 0x100000000, bytes: 1 << 30, label: 'sparse' },
  { op: 'alloc', tNs: 1, agent: 'dev1', va: 0x7f0000000000, bytes: 2 << 20, flags: ['device'], resource: 'mem0' },
  { op: 'map', tNs: 2, agent: 'dev0', va: 0x100000000, bytes: 65536, resource: 'mem0', offsetBytes: 0, pageBytes: 65536, flags: ['compressed'] },
  { op: 'access', tNs: 3, agent: 'dev0', va: 0x100000000, bytes: 4096, access: 'atomic', count: 7 },
  { op: 'prefetch', tNs: 4, agent: 'cpu', va: 0x7f0000000000, bytes: 4096, target: 'dev1' },
  { op: 'advise', tNs: 5, agent: 'cpu', va: 0x7f0000000000, bytes: 4096, advice: 'preferred_location', target: 'dev0' },
  { op: 'kernelBegin', tNs: 6, agent: 'dev0', durNs: 100, label: 'naïve kernel, "quoted"' },
  { op: 'marker', tNs: 7, agent: 'cpu', label: 'phase:warmup' },
];

async function writeArrow(batches: EventBatch[], name: string, meta = { workload: 'demo' }, log: DiagnosticLog | null = null): Promise<string> {
  const p = join(dir, name);
  const w = ArrowTraceWriter.open(p);
  for (const b of batches) await w.write(b);
  await w.finish(meta, log);
  return p;
}

async function readBack(p: string): Promise<EventBatch[]> {
  const info = readArrowInfo(p);
  const out: EventBatch[] = [];
  for await (const b of readArrowBatches(p, info, new StringTable())) out.push(b);
  return out;
}

test('an Arrow trace reads back the same events, digest, metadata and string ids', async () => {
  const strings = new StringTable();
  const batches = eventsToBatches(EVENTS, strings, 3); // three batches: dictionaries grow by deltas
  const log = new DiagnosticLog();
  log.add(csvMessages.zeroSize({ file: 'x.csv', line: 3 }, 'reserve'));
  log.addCount(csvMessages.zeroSize.code, 41);
  const p = await writeArrow(batches, 'a.arrow', { workload: 'demo' }, log);
  assert.ok(isArrowFile(readFileSync(p).subarray(0, 16)));
  const info = readArrowInfo(p);
  assert.equal(info.rows, EVENTS.length);
  assert.equal(info.digest, digestBatches(batches));
  assert.deepEqual(info.meta, { workload: 'demo' });
  const back = await readBack(p);
  assert.deepEqual(batchesToEvents(back), batchesToEvents(batches));
  assert.equal(digestBatches(back), info.digest);
  assert.deepEqual([...back[2]!.resource], [...batches[2]!.resource]);
  const restored = new DiagnosticLog();
  restoreLog(info, restored);
  assert.deepEqual(restored.countsByCode(), { [csvMessages.zeroSize.code]: 42 });
  assert.equal(restored.examples()[0]!.line, 3);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('arquero reads the file with readable names (op, agents, access, strings)', async () => {
  const p = await writeArrow(eventsToBatches(EVENTS, new StringTable(), 3), 'b.arrow');
  const t = aq.fromArrow(readFileSync(p));
  assert.equal(t.numRows(), EVENTS.length);
  const rows = t.objects() as Array<Record<string, unknown>>;
  assert.deepEqual(rows.map((r) => r.op), ['reserve', 'alloc', 'map', 'access', 'prefetch', 'advise', 'kernel_begin', 'marker']);
  assert.deepEqual(rows.map((r) => r.agent), ['dev0', 'dev1', 'dev0', 'dev0', 'cpu', 'cpu', 'dev0', 'cpu']);
  assert.deepEqual(rows.map((r) => r.target), [null, null, null, null, 'dev1', 'dev0', null, null]);
  assert.equal(rows[3]!.access, 'atomic');
  assert.equal(rows[2]!.resource, 'mem0');
  assert.equal(rows[6]!.label, 'naïve kernel, "quoted"');
  assert.equal(rows[1]!.va, 0x7f0000000000);
});

test('an empty trace round-trips', async () => {
  const p = await writeArrow([], 'empty.arrow');
  assert.equal(readArrowInfo(p).rows, 0);
  assert.deepEqual(await readBack(p), []);
});

test('a flipped byte in any batch is found before that batch is used', async () => {
  const batches = eventsToBatches(EVENTS, new StringTable(), 3);
  const p = await writeArrow(batches, 'c.arrow');
  const info = readArrowInfo(p);
  const rec = info.blocks.filter((b) => b.kind === 'record');
  const bytes = readFileSync(p);
  bytes[rec[1]!.offset + rec[1]!.length - 9]! ^= 0x40;
  writeFileSync(join(dir, 'c2.arrow'), bytes);
  const seen: number[] = [];
  await assert.rejects(
    (async () => {
      for await (const b of readArrowBatches(join(dir, 'c2.arrow'), readArrowInfo(join(dir, 'c2.arrow')), new StringTable())) seen.push(b.length);
    })(),
    (e: unknown) => e instanceof ArrowTraceError && e.diagnostic.code === arrowMessages.corrupt.code && e.rowsBefore === 3,
  );
  assert.deepEqual(seen, [3]);
});

test('a damaged footer, a truncated file and a foreign file are reported, never thrown raw', async () => {
  const p = await writeArrow(eventsToBatches(EVENTS), 'd.arrow');
  const bytes = readFileSync(p);
  const truncated = join(dir, 'd-trunc.arrow');
  writeFileSync(truncated, bytes.subarray(0, bytes.length - 100));
  assert.throws(() => readArrowInfo(truncated), (e: unknown) => e instanceof ArrowTraceError && e.diagnostic.code === arrowMessages.corrupt.code);
  const meta = Buffer.from(bytes);
  const at = meta.indexOf('workload');
  meta[at]! ^= 1;
  writeFileSync(join(dir, 'd-meta.arrow'), meta);
  assert.throws(() => readArrowInfo(join(dir, 'd-meta.arrow')), (e: unknown) => e instanceof ArrowTraceError && e.diagnostic.code === arrowMessages.corrupt.code);
  const foreign = join(dir, 'foreign.arrow');
  writeFileSync(foreign, aq.table({ x: [1, 2, 3] }).toArrowIPC({ format: 'file' }) as Uint8Array);
  assert.throws(() => readArrowInfo(foreign), (e: unknown) => e instanceof ArrowTraceError && e.diagnostic.code === arrowMessages.notGmemlab.code);
});
