import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nsysSqliteImporter as def } from '../../../src/importers/nsys-sqlite/index';
import { sniffRealFormat } from '../../../src/importers/real-formats';
import { GmemlabError } from '../../../src/log/diagnostic';
import { importerMessages } from '../../../src/log/messages/importers';
import { events, importWith } from '../helpers';
import { writeNsysFixture } from './fixture';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-nsys-'));

test('nsys export: faults become accesses (GPU groups carry count), UM migrations observations, alloc/free, memcpy, prefetch marker', async () => {
  const path = join(dir, 'report.sqlite');
  await writeNsysFixture(path);
  assert.deepEqual(sniffRealFormat(readFileSync(path).subarray(0, 4096), path).map((d) => d.name), ['nsys-sqlite']);
  const r = await importWith(def, path);
  assert.deepEqual(events(r), [
    { op: 'alloc', tNs: 500, agent: 'dev0', va: 0x7f0000000000, bytes: 8388608, flags: ['managed'], label: 'weights' },
    { op: 'access', tNs: 1000, agent: 'cpu', va: 0x7f0000001000, bytes: 4096, access: 'r', flags: ['from_fault'] },
    { op: 'marker', tNs: 1200, agent: 'cpu', label: 'cudaMemPrefetchAsync' },
    { op: 'access', tNs: 2000, agent: 'dev0', va: 0x7f0000200000, bytes: 4096, access: 'r', count: 17, flags: ['from_fault'] },
    { op: 'access', tNs: 3000, agent: 'dev0', va: 0x7f0000400000, bytes: 4096, access: 'w', count: 3, flags: ['from_fault'] },
    { op: 'copy', tNs: 5000, agent: 'cpu', bytes: 1048576, target: 'dev0' },
    { op: 'free', tNs: 6000, agent: 'dev0', va: 0x7f0000000000, bytes: 8388608 },
  ]);
  assert.deepEqual(r.ctx.observations.get('um_migration')!.map((o) => [o.kind, o.cause, o.exportCause, o.bytes, o.durNs]), [
    ['UVM_HTOD', 'coherence', 'COHERENCE', 65536, 100],
    ['UVM_DTOH', 'eviction', 'EVICTION', 4096, 100],
  ]);
  assert.equal(r.ctx.observations.get('gpu_fault_group')!.length, 2);
  assert.equal(r.ctx.meta.nsys_export_schema, '3.11.1');
  assert.equal(r.ctx.meta.nsys_version, '2024.2.3.38'); // EXPORT_PRODUCT_VERSION, the release that exported it
  assert.equal(r.ctx.meta.devices, 'NVIDIA A100-PCIE-40GB');
  assert.equal(r.ctx.meta['capacity_bytes.dev0'], '42505273344');
  assert.ok(!JSON.stringify(r.ctx.meta).includes('someone'), 'META_DATA_CAPTURE is never copied');
  assert.equal(r.ctx.log.total, 0);
});

test('missing tables mean "no data"; an unchecked schema version is a warning, not an error', async () => {
  const path = join(dir, 'partial.sqlite');
  await writeNsysFixture(path, { schema: '9.0', omit: ['CUDA_UM_CPU_PAGE_FAULT_EVENTS', 'CUDA_GPU_MEMORY_USAGE_EVENTS', 'CUPTI_ACTIVITY_KIND_RUNTIME', 'ENUM_CUDA_UNIF_MEM_MIGRATION'] });
  const r = await importWith(def, path);
  assert.deepEqual(r.counts, { access: 2, copy: 1 });
  assert.equal(r.ctx.log.count('importer.schema-version'), 1);
  assert.deepEqual(r.ctx.observations.get('um_migration')!.map((o) => o.cause), ['coherence', 'eviction'], 'documented cause names');
});

test('exports up to nsys 2023.1 name the metadata table EXPORT_META_DATA: its schema version is read the same way', async () => {
  // nsys_memfusion_r1.sqlite: EXPORT_META_DATA ('EXPORT_SCHEMA_VERSION', '3.1.2')
  const v3 = join(dir, 'old-meta-3.sqlite');
  await writeNsysFixture(v3, { metaTable: 'EXPORT_META_DATA', schema: '3.1.2' });
  const r3 = await importWith(def, v3);
  assert.equal(r3.ctx.meta.nsys_export_schema, '3.1.2');
  assert.equal(r3.ctx.log.total, 0, 'a 3.x schema is a checked one');
  // nsys_vecadd__report1.sqlite: 2.9.1, warned for its version, not for a missing one
  const v2 = join(dir, 'old-meta-2.sqlite');
  await writeNsysFixture(v2, { metaTable: 'EXPORT_META_DATA', schema: '2.9.1' });
  const r2 = await importWith(def, v2);
  assert.equal(r2.ctx.meta.nsys_export_schema, '2.9.1');
  assert.deepEqual(r2.ctx.log.examples(), [importerMessages.schemaVersion({ file: v2, field: 'EXPORT_META_DATA.EXPORT_SCHEMA_VERSION' }, '2.9.1', '3.x')]);
});

test('EXPORT_META_DATA alone marks the file as an nsys export', async () => {
  const path = join(dir, 'only-old-meta.sqlite');
  await writeNsysFixture(path, { metaTable: 'EXPORT_META_DATA', omit: ['StringIds', 'TARGET_INFO_GPU', 'CUPTI_ACTIVITY_KIND_MEMCPY'] });
  const r = await importWith(def, path);
  assert.equal(r.ctx.meta.nsys_export_schema, '3.11.1');
  assert.deepEqual(r.counts, { alloc: 1, access: 3, free: 1 }, 'the CPU fault, two GPU fault groups, the alloc/free pair (no StringIds: no marker names)');
});

test('a damaged database is a located error naming the file', async () => {
  const good = join(dir, 'good.sqlite');
  await writeNsysFixture(good);
  const bytes = readFileSync(good);
  const bad = join(dir, 'bad.sqlite');
  writeFileSync(bad, Buffer.concat([bytes.subarray(0, 100), Buffer.alloc(200, 0xee), bytes.subarray(300)]));
  await assert.rejects(importWith(def, bad), (e: unknown) => e instanceof GmemlabError && e.diagnostic.file === bad && /malformed SQLite database/.test(e.message));
});

test('an .nsys-rep report is claimed only to explain the export step', async () => {
  const path = join(dir, 'profile.nsys-rep');
  writeFileSync(path, Buffer.from([1, 2, 3, 4]));
  assert.deepEqual(sniffRealFormat(readFileSync(path), path).map((d) => d.name), ['nsys-sqlite']);
  await assert.rejects(importWith(def, path), /profile\.nsys-rep:@0: .*convert it first: nsys export --type sqlite/);
});

test('memKind 7 (CUDA_MEMOPR_MEMORY_KIND_UNKNOWN) is imported as device memory, with one warning counting the rows at the first one', async () => {
  const path = join(dir, 'unknown-kind.sqlite');
  await writeNsysFixture(path, {
    memoryUsage: [
      [700, 0x7f0000a00000, 2097152, 7, 0],
      [800, 0x7f0000c00000, 4096, 2, 0],
      [900, 0x7f0000e00000, 1048576, 7, 0],
      [7000, 0x7f0000a00000, 2097152, 7, 1],
    ],
  });
  const r = await importWith(def, path);
  assert.deepEqual(events(r).filter((e) => e.op === 'alloc' || e.op === 'free').map((e) => [e.op, e.tNs, e.agent, e.bytes, e.flags ?? []]), [
    ['alloc', 500, 'dev0', 8388608, ['managed']],
    ['alloc', 700, 'dev0', 2097152, ['device']],
    ['alloc', 800, 'dev0', 4096, ['device']],
    ['alloc', 900, 'dev0', 1048576, ['device']],
    ['free', 6000, 'dev0', 8388608, []],
    ['free', 7000, 'dev0', 2097152, []],
  ]);
  // rows in start order: 500 managed (row 1), 700 unknown (row 2), 800 device, 900 unknown; the free is not an allocation
  assert.equal(r.ctx.log.count('importer.unknown-memory-kind'), 1);
  assert.deepEqual(r.ctx.log.examples(), [
    importerMessages.unknownMemoryKind({ file: path, field: 'CUDA_GPU_MEMORY_USAGE_EVENTS.memKind (row 2)' }, 2, 'memKind 7 (CUDA_MEMOPR_MEMORY_KIND_UNKNOWN)'),
  ]);
  assert.equal(r.ctx.log.examples()[0]!.severity, 'warning');
  assert.deepEqual(r.ctx.observations.get('memory_usage')!.map((o) => o.memKind), ['managed', 'unknown', 'device', 'unknown']);
});
