import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../src/sim/engine';
import { Cause } from '../../src/sim/clock';
import { normalize } from '../../src/run/normalize';
import type { SystemDef } from '../../src/sim/system';
import { eventsToBatches, type EventBatch } from '../../src/trace/batch';
import { Op, type TraceEvent } from '../../src/trace/event';
import { memoryTrace } from '../../src/trace/trace';
import { defineMessage } from '../../src/log/diagnostic';

const warn = defineMessage('test.warn', 'warning', 'none', () => ({ message: 'w' }));

/** A probe system: charges `bytes` ns of "other" time per access, warns on markers; every other op is unsupported. */
const probe: SystemDef<{ x: number }> = {
  name: 'probe',
  revision: 1,
  summary: 'test',
  defaults: { x: 0 },
  params: { x: { summary: 'unused' } },
  create: (_p, env) => {
    let resident = 0;
    const access = (b: EventBatch, i: number): void => {
      env.clock.charge(Cause.other, b.bytes[i]!);
      resident += b.bytes[i]!;
    };
    return {
      deviceAccess: access,
      cpuAccess: access,
      marker: () => env.log.add(warn({})),
      residentBytes: () => resident,
      finish: () => ({ steps: 1 }),
    };
  },
};

async function go(events: TraceEvent[], maxSamples?: number) {
  const run = normalize({ system: 'gmem-linux', profile: 'a100-pcie4' }, { name: 't', digest: 'd', footprintBytes: 0 })[0]!;
  return simulate(run, probe, memoryTrace('t', eventsToBatches(events)), maxSamples ? { maxSamples } : {});
}

test('compute time: gaps between trace timestamps are compute; system costs delay nothing in the trace clock', async () => {
  const r = await go([
    { op: 'access', tNs: 100, agent: 'dev0', va: 0, bytes: 7, access: 'r' },
    { op: 'access', tNs: 250, agent: 'dev0', va: 0, bytes: 5, access: 'r' },
  ]);
  assert.equal(r.summary.timeComputeNs, 250);
  assert.equal(r.summary.timeOtherNs, 12);
  assert.equal(r.summary.simTimeNs, 262);
  assert.deepEqual(r.summary.extra, { steps: 1, unsupportedOps: 0 });
});

test('kernel dur_ns replaces the gaps inside the kernel and is charged at kernel_end; phase markers charge dur_ns', async () => {
  const r = await go([
    { op: 'access', tNs: 10, agent: 'cpu', va: 0, bytes: 1, access: 'r' },
    { op: 'kernelBegin', tNs: 20, agent: 'dev0', durNs: 1000 },
    { op: 'access', tNs: 30, agent: 'dev0', va: 0, bytes: 1, access: 'r' },
    { op: 'access', tNs: 90, agent: 'dev0', va: 0, bytes: 1, access: 'r' },
    { op: 'kernelEnd', tNs: 95, agent: 'dev0' },
    { op: 'marker', tNs: 100, label: 'phase:x', durNs: 7 },
  ]);
  // 10 (before) + 10 (to kernel_begin) + 1000 (kernel) + 5 (kernel_end → marker) + 7 (phase)
  assert.equal(r.summary.timeComputeNs, 10 + 10 + 1000 + 5 + 7);
  // an unterminated kernel is charged at the end of the trace
  const open = await go([{ op: 'kernelBegin', tNs: 0, agent: 'dev0', durNs: 500 }, { op: 'access', tNs: 50, agent: 'dev0', va: 0, bytes: 1, access: 'r' }]);
  assert.equal(open.summary.timeComputeNs, 500);
});

test('series are sampled on simulated time within the sample budget and end with a final sample', async () => {
  const ev: TraceEvent[] = [];
  for (let i = 0; i < 5000; i++) ev.push({ op: 'access', tNs: i * 1000, agent: 'dev0', va: 0, bytes: 1, access: 'r' });
  const r = await go(ev, 64);
  const s = r.series;
  assert.ok(s.tNs.length <= 64 && s.tNs.length >= 16, `${s.tNs.length} samples`);
  assert.equal(s.tNs.at(-1), r.summary.simTimeNs);
  assert.equal(s.residentBytes.at(-1), 5000);
  for (let i = 1; i < s.tNs.length; i++) assert.ok(s.tNs[i]! >= s.tNs[i - 1]!);
});

test('warnings of the reader and of the system merge into one count per code', async () => {
  const r = await go([
    { op: 'marker', tNs: 0, label: 'a' },
    { op: 'marker', tNs: 0, label: 'b' },
  ]);
  assert.deepEqual(r.summary.warnings, { 'test.warn': 2 });
  assert.equal(r.diagnostics.length, 2);
  // a reader that logged the same code (e.g. a lenient import) adds to the count
  const base = memoryTrace('t', eventsToBatches([{ op: 'marker', tNs: 0, label: 'a' }]));
  const trace = {
    name: 't',
    read() {
      const rd = base.read();
      rd.log.add(warn({}));
      return rd;
    },
  };
  const run = normalize({ system: 'gmem-linux', profile: 'a100-pcie4' }, { name: 't', digest: 'd', footprintBytes: 0 })[0]!;
  const merged = await simulate(run, probe, trace);
  assert.deepEqual(merged.summary.warnings, { 'test.warn': 2 });
});

test('a clock jump to 2^53 − 1 ns (a damaged or 100-day timestamp) simulates at once in every system (found by fuzzing)', async () => {
  const { compare } = await import('../../src/run/run');
  const events: TraceEvent[] = [
    { op: 'alloc', tNs: 0, agent: 'cpu', va: 0x7f0000000000, bytes: 8 << 20, flags: ['managed'] },
    { op: 'access', tNs: 10, agent: 'dev0', va: 0x7f0000000000, bytes: 4096, access: 'w' },
    { op: 'access', tNs: 2 ** 53 - 1, agent: 'dev0', va: 0x7f0000100000, bytes: 4096, access: 'r' },
  ] as TraceEvent[];
  const rs = await compare(memoryTrace('jump', eventsToBatches(events)), { systems: ['gmem-linux', 'uvm', 'hmm-svm', 'explicit-copy'], profile: 'a100-pcie4' });
  for (const r of rs) {
    assert.ok(r.summary.simTimeNs >= 2 ** 53 - 1, r.summary.system);
    assert.equal(r.summary.events, 3, r.summary.system);
    // work follows the rows, not the simulated time: at most one sample per row plus the first and the last
    // (one per sampling interval crossed would be billions; the tick arithmetic itself is step-counted in
    // test/model/tick.test.ts)
    assert.ok(r.series.tNs.length <= 3 + 2, `${r.summary.system}: ${r.series.tNs.length} samples`);
  }
});

/**
 * A model that aborts `ac` when it steps its `abortAt`-th device access row (`steps()` counts the rows stepped), and
 * one batch of `rows` device access rows of `bytes` each.
 */
function abortingAt(abortAt: number, rows: number, bytes: number) {
  const ac = new AbortController();
  let steps = 0;
  const def: SystemDef<{ x: number }> = {
    ...probe,
    create: () => ({
      deviceAccess() {
        if (++steps === abortAt) ac.abort(new Error('stop here'));
      },
      residentBytes: () => 0,
      finish: () => ({}),
    }),
  };
  const ev: TraceEvent[] = [];
  for (let i = 0; i < rows; i++) ev.push({ op: 'access', tNs: i, agent: 'dev0', va: 0, bytes, access: 'r' });
  const batches = eventsToBatches(ev);
  assert.equal(batches.length, 1, 'one batch');
  const run = normalize({ system: 'gmem-linux', profile: 'a100-pcie4', debug: false }, { name: 't', digest: 'd', footprintBytes: 0 })[0]!;
  return { ac, def, run, batches, steps: () => steps, reset: (n: number) => void (steps = n) };
}

test('an abort stops the simulation within 256 rows, even inside one batch, with the signal\'s reason', async () => {
  const a = abortingAt(1000, 10_000, 1);
  await assert.rejects(simulate(a.run, a.def, memoryTrace('t', a.batches), { signal: a.ac.signal }), /stop here/);
  assert.ok(a.steps() >= 1000 && a.steps() < 1000 + 256, `${a.steps()} rows stepped`);
  // without a signal nothing changes: every row is stepped
  a.reset(-1e9);
  await simulate(a.run, a.def, memoryTrace('t', a.batches));
  assert.equal(a.steps(), -1e9 + 10_000);
});

// ---- routing: the engine owns dispatch (docs/architecture.md §4) --------------------------------------------

/** A system that records which hook saw which row (`op@agent`), with only the hooks given in `hooks`. */
function recorder(hooks: readonly string[], opts: { allDevices?: boolean; beforeRow?: boolean } = {}) {
  const seen: string[] = [];
  const def: SystemDef<{ x: number }> = {
    ...probe,
    create: () => {
      const model: Record<string, unknown> = { residentBytes: () => 0, finish: () => ({ own: 1 }) };
      for (const h of hooks) model[h] = (b: EventBatch, i: number) => seen.push(`${h}:${b.op[i]}@${b.agent[i]}`);
      if (opts.beforeRow) model.beforeRow = (b: EventBatch, i: number) => seen.push(`before:${b.op[i]}`);
      if (opts.allDevices) model.allDevices = true;
      return model as never;
    },
  };
  return { def, seen };
}

async function routed(def: SystemDef<{ x: number }>, events: TraceEvent[]) {
  const run = normalize({ system: 'gmem-linux', profile: 'a100-pcie4', debug: false }, { name: 't', digest: 'd', footprintBytes: 0 })[0]!;
  return simulate(run, def, memoryTrace('t', eventsToBatches(events)));
}

test('access rows are routed by agent: cpu → cpuAccess, dev0 → deviceAccess, another device → a single-device error', async () => {
  const { def, seen } = recorder(['cpuAccess', 'deviceAccess']);
  const r = await routed(def, [
    { op: 'access', tNs: 0, agent: 'cpu', va: 0, bytes: 1, access: 'r' },
    { op: 'access', tNs: 1, agent: 'dev0', va: 0, bytes: 1, access: 'r' },
    { op: 'access', tNs: 2, agent: 'dev1', va: 4096, bytes: 1, access: 'r' },
  ]);
  // op 6 = access; agent codes: cpu 0, dev0 1
  assert.deepEqual(seen, ['cpuAccess:6@0', 'deviceAccess:6@1']);
  assert.equal(r.summary.errorEvents, 1);
  assert.deepEqual(r.resultEvents.map((e) => [e.kind, e.agent, e.va]), [['fault-error', 2, 4096]]); // agent code 2 = dev1
  // every op family has a hook or an engine default here except the ones left out → unsupportedOps reported
  assert.deepEqual(r.summary.extra, { own: 1, unsupportedOps: 0 });
});

test('allDevices routes every device agent to deviceAccess', async () => {
  const { def, seen } = recorder(['cpuAccess', 'deviceAccess'], { allDevices: true });
  const r = await routed(def, [
    { op: 'access', tNs: 0, agent: 'dev0', va: 0, bytes: 1, access: 'r' },
    { op: 'access', tNs: 1, agent: 'dev1', va: 0, bytes: 1, access: 'r' },
  ]);
  assert.deepEqual(seen, ['deviceAccess:6@1', 'deviceAccess:6@2']);
  assert.equal(r.summary.errorEvents, 0);
});

test('ops without a hook: copy replayed on the link, kernel and marker rows ignored, the rest counted as unsupported', async () => {
  const { def, seen } = recorder(['deviceAccess']);
  const r = await routed(def, [
    { op: 'alloc', tNs: 0, va: 0, bytes: 4096, flags: ['managed'] },
    { op: 'copy', tNs: 1, agent: 'cpu', target: 'dev0', va: 0, bytes: 1 << 20 },
    { op: 'kernelBegin', tNs: 2, agent: 'dev0' },
    { op: 'kernelEnd', tNs: 3, agent: 'dev0' },
    { op: 'marker', tNs: 4, label: 'x' },
    { op: 'free', tNs: 5, va: 0 },
    { op: 'free', tNs: 6, va: 0 },
  ]);
  assert.deepEqual(seen, []);
  // the copy: one H2D migration of its bytes, waited for (not async)
  assert.equal(r.summary.migrationsH2D, 1);
  assert.equal(r.summary.bytesH2D, 1 << 20);
  assert.ok(r.summary.timeTransferNs > 0);
  // alloc + 2 frees unsupported (3 rows); the warning is counted per row under one code
  assert.deepEqual(r.summary.extra, { own: 1, unsupportedOps: 3 });
  assert.equal(Object.values(r.summary.warnings).reduce((a, b) => a + b, 0), 3);
});

test('a model with a hook for every op family reports no unsupportedOps; its own copy hook replaces the replay', async () => {
  const all = ['cpuAccess', 'deviceAccess', 'alloc', 'free', 'reserve', 'release', 'map', 'unmap', 'prefetch', 'advise', 'protect', 'fork', 'copy'];
  const { def, seen } = recorder(all);
  const r = await routed(def, [{ op: 'copy', tNs: 1, agent: 'cpu', target: 'dev0', va: 0, bytes: 4096 }]);
  assert.deepEqual(seen, ['copy:9@0']);
  assert.equal(r.summary.migrationsH2D, 0);
  assert.deepEqual(r.summary.extra, { own: 1 });
});

test('beforeRow runs before every row is routed, single-device errors included', async () => {
  const { def, seen } = recorder(['deviceAccess', 'alloc'], { beforeRow: true });
  await routed(def, [
    { op: 'alloc', tNs: 0, va: 0, bytes: 4096, flags: ['managed'] },
    { op: 'access', tNs: 1, agent: 'dev0', va: 0, bytes: 1, access: 'r' },
    { op: 'access', tNs: 2, agent: 'dev1', va: 0, bytes: 1, access: 'r' },
    { op: 'marker', tNs: 3, label: 'm' },
  ]);
  assert.deepEqual(seen, ['before:2', 'alloc:2@0', 'before:6', 'deviceAccess:6@1', 'before:6', 'before:12']);
});

/**
 * The engine's side of `deviceHits` (src/sim/system.ts): a probe whose hits are the device rows of even size (no
 * time charged) and whose other device rows charge their size. With the fast path, the served rows' bookkeeping
 * (compute time inside and outside kernels, access counts, samples, pause points) must give what routing every
 * row to `deviceAccess` gives.
 */
function hitProbe(withHits: boolean, served: { rows: number }): SystemDef<{ x: number }> {
  return {
    ...probe,
    create: (_p, env) => {
      let hits = 0;
      let resident = 0;
      const isHit = (b: EventBatch, i: number): boolean => b.agent[i] !== 0 && b.bytes[i]! % 2 === 0;
      const access = (b: EventBatch, i: number): void => {
        if (isHit(b, i)) hits++;
        else {
          env.clock.charge(Cause.other, b.bytes[i]!);
          resident += b.bytes[i]!;
        }
      };
      return {
        deviceAccess: access,
        cpuAccess: access,
        warmRows: () => {},
        ...(withHits
          ? {
              deviceHits: (b: EventBatch, from: number, to: number): number => {
                let i = from;
                while (i < to && b.op[i] === Op.access && isHit(b, i)) {
                  hits++;
                  i++;
                }
                served.rows += i - from;
                return i;
              },
            }
          : {}),
        residentBytes: () => resident,
        finish: () => ({ hits }),
      };
    },
  };
}

test('deviceHits: rows the model serves get the same bookkeeping as routed rows (time, counts, samples, pauses)', async () => {
  const ev: TraceEvent[] = [];
  let x = 1;
  for (let i = 0; i < 3000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const tNs = i * 37 + (x % 5 === 0 ? 0 : x % 11); // uneven gaps, some rows at the same time (sorted below)
    if (i % 500 === 100) ev.push({ op: 'kernelBegin', tNs, agent: 'dev0', durNs: 9000 });
    if (i % 500 === 300) ev.push({ op: 'kernelEnd', tNs, agent: 'dev0' });
    if (i % 97 === 0) ev.push({ op: 'marker', tNs, label: 'phase:p', durNs: 5 });
    const bytes = x % 7 === 0 ? 3 : 2 + 2 * (x % 4); // mostly even: runs of hits
    ev.push({ op: 'access', tNs, agent: i % 29 === 0 ? 'cpu' : 'dev0', va: 0, bytes, access: 'r' });
  }
  ev.sort((a, b) => a.tNs - b.tNs);
  const run = normalize({ system: 'gmem-linux', profile: 'a100-pcie4' }, { name: 't', digest: 'd', footprintBytes: 0 })[0]!;
  const trace = memoryTrace('t', eventsToBatches(ev));
  for (const signal of [undefined, new AbortController().signal]) {
    const opts = { maxSamples: 200, ...(signal ? { signal } : {}) };
    const served = { rows: 0 };
    const a = await simulate(run, hitProbe(true, served), trace, opts);
    const b = await simulate(run, hitProbe(false, served), trace, opts);
    assert.ok(served.rows > 1500, `${served.rows} rows served`);
    assert.deepEqual(a.summary, b.summary);
    assert.deepEqual(a.series, b.series);
    assert.ok(a.series.tNs.length > 50, `${a.series.tNs.length} samples`);
    assert.equal(a.summary.accesses, 3000);
  }
});

test('deviceHits: an abort lands within 256 rows even while the model serves runs of hits', async () => {
  // one batch of 5,000 device hits: the model aborts the run at its 1,000th hit and counts what it serves after
  const ev: TraceEvent[] = [];
  for (let i = 0; i < 5000; i++) ev.push({ op: 'access', tNs: i, agent: 'dev0', va: 0, bytes: 2, access: 'r' });
  const run = normalize({ system: 'gmem-linux', profile: 'a100-pcie4' }, { name: 't', digest: 'd', footprintBytes: 0 })[0]!;
  const ac = new AbortController();
  let hits = 0;
  let after = 0;
  const def: SystemDef<{ x: number }> = {
    ...probe,
    create: () => ({
      warmRows: () => {},
      deviceHits: (_b: EventBatch, from: number, to: number): number => {
        for (let i = from; i < to; i++) {
          if (ac.signal.aborted) after++;
          if (++hits === 1000) ac.abort(new Error('stop'));
        }
        return to;
      },
      deviceAccess: () => assert.fail('every row is a hit'),
      residentBytes: () => 0,
      finish: () => ({}),
    }),
  };
  await assert.rejects(simulate(run, def, memoryTrace('t', eventsToBatches(ev)), { signal: ac.signal }), /stop/);
  assert.ok(after < 256, `${after} rows served after the abort`);
});

test('an abort lands after rows of 256 MiB together, not only every 256 rows: large rows stay interruptible', async () => {
  // 1,000 rows of 64 MiB each: the model aborts at the 10th; the loop pauses after every 4th (4 × 64 MiB = 256 MiB)
  const a = abortingAt(10, 1000, 64 << 20);
  await assert.rejects(simulate(a.run, a.def, memoryTrace('t', a.batches), { signal: a.ac.signal }), /stop here/);
  assert.equal(a.steps(), 12, 'the pause point after row 12 (rows 9–12: 256 MiB) sees the abort');
});
