import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vmaJsonImporter as def } from '../../../src/importers/vma-json/index';
import { events, importWith } from '../helpers';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-vmajson-'));
const dump = {
  General: { API: 'Vulkan', GPU: 'Test GPU' },
  Total: { BlockCount: 2, AllocationCount: 2 },
  MemoryInfo: {
    'Heap 0': { Flags: [], Size: 100, MemoryPools: { 'Type 1': { Flags: ['HOST_VISIBLE'] } } },
    'Heap 1': { Flags: ['DEVICE_LOCAL'], Size: 1 << 30, MemoryPools: { 'Type 0': { Flags: ['DEVICE_LOCAL'] } } },
  },
  DefaultPools: {
    'Type 0': { Blocks: { '0': { TotalBytes: 1 << 20, Suballocations: [{ Offset: 0, Type: 'FREE', Size: 4096 }, { Offset: 4096, Type: 'BUFFER', Size: 8192, Name: 'vb' }] } }, DedicatedAllocations: [] },
    'Type 1': { Blocks: {}, DedicatedAllocations: [{ Type: 'IMAGE_OPTIMAL', Size: 65536 }] },
  },
};

test('vma json: blocks → alloc, suballocations → reserve + map at Offset, dedicated → alloc + reserve + map, all at t=0', async () => {
  const path = join(dir, 'dump.json');
  writeFileSync(path, JSON.stringify(dump, null, 2));
  const r = await importWith(def, path);
  const B = 0x100000000;
  const R = 0x200000000000;
  assert.deepEqual(events(r), [
    { op: 'alloc', tNs: 0, agent: 'dev0', va: B, bytes: 1 << 20, flags: ['device', 'preexisting'], resource: 'block:Type 0/default/0' },
    { op: 'reserve', tNs: 0, agent: 'dev0', va: R, bytes: 8192, flags: ['synthetic', 'preexisting'], label: 'vb' },
    { op: 'map', tNs: 0, agent: 'dev0', va: R, bytes: 8192, flags: ['preexisting'], resource: 'block:Type 0/default/0', offsetBytes: 4096, label: 'vb' },
    // Type 1 is a host-visible type of a non-device-local heap: pinned host memory
    { op: 'alloc', tNs: 0, agent: 'cpu', va: B + (1 << 20), bytes: 65536, flags: ['pinned_host', 'preexisting'], resource: 'dedicated:Type 1/default/0' },
    { op: 'reserve', tNs: 0, agent: 'dev0', va: R + 65536, bytes: 65536, flags: ['synthetic', 'preexisting'] },
    { op: 'map', tNs: 0, agent: 'dev0', va: R + 65536, bytes: 65536, flags: ['preexisting'], resource: 'dedicated:Type 1/default/0', offsetBytes: 0 },
  ]);
  assert.equal(r.ctx.log.total, 0, 'totals match');
  const off = structuredClone(dump);
  off.Total.AllocationCount = 3;
  writeFileSync(path, JSON.stringify(off));
  assert.equal((await importWith(def, path)).ctx.log.count('importer.totals-mismatch'), 1);
});
