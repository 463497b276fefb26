import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare } from '../../src/run/run';
import { COUNTER_FIELDS } from '../../src/sim/counters';
import { CAUSE_FIELDS } from '../../src/sim/clock';
import { SYSTEM_PRESETS } from '../../src/systems/index';
import { eventsToBatches } from '../../src/trace/batch';
import type { TraceEvent } from '../../src/trace/event';
import { memoryTrace } from '../../src/trace/trace';
import { transferNs } from '../../src/model/link';
import { MiB } from '../../src/units';

const A = 0x4000_0000;
const B = 0x8000_0000;

/** A small GPU program: two buffers, CPU init, two kernels, a prefetch, advice, a copy, frees. */
const program: TraceEvent[] = [
  { op: 'alloc', tNs: 0, va: A, bytes: 8 * MiB, flags: ['managed'] },
  { op: 'alloc', tNs: 0, va: B, bytes: 4 * MiB, flags: ['managed'] },
  { op: 'access', tNs: 1000, agent: 'cpu', va: A, bytes: 8 * MiB, access: 'w' },
  { op: 'advise', tNs: 2000, va: B, bytes: 4 * MiB, advice: 'read_mostly' },
  { op: 'prefetch', tNs: 3000, va: A, bytes: 4 * MiB, target: 'dev0' },
  { op: 'kernelBegin', tNs: 10_000, agent: 'dev0', durNs: 500_000, label: 'k1' },
  { op: 'access', tNs: 10_000, agent: 'dev0', va: A, bytes: 8 * MiB, access: 'r' },
  { op: 'access', tNs: 10_000, agent: 'dev0', va: B, bytes: 4 * MiB, access: 'w' },
  { op: 'kernelEnd', tNs: 10_001, agent: 'dev0', label: 'k1' },
  { op: 'access', tNs: 600_000, agent: 'cpu', va: B, bytes: 64 * 1024, access: 'r' },
  { op: 'kernelBegin', tNs: 700_000, agent: 'dev0', durNs: 200_000, label: 'k2' },
  { op: 'access', tNs: 700_000, agent: 'dev0', va: B, bytes: 1 * MiB, access: 'r', count: 4 },
  { op: 'kernelEnd', tNs: 700_001, agent: 'dev0', label: 'k2' },
  { op: 'copy', tNs: 950_000, agent: 'dev0', target: 'cpu', bytes: 1 * MiB },
  { op: 'free', tNs: 1_000_000, va: A },
  { op: 'free', tNs: 1_000_000, va: B },
];

test('compare(): one call runs the same trace through every registered system; one row each, same fields, resolved params', async () => {
  const names = Object.keys(SYSTEM_PRESETS);
  for (const must of ['gmem-linux', 'gmem-paper', 'uvm', 'hmm-svm', 'explicit-copy', 'gpuvm-sparse', 'iommu-dma']) assert.ok(names.includes(must), must);
  const items = [...names, 'uvm:prefetch=none:eviction=lru-4k'];
  const results = await compare(memoryTrace('program', eventsToBatches(program)), { systems: items, profile: 'a100-pcie4', oversub: 1, debug: true });
  assert.equal(results.length, items.length);
  const keys = Object.keys(results[0]!.summary).sort();
  for (const [k, r] of results.entries()) {
    const s = r.summary as unknown as Record<string, unknown>;
    assert.equal(s.system, items[k]);
    assert.deepEqual(Object.keys(s).sort(), keys, `${items[k]}: same fields`);
    for (const f of [...COUNTER_FIELDS, 'simTimeNs', ...CAUSE_FIELDS]) {
      assert.equal(typeof s[f], 'number', `${items[k]}.${f} is a number`);
      assert.ok(Number.isFinite(s[f] as number), `${items[k]}.${f} finite`);
    }
    const parts = CAUSE_FIELDS.reduce((a, f) => a + (s[f] as number), 0);
    assert.ok(Math.abs(parts - (s.simTimeNs as number)) < 1e-6 * Math.max(1, s.simTimeNs as number), `${items[k]}: breakdown sums to simTimeNs`);
    const def = SYSTEM_PRESETS[r.summary.preset as keyof typeof SYSTEM_PRESETS].def;
    assert.deepEqual(Object.keys(r.summary.params).sort(), Object.keys(def.defaults).sort(), `${items[k]}: every parameter resolved`);
    assert.equal(typeof r.summary.extra, 'object');
    assert.equal(r.summary.capacityBytes, r.summary.footprintBytes, 'oversub 1: capacity = footprint');
    assert.equal(r.summary.events, program.length);
  }
  const byName = Object.fromEntries(results.map((r) => [r.summary.system, r.summary]));
  assert.equal(byName['uvm:prefetch=none:eviction=lru-4k']!.params.prefetch, 'none');
  assert.equal(byName['explicit-copy']!.deviceFaults, 0, 'explicit copies never fault');
  assert.ok(byName.uvm!.deviceFaults > 0 || byName.uvm!.prefetchedBytes > 0);
  assert.ok(byName['hmm-svm']!.extra.notifierCallbacks! > 0, 'the frees reach hmm-svm as notifier callbacks');
});

test('a copy without a destination address (cudaMemcpy as Nsight/Kineto/rocprof record it) costs the same in every system and is counted apart from migrations', async () => {
  const names = [...Object.keys(SYSTEM_PRESETS), 'uvm:prefetch=none:eviction=lru-4k'];
  const trace: TraceEvent[] = [
    { op: 'copy', tNs: 0, agent: 'cpu', target: 'dev0', bytes: 4 * MiB },
    { op: 'copy', tNs: 10, agent: 'dev0', target: 'cpu', bytes: 2 * MiB },
    { op: 'copy', tNs: 20, agent: 'cpu', target: 'dev0', bytes: 1 * MiB, flags: ['async'] },
    { op: 'marker', tNs: 30, label: 'end' },
  ];
  const results = await compare(memoryTrace('copies', eventsToBatches(trace)), { systems: names, profile: 'a100-pcie4', debug: true });
  const link = results[0]!.run.platform.link;
  // hand-computed: the H2D copy waits its own transfer, then the D2H copy (the other direction, idle) waits its
  // transfer; the async copy only books the H2D link; compute fills the trace gaps up to t = 30 ns
  const h2d = transferNs(link, 4 * MiB, 'h2d');
  const d2h = transferNs(link, 2 * MiB, 'd2h');
  for (const r of results) {
    const s = r.summary;
    assert.equal(s.explicitCopies, 3, s.system);
    assert.equal(s.explicitCopyBytes, 7 * MiB, s.system);
    assert.equal(s.migrationsH2D + s.migrationsD2H, 0, `${s.system}: not migrations`);
    assert.equal(s.bytesH2D + s.bytesD2H, 0, s.system);
    assert.equal(s.timeTransferNs, h2d + d2h, s.system);
    assert.equal(s.timeComputeNs, 30, s.system);
    assert.equal(r.summary.warnings['gmem.copy-ignored'] ?? 0, 0, s.system);
  }
});

test('host memory is a limit for every system that evicts to it: with none left, an eviction is a host OOM (never a device one), with enough there is none', async () => {
  // eight 2 MiB blocks read whole by the device on a 6 MiB device: each system has to evict; every victim was
  // zero-filled on the device, so its write-back needs host memory
  const trace: TraceEvent[] = [{ op: 'alloc', tNs: 0, va: A, bytes: 16 * MiB, flags: ['managed'] }];
  for (let k = 0; k < 8; k++) trace.push({ op: 'access', tNs: (k + 1) * 1e5, agent: 'dev0', va: A + k * 2 * MiB, bytes: 2 * MiB, access: 'r' });
  for (const system of ['gmem-linux', 'gmem-paper', 'uvm', 'hmm-svm']) {
    const run = (dram: number) => compare(memoryTrace('evict', eventsToBatches(trace)), { system, profile: 'a100-pcie4', set: { 'device.memory.capacityBytes': 6 * MiB, 'host.dramBytes': dram }, debug: true });
    const [none] = await run(0);
    assert.ok(none!.summary.oomEvents > 0, `${system}: no host memory → an OOM`);
    assert.equal(none!.summary.evictions, 0, `${system}: no eviction completes`);
    assert.ok(none!.resultEvents.every((e) => e.kind === 'oom' && /^host/.test(e.reason)), `${system}: ${JSON.stringify(none!.resultEvents)}`);
    const [room] = await run(16 * MiB);
    assert.equal(room!.summary.oomEvents, 0, `${system}: host memory for every victim → no OOM`);
    assert.ok(room!.summary.evictions > 0, `${system}: it evicts`);
  }
});
