import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uvmFaultLogImporter as def } from '../../../src/importers/uvm-fault-log/index';
import { events, importWith } from '../helpers';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-uvm-'));
const LOG = [
  '6,100,1000,-;some other kernel message',
  '4,101,2000,-;s,',
  '4,102,2005,-;f,7f0000001000,1606348764141810176,0,2,4,3,0,0,0,127,1,0,1,63',
  '4,103,2006,-;p,7f0000002000,1606348764141810000,0,0,1,1,0,0,0,127,1,0,1,63',
  '4,104,2010,-;f,7f0000201000,1606348764141810100,3,4,8,1,0,0,0,127,1,0,1,63,extra1',
  '4,105,2020,-;b,7,0,42',
  '4,106,2030,-;e,7f0000001000,1606348764141810300,0,0,1,1,0,0,0,127,1,0,1,63',
  '4,107,3000,-;uvm range destroy va_range->node.start, va_range->size: 0x7f0000000000, 4194304',
  '',
].join('\n');

test('uvm log: faults → accesses (count = num_instances), batches → markers, faulted ranges → preexisting allocs freed at destroy', async () => {
  const path = join(dir, 'log');
  writeFileSync(path, LOG);
  assert.ok(def.sniff(Buffer.from(LOG)));
  const r = await importWith(def, path);
  assert.deepEqual(events(r), [
    // both faulted 2 MiB blocks lie in the destroyed 4 MiB range: one managed range, t=0, preexisting
    { op: 'alloc', tNs: 0, agent: 'dev0', va: 0x7f0000000000, bytes: 4194304, flags: ['managed', 'preexisting'] },
    { op: 'marker', tNs: 0, agent: 'dev0', label: 'fault_batch_begin' },
    { op: 'access', tNs: 5000, agent: 'dev0', va: 0x7f0000001000, bytes: 4096, access: 'w', count: 3, flags: ['from_fault'] },
    { op: 'access', tNs: 10000, agent: 'dev0', va: 0x7f0000201000, bytes: 4096, access: 'atomic', flags: ['from_fault'] },
    { op: 'marker', tNs: 20000, agent: 'dev0', label: 'fault_batch_end' },
    { op: 'free', tNs: 1000000, agent: 'dev0', va: 0x7f0000000000, bytes: 4194304 },
  ]);
  assert.deepEqual(r.ctx.observations.get('fault_batch'), [{ batch: 0, tBeginNs: 0, tEndNs: 20000, durNs: 20000, faults: 2, extra: '7,0,42' }]);
  const faults = r.ctx.observations.get('fault')!;
  // gpu_ts (beyond 2^53) is rebased exactly to the smallest one (the prefetch record's)
  assert.deepEqual(faults.map((f) => f.gpuTsNs), [176, 100]);
  assert.equal(r.ctx.observations.get('prefetch')!.length, 1);
  assert.equal(r.ctx.observations.get('eviction')!.length, 1);
  assert.equal(r.ctx.meta.gpu_ts_origin, '1606348764141810000');
  assert.equal(r.ctx.log.count('importer.ignored-record'), 1);
});

test('uvm log: short fault records and bad access types are located errors', async () => {
  const path = join(dir, 'bad');
  writeFileSync(path, '4,1,5,-;s,\n4,2,6,-;f,7f0000001000,1,0,1\n');
  await assert.rejects(importWith(def, path), /bad:2: malformed fault record \(expected 14 fields/);
  writeFileSync(path, '4,1,5,-;f,7f0000001000,1,0,9,2,1,0,0,0,127,1,0,1,63\n');
  await assert.rejects(importWith(def, path), /bad:1: bad field value \(field 'access_type'/);
  const lenient = await importWith(def, path, {}, false);
  assert.equal(lenient.rows, 0);
});
