/**
 * Robustness of a comparison (src/analysis/robustness.ts): the conclusion (ranking; the ratio of the first two
 * systems on the same side of 1) is checked with every placeholder cost field scaled ×0.5 and ×2, one at a
 * time; a flip is located by bisection. Two hand-made systems whose whole time is one placeholder cost each
 * make the flip point computable by hand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { affineTimes, conclusionOf, formatRobustness, robustness, type RobustnessInput } from '../../src/analysis/robustness';
import { compare } from '../../src/run/run';
import { resolvePlatform } from '../../src/profiles/resolve';
import { Cause } from '../../src/sim/clock';
import type { SystemDef, SystemEnv, SystemModel } from '../../src/sim/system';
import { registerSystemPreset } from '../../src/systems/index';
import { eventsToBatches } from '../../src/trace/batch';
import { memoryTrace } from '../../src/trace/trace';

/**
 * A system whose every device access costs `k` × one profile field (`device.fault.serviceNs` or
 * `link.latencyNs`, both placeholders on h100-pcie5), charged as fault time. Nothing else is charged.
 */
function costSystem(name: string, field: 'fault' | 'latency'): void {
  const def: SystemDef<{ k: number }> = {
    name,
    revision: 1,
    summary: `test: every device access costs k × ${field === 'fault' ? 'device.fault.serviceNs' : 'link.latencyNs'}`,
    defaults: { k: 1 },
    params: { k: { summary: 'multiplier', unit: 'count' } },
    create(p, env: SystemEnv): SystemModel {
      const ns = p.k * (field === 'fault' ? env.platform.device.fault.serviceNs : env.platform.link.latencyNs);
      return {
        deviceAccess: () => env.clock.charge(Cause.fault, ns),
        residentBytes: () => 0,
        checkInvariants: () => {},
        finish: () => ({}),
      };
    },
  };
  registerSystemPreset({ name, summary: def.summary, def, params: {} }, { override: true });
}
costSystem('fault-cost', 'fault');
costSystem('latency-cost', 'latency');

/**
 * Two systems for the recomputation rule. `rate-cost`: every device access costs k × 4096 / link.h2dBytesPerNs
 * (a rate field: time ∝ 1/rate). `window-cost`: every access costs device.fault.serviceNs, and once the clock
 * passes `windowNs` every later access also pays a penalty of `penaltyNs` (a time-based policy: raising the
 * cost changes which accesses pay it, so time is not affine in the field).
 */
function otherSystem(name: string, what: 'rate' | 'window'): void {
  const def: SystemDef<{ k: number; windowNs: number; penaltyNs: number }> = {
    name,
    revision: 1,
    summary: `test: ${what} cost`,
    defaults: { k: 1, windowNs: 0, penaltyNs: 0 },
    params: { k: { summary: 'multiplier', unit: 'count' }, windowNs: { summary: 'window', unit: 'ns' }, penaltyNs: { summary: 'penalty', unit: 'ns' } },
    create(p, env: SystemEnv): SystemModel {
      return {
        deviceAccess: () => {
          if (what === 'rate') return env.clock.charge(Cause.transfer, (p.k * 4096) / env.platform.link.h2dBytesPerNs);
          if (env.clock.nowNs > p.windowNs) {
            env.counters.evictions++;
            env.clock.charge(Cause.evict, p.penaltyNs);
          }
          env.clock.charge(Cause.fault, env.platform.device.fault.serviceNs);
        },
        residentBytes: () => 0,
        checkInvariants: () => {},
        finish: () => ({}),
      };
    },
  };
  registerSystemPreset({ name, summary: def.summary, def, params: {} }, { override: true });
}
otherSystem('rate-cost', 'rate');
otherSystem('window-cost', 'window');

// three device accesses at t = 0: no compute time, each system's time is 3 × k × its field
const trace = memoryTrace(
  'three-accesses',
  eventsToBatches([
    { op: 'alloc', tNs: 0, va: 0x10000000, bytes: 2 ** 21, flags: ['managed'] },
    { op: 'access', tNs: 0, agent: 'dev0', va: 0x10000000, bytes: 4096, access: 'r' },
    { op: 'access', tNs: 0, agent: 'dev0', va: 0x10001000, bytes: 4096, access: 'r' },
    { op: 'access', tNs: 0, agent: 'dev0', va: 0x10002000, bytes: 4096, access: 'r' },
  ]),
);
const platform = resolvePlatform('h100-pcie5', {});
const S = platform.device.fault.serviceNs;
const L = platform.link.latencyNs;

test('hand-made systems: time = accesses × k × field (the premise of the flip points below)', async () => {
  const [a, b] = await compare(trace, { systems: ['fault-cost', 'latency-cost:k=5'], profile: 'h100-pcie5' });
  assert.equal(a!.summary.simTimeNs, 3 * S);
  assert.equal(b!.summary.simTimeNs, 3 * 5 * L);
  assert.deepEqual(platform.device.sources['fault.serviceNs']!.status, 'P');
  assert.deepEqual(platform.link.sources['latencyNs']!.status, 'P');
});

test('a conclusion that flips inside ×0.5…×2: device.fault.serviceNs flips it at ×(k·L/S), link.latencyNs at ×(S/(k·L))', async () => {
  // k chosen so that fault-cost is faster by a factor f* in (1, 2): f* = k·L / S
  const k = Math.max(1, Math.round((1.5 * S) / L));
  const fStar = (k * L) / S;
  assert.ok(fStar > 1 && fStar < 2, `premise: flip factor ${fStar} inside (1, 2) on h100-pcie5 (S=${S}, L=${L}, k=${k})`);
  const spec = { systems: ['fault-cost', `latency-cost:k=${k}`], profile: 'h100-pcie5' };
  const r = await robustness(trace, spec, { modelling: false });
  assert.deepEqual(r.conclusion.ranking, ['fault-cost', `latency-cost:k=${k}`]);
  assert.equal(r.conclusion.ratio, S / (k * L));
  assert.equal(r.holds, false);
  const byInput = new Map(r.inputs.map((x) => [x.input, x]));
  const fault = byInput.get('device.fault.serviceNs')!;
  assert.equal(fault.flips, true);
  // bisection: 5 halvings of ln 2 → the reported factor is the first flipping point tried, ≤ 2^(1/32) above f*
  assert.ok(fault.flipAt!.factor! >= fStar * (1 - 1e-3) && fault.flipAt!.factor! <= fStar * 2 ** (1 / 32) * (1 + 1e-3), `serviceNs flip ×${fault.flipAt!.factor} vs ×${fStar}`);
  assert.deepEqual(fault.conclusion!.ranking, [`latency-cost:k=${k}`, 'fault-cost']);
  const lat = byInput.get('link.latencyNs')!;
  assert.equal(lat.flips, true);
  assert.ok(lat.flipAt!.factor! <= 1 / fStar + 1e-3 && lat.flipAt!.factor! >= (1 / fStar) * 2 ** (-1 / 32) - 1e-3, `latencyNs flip ×${lat.flipAt!.factor} vs ×${1 / fStar}`);
  // every other placeholder cost field is charged by neither system
  for (const x of r.inputs) if (x.input !== 'device.fault.serviceNs' && x.input !== 'link.latencyNs') assert.equal(x.charged, false, x.input);
  assert.deepEqual([...r.dependsOnPlaceholders].sort(), ['device.fault.serviceNs', 'link.latencyNs']);
  assert.match(r.line, /FLIPS with device\.fault\.serviceNs at ×1\.\d+ \(= \d+/);
  assert.match(formatRobustness(r), /device\.fault\.serviceNs\s+placeholder flips at ×/);
});

test('a conclusion that holds: a 3× gap survives every field at ×0.5 and ×2, and the fields it depends on are named', async () => {
  const k = Math.max(1, Math.round((3 * S) / L));
  assert.ok((k * L) / S > 2.2, 'premise: the gap exceeds what ×2 of one field can close');
  const r = await robustness(trace, { systems: ['fault-cost', `latency-cost:k=${k}`], profile: 'h100-pcie5' });
  assert.equal(r.holds, true);
  assert.ok(r.inputs.every((x) => !x.flips));
  assert.deepEqual([...r.dependsOnPlaceholders].sort(), ['device.fault.serviceNs', 'link.latencyNs']);
  assert.match(r.line, /HOLDS; depends on placeholder fields device\.fault\.serviceNs, link\.latencyNs/);
  // bounded work: 1 baseline comparison + per field one ×2 probe (×0.5 only when charged), 2 systems each
  const fields = r.inputs.length;
  assert.equal(r.simulations, 2 * (1 + fields + 2));
});

test('a failed run (OOM) is not checked: its time is not comparable', async () => {
  const results = await compare(trace, { systems: ['fault-cost', 'latency-cost'], profile: 'h100-pcie5' });
  const failed = [{ ...results[0]!, summary: { ...results[0]!.summary, oomEvents: 1, status: 'oom' as const } }, results[1]!];
  const r = await robustness(trace, { systems: ['fault-cost', 'latency-cost'], profile: 'h100-pcie5' }, { baseline: failed });
  assert.equal(r.holds, false);
  assert.deepEqual(r.failed, ['fault-cost (oom)']);
  assert.equal(r.simulations, 0);
  assert.match(r.line, /not checked/);
});

test('conclusionOf ranks fastest first and keeps the ratio of the first two systems as given', async () => {
  const results = await compare(trace, { systems: ['latency-cost:k=100', 'fault-cost'], profile: 'h100-pcie5' });
  const c = conclusionOf(results);
  assert.deepEqual(c.ranking, ['fault-cost', 'latency-cost:k=100']);
  assert.equal(c.ratio, (100 * L) / S);
});

/** Inputs with each conclusion's ratio to 12 digits (recomputed and simulated times differ in the last bits). */
const rounded = (xs: readonly RobustnessInput[]) => xs.map((x) => ({ ...x, conclusion: x.conclusion && { ...x.conclusion, ratio: Number(x.conclusion.ratio.toPrecision(12)) } }));

test('recomputed bisection points equal simulated ones: a duration field (×) and a rate field (1/×)', async () => {
  const k = Math.max(1, Math.round((1.5 * S) / L));
  const spec = { systems: ['fault-cost', `latency-cost:k=${k}`], profile: 'h100-pcie5' };
  const fast = await robustness(trace, spec, { modelling: false });
  const slow = await robustness(trace, spec, { modelling: false, recompute: false });
  assert.deepEqual(rounded(fast.inputs), rounded(slow.inputs), 'same flips, factors, values and conclusions');
  // two flipping fields × 5 bisection points, 2 systems each: 20 simulations saved
  assert.equal(fast.recomputed, 10);
  assert.equal(slow.recomputed, 0);
  assert.equal(slow.simulations - fast.simulations, 20);
  // a rate: time = 3·k·4096/R, so ×f on R divides it by f; the flip against fault-cost (3·S) is at f* = k·4096/(R·S)
  const R = platform.link.h2dBytesPerNs;
  const kr = Math.max(1, Math.round((1.5 * S * R) / 4096));
  const fr = (kr * 4096) / (R * S);
  assert.ok(fr > 1 && fr < 2, `premise: rate flip ×${fr} inside (1, 2)`);
  const rspec = { systems: ['fault-cost', `rate-cost:k=${kr}`], profile: 'h100-pcie5' };
  const opts = { modelling: false, fields: ['link.h2dBytesPerNs'] };
  const rf = await robustness(trace, rspec, opts);
  const rs = await robustness(trace, rspec, { ...opts, recompute: false });
  assert.deepEqual(rounded(rf.inputs), rounded(rs.inputs));
  assert.equal(rf.recomputed, 5);
  const x = rf.inputs[0]!;
  assert.equal(x.flips, true);
  assert.ok(x.flipAt!.factor! >= fr * (1 - 1e-3) && x.flipAt!.factor! <= fr * 2 ** (1 / 32) * (1 + 1e-3), `h2d flip ×${x.flipAt!.factor} vs ×${fr}`);
});

test('a time-based policy (a penalty after a clock window) is not recomputed: the bisection is simulated', async () => {
  // fault-cost: 3·S. window-cost: 3·S plus, for each access after the window, a penalty. With the window at
  // 1.5·S (×1: the third access, at 2·S, pays) the decisions change with S: at ×0.5 (window 1.5·S vs accesses at
  // 0, 0.5·S, 1·S + penalty…) a different number of accesses pays.
  const penalty = Math.round(S / 2);
  const spec = { systems: [`window-cost:windowNs=${1.5 * S}:penaltyNs=${penalty}`, 'fault-cost'], profile: 'h100-pcie5' };
  const base = await compare(trace, spec);
  assert.equal(base[0]!.summary.simTimeNs, 3 * S + penalty, 'premise: one access (the third, at 2·S) pays the penalty');
  assert.equal(base[0]!.summary.evictions, 1);
  const opts = { modelling: false, fields: ['device.fault.serviceNs'], baseline: base };
  const ends = [0.5, 2].map(async (f) => ({ f, rs: await compare(trace, { ...spec, set: { 'device.fault.serviceNs': S * f } }) }));
  const e = await Promise.all(ends);
  assert.notEqual(e[1]!.rs[0]!.summary.evictions, 1, 'premise: at ×2 a different number of accesses pays (decisions change)');
  assert.equal(affineTimes(base, e, false), null, 'different decisions: no recomputation');
  const fast = await robustness(trace, spec, opts);
  const slow = await robustness(trace, spec, { ...opts, recompute: false });
  assert.deepEqual(fast.inputs, slow.inputs);
  assert.equal(fast.recomputed, 0);
  assert.equal(fast.simulations, slow.simulations);
});

test('affineTimes: same decisions and collinear times give the line; a bend of one part in 10^6 refuses it', async () => {
  const base = await compare(trace, { systems: ['fault-cost', 'latency-cost'], profile: 'h100-pcie5' });
  const end = (f: number, bend = 0) => ({ f, rs: base.map((r, i) => ({ ...r, summary: { ...r.summary, simTimeNs: (i === 0 ? 3 * S * f : 3 * L) * (1 + bend) } })) });
  const line = affineTimes(base, [end(2), end(0.5)], false)!;
  assert.deepEqual(line(1.5), [4.5 * S, 3 * L]);
  assert.equal(affineTimes(base, [end(2), end(0.5, 1e-6)], false), null);
  assert.equal(affineTimes(base, [end(2)], false), null, 'one end cannot show the line');
});

test('a trace with synthesized addresses: the output says the layout was not varied and why', async () => {
  const legacy = memoryTrace('legacy', eventsToBatches([
    { op: 'alloc', tNs: 0, va: 0x10000000, bytes: 2 ** 21, flags: ['managed'] },
    { op: 'access', tNs: 0, agent: 'dev0', va: 0x10000000, bytes: 4096, access: 'r' },
  ]), { synthesized_addresses: 'kineto-legacy' });
  const spec = { systems: ['fault-cost', 'latency-cost:k=100'], profile: 'h100-pcie5' };
  const r = await robustness(legacy, spec, { modelling: false, fields: ['device.fault.serviceNs'] });
  assert.deepEqual(r.notVaried, ['synthesized address layout kineto-legacy not varied: the importer defines one layout only, so there is nothing to vary it over']);
  assert.match(r.line, /; synthesized address layout kineto-legacy not varied: /);
  const plain = await robustness(trace, spec, { modelling: false, fields: ['device.fault.serviceNs'] });
  assert.deepEqual(plain.notVaried, []);
  assert.doesNotMatch(plain.line, /not varied/);
});
