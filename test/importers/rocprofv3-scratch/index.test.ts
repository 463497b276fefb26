import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rocprofv3ScratchImporter as def } from '../../../src/importers/rocprofv3-scratch/index';
import { rocprofv3Importer } from '../../../src/importers/rocprofv3-csv/index';
import { sniffRealFormat } from '../../../src/importers/real-formats';
import { GmemlabError } from '../../../src/log/diagnostic';
import { importerMessages } from '../../../src/log/messages/importers';
import { canonicalProblems } from '../canonical';
import { events, FIXTURES, importWith } from '../helpers';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-scratch-'));
const FIXTURE = join(FIXTURES, 'rocprofv3-scratch', 'scratch_memory_trace.csv');
const NOSIZE = join(FIXTURES, 'rocprofv3-scratch', 'scratch_memory_trace_nosize.csv');
const B = 0x600000000000;
const MiB2 = 2 * 1024 * 1024;

test('rocprofv3 scratch: ALLOC → device alloc at consecutive 2 MiB-aligned synthesized addresses, FREE/ASYNC_RECLAIM → free of the same agent+queue, in Start_Timestamp order', async () => {
  const r = await importWith(def, FIXTURE);
  // sizes 173,015,040 B = 82.5 × 2 MiB → 83 granules; 4 MiB → 2; so the third allocation starts at B + 85 granules
  assert.deepEqual(events(r), [
    { op: 'alloc', tNs: 0, agent: 'dev0', va: B, bytes: 173015040, flags: ['device', 'synthetic'], label: 'scratch q1' },
    { op: 'free', tNs: 1000, agent: 'dev0', va: B, bytes: 173015040 },
    // Agent 2's row comes later in the file but starts earlier (2050 < 2100): rows are matched in time order
    { op: 'alloc', tNs: 1050, agent: 'dev1', va: B + 83 * MiB2, bytes: 4194304, flags: ['device', 'synthetic'], label: 'scratch q7' },
    { op: 'alloc', tNs: 1100, agent: 'dev0', va: B + 85 * MiB2, bytes: 1131626496, flags: ['device', 'synthetic'], label: 'scratch q1' },
    // ASYNC_RECLAIM (reclaim=free, the default) releases the queue's scratch …
    { op: 'free', tNs: 2000, agent: 'dev0', va: B + 85 * MiB2, bytes: 1131626496 },
  ]);
  // … so the FREE that follows it has nothing left to free; Agent 2 queue 9 never allocated: both dropped, counted by reason
  assert.deepEqual(r.ctx.log.examples().filter((d) => d.code === 'importer.ignored-record').map((d) => d.message), [
    importerMessages.ignoredRecord({}, '1 SCRATCH_MEMORY_FREE rows after an ASYNC_RECLAIM (already released)').message,
    importerMessages.ignoredRecord({}, '1 SCRATCH_MEMORY_FREE rows without a live allocation on their queue (allocated before the trace; size unknown)').message,
  ]);
  assert.equal(r.ctx.meta.synthesized_addresses, 'rocprofv3-scratch');
  assert.equal(r.ctx.meta.agent_map, '1=dev0,2=dev1');
  assert.equal(r.ctx.meta.devices, 'dev0,dev1');
  assert.equal(r.ctx.meta.origin_clock_ns, '500000001000');
  assert.deepEqual(canonicalProblems(r.batches), [], 'valid canonical events');
});

test('rocprofv3 scratch: reclaim=ignore keeps the scratch live until its FREE', async () => {
  const r = await importWith(def, FIXTURE, { reclaim: 'ignore' });
  const frees = events(r).filter((e) => e.op === 'free');
  assert.deepEqual(frees.map((e) => [e.tNs, e.bytes]), [[1000, 173015040], [2600, 1131626496]]);
  assert.ok(r.ctx.log.examples().some((d) => d.message === importerMessages.ignoredRecord({}, '1 SCRATCH_MEMORY_ASYNC_RECLAIM rows (reclaim=ignore)').message));
});

test('rocprofv3 scratch: an ALLOC on a queue whose scratch is live frees the old one there (synthetic free, one warning); the ALT flag is a second region', async () => {
  const path = join(dir, 'replace.csv');
  writeFileSync(path, `"Kind","Operation","Agent_Id","Queue_Id","Thread_Id","Alloc_Flags","Start_Timestamp","End_Timestamp","Allocation_Size"
"SCRATCH_MEMORY","SCRATCH_MEMORY_ALLOC","Agent 1",3,1,0,100,110,4096
"SCRATCH_MEMORY","SCRATCH_MEMORY_ALLOC","Agent 1",3,1,2,150,160,8192
"SCRATCH_MEMORY","SCRATCH_MEMORY_ALLOC","Agent 1",3,1,0,200,210,65536
`);
  const r = await importWith(def, path, { alignBytes: 4096 });
  assert.deepEqual(events(r), [
    { op: 'alloc', tNs: 0, agent: 'dev0', va: B, bytes: 4096, flags: ['device', 'synthetic'], label: 'scratch q3' },
    { op: 'alloc', tNs: 50, agent: 'dev0', va: B + 4096, bytes: 8192, flags: ['device', 'synthetic'], label: 'scratch q3 alt' },
    { op: 'free', tNs: 100, agent: 'dev0', va: B, bytes: 4096, flags: ['synthetic'] },
    { op: 'alloc', tNs: 100, agent: 'dev0', va: B + 12288, bytes: 65536, flags: ['device', 'synthetic'], label: 'scratch q3' },
  ]);
  assert.equal(r.ctx.log.count('importer.scratch-replaced'), 1);
});

test('rocprofv3 scratch: columns are found by name and case (Alloc_flags, extra Correlation_Id, other order)', async () => {
  const path = join(dir, 'reordered.csv');
  writeFileSync(path, `"Correlation_Id","Kind","Operation","Agent_Id","Queue_Id","Thread_Id","Alloc_flags","Start_Timestamp","End_Timestamp","Allocation_Size"
5,"SCRATCH_MEMORY","SCRATCH_MEMORY_ALLOC","Agent 4",2,1,1,1000,1100,1048576
6,"SCRATCH_MEMORY","SCRATCH_MEMORY_FREE","Agent 4",2,1,1,3000,3100,0
`);
  const r = await importWith(def, path);
  assert.deepEqual(events(r).map((e) => [e.op, e.tNs, e.agent, e.bytes]), [['alloc', 0, 'dev0', 1048576], ['free', 2000, 'dev0', 1048576]]);
});

test('rocprofv3 scratch: a file without sizes holds nothing to simulate → exit-2 error saying what it holds and how to record sizes (strict and lenient)', async () => {
  for (const strict of [true, false]) {
    await assert.rejects(importWith(def, NOSIZE, {}, strict), (e: unknown) => {
      assert.ok(e instanceof GmemlabError);
      assert.equal(e.diagnostic.code, 'importer.nothing-to-simulate');
      assert.match(e.message, /2 SCRATCH_MEMORY_ALLOC, 1 SCRATCH_MEMORY_FREE and 0 SCRATCH_MEMORY_ASYNC_RECLAIM rows on 2 queue\(s\) but no allocation sizes \(no Allocation_Size column\)/);
      assert.match(e.message, /rocprofv3 --scratch-memory-trace --output-format csv -- <app>/);
      assert.equal(e.diagnostic.file, NOSIZE);
      return true;
    });
  }
});

test('rocprofv3 scratch: bad cells are located errors; lenient mode skips them and counts the reason', async () => {
  const path = join(dir, 'bad.csv');
  writeFileSync(path, readFileSync(FIXTURE, 'utf8').replace('"Agent 2",7', '"Agent two",7'));
  await assert.rejects(importWith(def, path), /bad\.csv:5: bad field value \(field 'Agent_Id'/);
  const r = await importWith(def, path, {}, false);
  assert.ok(r.ctx.log.examples().some((d) => d.message === importerMessages.ignoredRecord({}, '1 records with bad fields').message));
  assert.equal(events(r).filter((e) => e.op === 'alloc').length, 2);
});

test('rocprofv3 scratch: sniffed by its header (both column sets), and not claimed by the memory-allocation importer', () => {
  for (const f of [FIXTURE, NOSIZE]) {
    const head = readFileSync(f);
    assert.deepEqual(sniffRealFormat(head, 'scratch_memory_trace.csv').map((d) => d.name), ['rocprofv3-scratch']);
  }
  const alloc = Buffer.from('"Kind","Operation","Agent_Id","Allocation_Size","Address","Correlation_Id","Start_Timestamp","End_Timestamp"\n');
  assert.deepEqual(sniffRealFormat(alloc, 'memory_allocation_trace.csv').map((d) => d.name), ['rocprofv3-csv']);
  assert.equal(rocprofv3Importer.sniff(readFileSync(FIXTURE)), false);
});
