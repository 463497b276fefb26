import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vmaJsonImporter as def } from '../../../src/importers/vma-json/index';
import { sniffRealFormat } from '../../../src/importers/real-formats';
import { importerMessages } from '../../../src/log/messages/importers';
import { GmemlabError } from '../../../src/log/diagnostic';
import { canonicalProblems } from '../canonical';
import { events, FIXTURES, importWith } from '../helpers';

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

const V2 = join(FIXTURES, 'vma-json', 'vma2-detailed-map.json');

test('vma json 2.x (Total, Heap N, DedicatedAllocations, DefaultPools, Pools): same events as 3.x — block → alloc, suballocation → reserve + map, dedicated → alloc + reserve + map', async () => {
  const r = await importWith(def, V2);
  const B = 0x100000000;
  const R = 0x200000000000;
  const dedicated = 'dedicated:Type 0/default/0';
  const block = 'block:Type 0/default/0';
  const pool = 'block:Type 2/pool0/5';
  // 2.x lists dedicated allocations first, then default pools, then custom pools; addresses are 64 KiB bumps
  assert.deepEqual(events(r), [
    { op: 'alloc', tNs: 0, agent: 'dev0', va: B, bytes: 4194304, flags: ['device', 'preexisting'], resource: dedicated },
    { op: 'reserve', tNs: 0, agent: 'dev0', va: R, bytes: 4194304, flags: ['synthetic', 'preexisting'], label: 'shadow-map' },
    { op: 'map', tNs: 0, agent: 'dev0', va: R, bytes: 4194304, flags: ['preexisting'], resource: dedicated, offsetBytes: 0, label: 'shadow-map' },
    { op: 'alloc', tNs: 0, agent: 'dev0', va: B + 4194304, bytes: 268435456, flags: ['device', 'preexisting'], resource: block },
    { op: 'reserve', tNs: 0, agent: 'dev0', va: R + 4194304, bytes: 65536, flags: ['synthetic', 'preexisting'], label: 'vertices' },
    { op: 'map', tNs: 0, agent: 'dev0', va: R + 4194304, bytes: 65536, flags: ['preexisting'], resource: block, offsetBytes: 0, label: 'vertices' },
    // UserData printed as a pointer (hex digits) is no name
    { op: 'reserve', tNs: 0, agent: 'dev0', va: R + 4259840, bytes: 1048576, flags: ['synthetic', 'preexisting'] },
    { op: 'map', tNs: 0, agent: 'dev0', va: R + 4259840, bytes: 1048576, flags: ['preexisting'], resource: block, offsetBytes: 262144 },
    // custom pool 0 of memory type 2 (HOST_VISIBLE, heap 1 not DEVICE_LOCAL): pinned host memory
    { op: 'alloc', tNs: 0, agent: 'cpu', va: B + 4194304 + 268435456, bytes: 1048576, flags: ['pinned_host', 'preexisting'], resource: pool },
    { op: 'reserve', tNs: 0, agent: 'dev0', va: R + 5308416, bytes: 4096, flags: ['synthetic', 'preexisting'] },
    { op: 'map', tNs: 0, agent: 'dev0', va: R + 5308416, bytes: 4096, flags: ['preexisting'], resource: pool, offsetBytes: 0 },
  ]);
  assert.deepEqual(canonicalProblems(r.batches), [], 'valid canonical events');
  assert.equal(r.ctx.meta.vma_version, '2.x');
  assert.equal(r.ctx.meta['capacity_bytes.dev0'], String(8589934592), 'DEVICE_LOCAL heap size');
  assert.equal(r.ctx.log.total, 0, 'Total.Blocks 3 and Total.Allocations 4 match what was read');
  const off = JSON.parse(readFileSync(V2, 'utf8'));
  off.Total.Blocks = 4;
  const path = join(dir, 'v2-off.json');
  writeFileSync(path, JSON.stringify(off));
  assert.equal((await importWith(def, path)).ctx.log.count('importer.totals-mismatch'), 1);
});

test('vma json: the 3.x layout is written to the metadata as vma_version=3.x', async () => {
  const path = join(dir, 'dump3.json');
  writeFileSync(path, JSON.stringify(dump));
  assert.equal((await importWith(def, path)).ctx.meta.vma_version, '3.x');
});

test('vma json 2.x: a bad suballocation is a located error; lenient mode skips it and counts the reason', async () => {
  const bad = JSON.parse(readFileSync(V2, 'utf8'));
  bad.DefaultPools['Type 0'].Blocks['0'].Suballocations[0].Size = -1;
  const path = join(dir, 'v2-bad.json');
  writeFileSync(path, JSON.stringify(bad, null, 1));
  await assert.rejects(importWith(def, path), /field 'DefaultPools\.Type 0\.Blocks\.0\.Suballocations\[0\]'/);
  const r = await importWith(def, path, {}, false);
  assert.equal(r.counts.reserve, 3);
  assert.ok(r.ctx.log.examples().some((d) => d.message === importerMessages.ignoredRecord({}, '1 records with bad fields').message));
});

test('vma json: auto-detection claims 2.x and 3.x dumps; a VMA-style dump of another layout is claimed and then named as such', async () => {
  assert.deepEqual(sniffRealFormat(readFileSync(V2), 'dump.json').map((d) => d.name), ['vma-json']);
  assert.deepEqual(sniffRealFormat(Buffer.from(JSON.stringify(dump)), 'dump.json').map((d) => d.name), ['vma-json']);
  // D3D12MA 1.x: Total, per-heap-type stats, and the pools under DetailedMap
  const d3d12ma1 = { Total: { Blocks: 1 }, 'HeapType DEFAULT': { Blocks: 1 }, DetailedMap: { DefaultPools: { DEFAULT: { Blocks: [{ TotalBytes: 65536, Suballocations: [] }] } } } };
  const path = join(dir, 'd3d12ma1.json');
  writeFileSync(path, JSON.stringify(d3d12ma1, null, 1));
  assert.deepEqual(sniffRealFormat(readFileSync(path), 'd3d12ma1.json').map((d) => d.name), ['vma-json']);
  await assert.rejects(importWith(def, path), /d3d12ma1\.json:1:1: the file does not look like a VMA JSON dump file \(expected a VMA 3\.x dump .* or a VMA 2\.x dump .*, found a VMA-style dump of a layout gmemlab does not read \(top-level keys Total, HeapType DEFAULT, DetailedMap\)\)/);
  // a JSON object without VMA keys is not claimed
  assert.deepEqual(sniffRealFormat(Buffer.from('{"Total": {"Blocks": 1}, "name": "x"}'), 'x.json').map((d) => d.name), []);
});

test('vma json: alignBytes 0 is refused before reading (as gfxr-jsonl and vma-recording refuse theirs)', async () => {
  const path = join(dir, 'align0.json');
  writeFileSync(path, JSON.stringify(dump));
  await assert.rejects(importWith(def, path, { alignBytes: 0 }), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === 'cli.bad-value' && e.diagnostic.message === 'bad value for vma-json option alignBytes');
});
