import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { kinetoImporter as def } from '../../../src/importers/kineto/index';
import { events, importWith } from '../helpers';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-kineto-'));
const trace = {
  schemaVersion: 1,
  deviceProperties: [{ id: 3, name: 'GPU X', totalGlobalMem: 1000 }],
  traceEvents: [
    { ph: 'X', cat: 'kernel', name: 'k1', pid: 1, tid: 7, ts: 100.5, dur: 2.25, args: { device: 3 } },
    { ph: 'i', name: '[memory]', ts: 100, args: { 'Device Type': 1, 'Device Id': 3, Addr: 4096, Bytes: 512 } },
    { ph: 'i', name: '[memory]', ts: 99, args: { 'Device Type': 1, 'Device Id': 3, Addr: 8192, Bytes: -1024 } },
    { ph: 'X', cat: 'gpu_memcpy', name: 'Memcpy HtoD (Pageable -> Device)', ts: 101, dur: 1, args: { device: 3, bytes: 64 } },
    { ph: 'X', cat: 'gpu_memcpy', name: 'Memcpy DtoH (Device -> Pinned)', ts: 102, dur: 1, args: { device: 3 } },
    { ph: 'X', cat: 'gpu_memset', name: 'Memset (Device)', ts: 103, dur: 1, args: { device: 3, bytes: 128 } },
    { ph: 'i', name: '[memory]', ts: 104, args: { 'Device Type': 0, 'Device Id': -1, Addr: 4096, Bytes: 100 } },
    { ph: 'i', name: '[memory]', ts: 105, args: { 'Device Type': 1, 'Device Id': 3, Addr: 4096, Bytes: -512 } },
    { ph: 'X', cat: 'cpu_op', name: 'aten::add', ts: 50, dur: 1 },
  ],
};

test('kineto: unsorted events sorted stably, ts rebased then ×1000 (fractional µs), unmatched free gets a pre-existing alloc', async () => {
  const path = join(dir, 'trace.json.gz');
  writeFileSync(path, gzipSync(JSON.stringify(trace)));
  const r = await importWith(def, path);
  assert.deepEqual(events(r), [
    { op: 'alloc', tNs: 0, agent: 'dev0', va: 8192, bytes: 1024, flags: ['managed', 'preexisting'] },
    { op: 'free', tNs: 0, agent: 'dev0', va: 8192, bytes: 1024 },
    { op: 'alloc', tNs: 1000, agent: 'dev0', va: 4096, bytes: 512, flags: ['managed'] },
    { op: 'access', tNs: 1000, agent: 'dev0', va: 4096, bytes: 512, access: 'w', flags: ['synthetic'] },
    { op: 'kernelBegin', tNs: 1500, agent: 'dev0', label: 'k1' },
    { op: 'copy', tNs: 2000, agent: 'cpu', bytes: 64, target: 'dev0' },
    { op: 'copy', tNs: 3000, agent: 'dev0', target: 'cpu', flags: ['size_unknown'] },
    { op: 'kernelEnd', tNs: 3750, agent: 'dev0', label: 'k1' },
    { op: 'marker', tNs: 4000, agent: 'dev0', bytes: 128, label: 'memset' },
    // CPU and GPU addresses are separate spaces: the same number is no overlap
    { op: 'alloc', tNs: 5000, agent: 'cpu', va: 4096, bytes: 100, flags: ['host'] },
    { op: 'free', tNs: 6000, agent: 'dev0', va: 4096, bytes: 512 },
  ]);
  assert.equal(r.ctx.meta.device_map, 'dev0=gpu3');
  assert.equal(r.ctx.meta.devices, 'GPU X');
  assert.equal(r.ctx.meta['capacity_bytes.dev0'], '1000');
  assert.equal(r.ctx.meta.origin_unix_ns, undefined, 'ts of 99 µs is not an epoch time');
  assert.equal(r.ctx.log.count('importer.unmatched-free'), 1);
  assert.equal(r.ctx.observations.get('copy')!.length, 2);
});

test('kineto options: cpuAllocs=drop, synthesis=none, kernels=false, compactDevices=false; bare-array traces', async () => {
  const path = join(dir, 'trace.json');
  writeFileSync(path, JSON.stringify(trace));
  const r = await importWith(def, path, { cpuAllocs: 'drop', synthesis: 'none', kernels: false, compactDevices: false });
  assert.deepEqual(r.counts, { alloc: 2, free: 2, copy: 2, marker: 1 });
  assert.ok(events(r).every((e) => e.agent !== 'dev0'), 'device 3 stays dev3');
  const bare = join(dir, 'bare.json');
  writeFileSync(bare, JSON.stringify(trace.traceEvents));
  assert.ok(def.sniff(Buffer.from(JSON.stringify(trace.traceEvents))));
  assert.equal((await importWith(def, bare)).rows, 11);
});

test('kineto: a trace without memory events imports with zero events and an info message; ill-typed fields are located', async () => {
  const path = join(dir, 'empty.json');
  writeFileSync(path, JSON.stringify({ traceEvents: [{ ph: 'X', cat: 'cpu_op', name: 'x', ts: 1, dur: 1 }] }));
  const r = await importWith(def, path);
  assert.equal(r.rows, 0);
  assert.equal(r.ctx.log.count('importer.no-memory-events'), 1);
  const bad = join(dir, 'bad.json');
  writeFileSync(bad, '{"traceEvents": [\n{"ph": "i", "name": "[memory]", "ts": 5, "args": {"Device Type": 1, "Device Id": 0, "Addr": "0x10", "Bytes": 4}}\n]}');
  await assert.rejects(importWith(def, bad), /bad\.json:2:1: bad field value \(field 'args\.Addr', expected an address >= 0 and < 2\^53, found "0x10"\)/);
  const notTrace = join(dir, 'obj.json');
  writeFileSync(notTrace, '{"a": 1}');
  await assert.rejects(importWith(def, notTrace), /does not look like a Chrome trace/);
});
