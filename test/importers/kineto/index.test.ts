import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { kinetoImporter as def } from '../../../src/importers/kineto/index';
import { importerMessages } from '../../../src/log/messages/importers';
import { events, FIXTURES, importWith } from '../helpers';

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

test('kineto: a GPU activity without args.device is on the device its pid names (Kineto writes pid = device id); with neither it is a located error', async () => {
  const path = join(dir, 'pid.json');
  const mem = { ph: 'i', name: '[memory]', ts: 1, args: { 'Device Type': 1, 'Device Id': 2, Addr: 4096, Bytes: 512 } };
  writeFileSync(path, JSON.stringify({ traceEvents: [mem, { ph: 'X', cat: 'kernel', name: 'k', pid: 2, tid: 7, ts: 5, dur: 1 }] }));
  const r = await importWith(def, path);
  assert.deepEqual(events(r).filter((e) => e.op !== 'alloc' && e.op !== 'access').map((e) => [e.op, e.agent]), [['kernelBegin', 'dev0'], ['kernelEnd', 'dev0']]);
  assert.equal(events(r).find((e) => e.op === 'alloc')!.agent, 'dev0', 'the same device as the [memory] event (Device Id 2)');
  writeFileSync(path, JSON.stringify({ traceEvents: [mem, { ph: 'X', cat: 'kernel', name: 'k', pid: 'GPU 2', tid: 7, ts: 5, dur: 1 }] }));
  await assert.rejects(importWith(def, path), /pid\.json:1:\d+: bad field value \(field 'args\.device', expected a device index 0\.\.65000 \(or, without args\.device, the event pid\), found nothing \(field missing\)\)/);
});

// --- every PyTorch profiler era (issue 17): hand-written fixtures from the public format description ---

const FIXTURE_DIR = join(FIXTURES, 'kineto');
const R0 = 0x900000000000; // synthesized region of the first GPU: 2^47 + 1 × 2^44
const CPU_REGION = 0x800000000000; // region 0: the CPU

test('kineto ≤ 1.9 ([memory] without Addr): frees paired by size (LIFO), freed blocks reused by size, 512 B bump, old Kernel/Memcpy/Memset categories', async () => {
  const r = await importWith(def, join(FIXTURE_DIR, 'legacy-pytorch-1.9.json'));
  assert.deepEqual(events(r), [
    { op: 'alloc', tNs: 0, agent: 'dev0', va: R0, bytes: 1024, flags: ['managed', 'synthetic'] },
    { op: 'access', tNs: 0, agent: 'dev0', va: R0, bytes: 1024, access: 'w', flags: ['synthetic'] },
    // the -2048 free at +10 µs matched no live block: allocated before the trace, at a fresh address after 1024 + 512 bytes
    { op: 'alloc', tNs: 0, agent: 'dev0', va: R0 + 1536, bytes: 2048, flags: ['managed', 'synthetic', 'preexisting'] },
    { op: 'alloc', tNs: 1000, agent: 'dev0', va: R0 + 1024, bytes: 512, flags: ['managed', 'synthetic'] },
    { op: 'access', tNs: 1000, agent: 'dev0', va: R0 + 1024, bytes: 512, access: 'w', flags: ['synthetic'] },
    { op: 'kernelBegin', tNs: 2000, agent: 'dev0', label: 'void add_kernel<float>(float*, float const*, int)' },
    { op: 'kernelEnd', tNs: 5000, agent: 'dev0', label: 'void add_kernel<float>(float*, float const*, int)' },
    { op: 'free', tNs: 6000, agent: 'dev0', va: R0, bytes: 1024 },
    // a new 1024-byte block takes the most recently freed 1024-byte address
    { op: 'alloc', tNs: 7000, agent: 'dev0', va: R0, bytes: 1024, flags: ['managed', 'synthetic'] },
    { op: 'access', tNs: 7000, agent: 'dev0', va: R0, bytes: 1024, access: 'w', flags: ['synthetic'] },
    { op: 'copy', tNs: 8000, agent: 'cpu', bytes: 4096, target: 'dev0' },
    { op: 'marker', tNs: 9000, agent: 'dev0', bytes: 256, label: 'memset' },
    { op: 'free', tNs: 10000, agent: 'dev0', va: R0 + 1536, bytes: 2048 },
    { op: 'alloc', tNs: 11000, agent: 'cpu', va: CPU_REGION, bytes: 64, flags: ['host', 'synthetic'] },
    { op: 'free', tNs: 12000, agent: 'dev0', va: R0 + 1024, bytes: 512 },
  ]);
  assert.equal(r.ctx.meta.synthesized_addresses, 'kineto-legacy');
  assert.equal(r.ctx.meta.origin_unix_ns, '1621400000000100000');
  assert.equal(r.ctx.meta.device_map, 'dev0=gpu0');
  assert.equal(r.ctx.meta.devices, 'Tesla V100-SXM2-16GB');
  const log = r.ctx.log;
  // 7 events without Addr, 1 free unmatched; Total Allocated: 2048 before the trace, then 3072 3584 2560 3584 1536 — the last GPU event says 1000, the events say 1024
  assert.deepEqual(log.examples().find((d) => d.code === 'importer.synthesized-addresses'), importerMessages.synthesizedAddresses({ file: r.ctx.file }, 7, 'kineto-legacy', 1));
  assert.equal(log.count('importer.unmatched-free'), 1);
  assert.equal(log.count('importer.running-total-mismatch'), 1);
  const mismatch = log.examples().find((d) => d.code === 'importer.running-total-mismatch')!;
  assert.equal(mismatch.line, 18);
  assert.equal(mismatch.expected, '1024');
  assert.equal(mismatch.found, '1000');
  assert.equal(log.count('importer.no-memory-events'), 0, 'no "profile with profile_memory=True" for a legacy trace');
  // dropped, by reason: Operator 1, Runtime 1, metadata 1
  assert.deepEqual(log.examples().find((d) => d.code === 'importer.ignored-record'), importerMessages.ignoredRecord({ file: r.ctx.file }, '3 events not replayed (CPU-side or bookkeeping; their time stays in the gaps): Operator 1, Runtime 1, metadata 1'));
  // --lenient reads the same events
  const lenient = await importWith(def, join(FIXTURE_DIR, 'legacy-pytorch-1.9.json'), {}, false);
  assert.deepEqual(events(lenient), events(r));
  assert.equal(lenient.ctx.log.count('importer.no-memory-events'), 0);
});

test('kineto ≥ 1.10 (current): [memory] with Addr, lowercase categories, fractional µs, baseTimeNanoseconds; no synthesized-address marks', async () => {
  const r = await importWith(def, join(FIXTURE_DIR, 'current-pytorch-2.json'));
  const va = 0x7f3a40200000;
  const k = 'void at::native::vectorized_elementwise_kernel<4>(int)';
  assert.deepEqual(events(r), [
    { op: 'alloc', tNs: 0, agent: 'dev0', va, bytes: 512, flags: ['managed'] },
    { op: 'access', tNs: 0, agent: 'dev0', va, bytes: 512, access: 'w', flags: ['synthetic'] },
    { op: 'kernelBegin', tNs: 8625, agent: 'dev0', label: k },
    { op: 'kernelEnd', tNs: 10875, agent: 'dev0', label: k },
    { op: 'copy', tNs: 11500, agent: 'dev0', bytes: 512, target: 'cpu' },
    { op: 'marker', tNs: 12500, agent: 'dev0', bytes: 128, label: 'memset' },
    { op: 'free', tNs: 15000, agent: 'dev0', va, bytes: 512 },
  ]);
  assert.equal(r.ctx.meta.synthesized_addresses, undefined);
  assert.equal(r.ctx.meta.origin_unix_ns, '1700000000005001500');
  assert.equal(r.ctx.meta.rank, '0');
  assert.deepEqual(r.ctx.log.countsByCode(), { 'importer.ignored-record': 1 });
  assert.equal(r.ctx.log.examples()[0]!.message, 'ignored: 4 events not replayed (CPU-side or bookkeeping; their time stays in the gaps): ac2g 1, cpu_op 1, cuda_runtime 1, metadata 1');
});

test('kineto ≤ 1.9: the same-size free takes the most recent live block (LIFO); CPU and each GPU have their own region', async () => {
  const mem = (ts: number, type: number, id: number, bytes: number) => ({ ph: 'i', name: '[memory]', ts, args: { 'Device Type': type, 'Device Id': id, Bytes: bytes } });
  const path = join(dir, 'lifo.json');
  writeFileSync(path, JSON.stringify({ traceEvents: [mem(1, 1, 2, 600), mem(2, 1, 2, 600), mem(3, 1, 5, 600), mem(4, 1, 2, -600), mem(5, 0, -1, 600)] }));
  const r = await importWith(def, path, { synthesis: 'none', compactDevices: false });
  // region of GPU 2 = 1 (first GPU id), GPU 5 = 2; 600 B blocks step by 1024 (512 B alignment)
  assert.deepEqual(events(r).map((e) => [e.op, e.agent, e.va]), [
    ['alloc', 'dev2', R0],
    ['alloc', 'dev2', R0 + 1024],
    ['alloc', 'dev5', R0 + 2 ** 44],
    ['free', 'dev2', R0 + 1024],
    ['alloc', 'cpu', CPU_REGION],
  ]);
});
