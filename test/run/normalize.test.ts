import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalize } from '../../src/run/normalize';
import { parseSystemItems } from '../../src/run/run-spec';
import { KiB, MiB } from '../../src/units';
import { code } from '../helpers/cli';
import { runMessages } from '../../src/log/messages/run';

const facts = { name: 't', digest: 'd', footprintBytes: 100 * MiB };

test('system items are preset[:key=value…] in a comma list', () => {
  assert.deepEqual(parseSystemItems('gmem-linux,gmem-paper:mode=share:victim=lru'), [
    { text: 'gmem-linux', preset: 'gmem-linux', params: [] },
    { text: 'gmem-paper:mode=share:victim=lru', preset: 'gmem-paper', params: [['mode', 'share'], ['victim', 'lru']] },
  ]);
  assert.equal(code(() => parseSystemItems('gmem-linux,')), 'run.bad-item');
  assert.equal(code(() => parseSystemItems('gmem-linux:mode')), 'run.bad-item');
});

test('precedence: defaults < preset < bare --set < <preset>.--set < item parameters', () => {
  const [a, b] = normalize(
    { systems: ['gmem-linux', 'gmem-paper:victim=lru'], profile: 'a100-pcie4', set: ['victim=fifo', 'gmem-paper.unitBytes=64KiB', 'gmem-paper.victim=fifo', 'chargePageTables=false'] },
    facts,
  );
  assert.equal(a!.params.victim, 'fifo');
  assert.equal(a!.params.unitBytes, 2 * MiB);
  assert.equal(b!.params.victim, 'lru');
  assert.equal(b!.params.unitBytes, 64 * KiB);
  assert.equal(b!.params.chargePageTables, false);
  assert.equal(b!.system, 'gmem-paper:victim=lru');
});

test('gmem-paper defaults to x97-sim; other presets need --profile', () => {
  assert.equal(normalize({ system: 'gmem-paper' }, facts)[0]!.platform.id, 'x97-sim');
  assert.equal(normalize({ system: 'gmem-paper', profile: 'h100-pcie5' }, facts)[0]!.platform.id, 'h100-pcie5');
  assert.equal(code(() => normalize({ system: 'gmem-linux' }, facts)), 'run.no-profile');
});

test('--oversub on the touched basis (default): capacity = floor(touched / X) rounded down to 4 KiB; a trace without accessed pages is an error', () => {
  const touched = { ...facts, touchedBytes: 10 * MiB + 3 * 4096 };
  const [r] = normalize({ system: 'gmem-linux', profile: 'a100-pcie4', oversub: 3 }, touched);
  assert.equal(r!.oversubBasis, 'touched');
  assert.equal(r!.touchedBytes, 10 * MiB + 3 * 4096);
  assert.equal(r!.capacityBytes, Math.floor((10 * MiB + 3 * 4096) / 3 / 4096) * 4096); // 3,499,008 bytes = 854 pages
  assert.equal(r!.capacityBytes, 854 * 4096);
  assert.equal(code(() => normalize({ system: 'gmem-linux', profile: 'a100-pcie4', oversub: 2 }, facts)), 'run.oversub-no-touched');
  assert.equal(code(() => normalize({ system: 'gmem-linux', profile: 'a100-pcie4', oversub: 4096 }, { ...facts, touchedBytes: 4096 })), 'run.oversub-capacity-zero');
  assert.equal(normalize({ system: 'gmem-linux', profile: 'a100-pcie4' }, touched)[0]!.oversubBasis, null, 'no --oversub: no basis');
});

test('--oversub-basis allocated: capacity = floor(footprint / X) rounded down to 2 MiB, exclusive with a capacity override', () => {
  const [r] = normalize({ system: 'gmem-linux', profile: 'a100-pcie4', oversub: 1.5, oversubBasis: 'allocated' }, facts);
  assert.equal(r!.oversubBasis, 'allocated');
  assert.equal(r!.capacityBytes, 66 * MiB); // 100 / 1.5 = 66.67 MiB
  assert.equal(r!.platform.device.memory.capacityBytes, 66 * MiB);
  assert.equal(r!.oversub, 1.5);
  assert.equal(code(() => normalize({ system: 'gmem-linux', profile: 'a100-pcie4', oversub: 2, set: { 'device.memory.capacityBytes': '1GiB' } }, facts)), 'run.oversub-with-capacity');
  assert.equal(code(() => normalize({ system: 'gmem-linux', profile: 'a100-pcie4', oversub: 2, oversubBasis: 'allocated' }, { ...facts, footprintBytes: 0 })), 'run.oversub-no-footprint');
  assert.equal(code(() => normalize({ system: 'gmem-linux', profile: 'a100-pcie4', oversub: 0 }, facts)), 'run.bad-number');
});

test('bad keys and values are errors naming the key and the valid ones', () => {
  const base = { system: 'gmem-linux', profile: 'a100-pcie4' };
  assert.equal(code(() => normalize({ ...base, set: ['nosuch=1'] }, facts)), 'run.set-matches-nothing');
  assert.equal(code(() => normalize({ ...base, set: ['gmem-paper.victim=lru'] }, facts)), 'run.set-preset-not-selected');
  assert.equal(code(() => normalize({ ...base, system: 'gmem-linux:nosuch=1' }, facts)), 'run.unknown-param');
  assert.equal(code(() => normalize({ ...base, set: ['victim=mru'] }, facts)), 'run.bad-param-value');
  assert.equal(code(() => normalize({ ...base, set: ['unitBytes=3KiB'] }, facts)), 'run.invalid-params');
  assert.equal(code(() => normalize({ ...base, set: ['chargePageTables=yes'] }, facts)), 'run.bad-param-value');
  assert.equal(code(() => normalize({ ...base, set: ['device.memory.capacity=1'] }, facts)), 'profiles.unknown-key');
  assert.equal(code(() => normalize({ ...base, system: 'uvm-ish' }, facts)), 'run.unknown-system');
  assert.equal(code(() => normalize({ ...base, seed: -1 }, facts)), 'run.bad-number');
  try {
    normalize({ ...base, set: ['nosuch=1'] }, facts);
  } catch (e) {
    assert.match((e as Error).message, /nosuch.*valid keys: .*victim/);
  }
});

test('specHash covers the resolved run (params, platform, seed, trace) but not the trace name or debug', () => {
  const h = (spec: object, f = facts) => normalize({ system: 'gmem-linux', profile: 'a100-pcie4', ...spec }, f)[0]!.specHash;
  assert.equal(h({}), h({ debug: true }));
  assert.equal(h({}), h({}, { ...facts, name: 'other.csv' }));
  assert.notEqual(h({}), h({ seed: 1 }));
  assert.notEqual(h({}), h({ set: ['victim=fifo'] }));
  assert.notEqual(h({}), h({ set: ['link.latencyNs=1us'] }));
  assert.notEqual(h({}), h({}, { ...facts, digest: 'e' }));
});

test('device memory above 1 TiB (MAX_DEVICE_BYTES) is an input error, from --oversub or --set; 1 TiB itself runs', async () => {
  const { MAX_DEVICE_BYTES } = await import('../../src/run/normalize');
  assert.equal(MAX_DEVICE_BYTES, 2 ** 40);
  // a 2^52-byte touched footprint at 4×: 1 PiB (the fuzz input that made uvm fail inside a typed array)
  assert.equal(code(() => normalize({ system: 'uvm', profile: 'gh200-c2c', oversub: 4 }, { ...facts, touchedBytes: 2 ** 52 })), 'run.capacity-too-large');
  assert.equal(code(() => normalize({ system: 'gmem-linux', profile: 'a100-pcie4', set: { 'device.memory.capacityBytes': 2 ** 40 + 4096 } }, facts)), 'run.capacity-too-large');
  const [r] = normalize({ system: 'gmem-linux', profile: 'a100-pcie4', oversub: 1 }, { ...facts, touchedBytes: 2 ** 40 });
  assert.equal(r!.capacityBytes, 2 ** 40);
});

test('the platform\'s devices together are limited: 2 TiB and 1024 devices (run.platform-too-large)', async () => {
  const { MAX_PLATFORM_DEVICE_BYTES } = await import('../../src/run/normalize');
  assert.equal(MAX_PLATFORM_DEVICE_BYTES, 2 ** 41);
  // 64 devices of an 80 GB profile: 21 GB of frame pools for gmem-paper before this check
  assert.equal(code(() => normalize({ system: 'gmem-paper', profile: 'a100-pcie4', set: { 'host.devices': 64 } }, facts)), 'run.platform-too-large');
  assert.equal(code(() => normalize({ system: 'uvm', profile: 'a100-pcie4', set: { 'host.devices': 4096, 'device.memory.capacityBytes': 2 ** 20 } }, facts)), 'run.platform-too-large');
  // an 8-GPU H200 board (8 × 141 GB) and 1024 small devices are inside
  assert.equal(normalize({ system: 'gmem-linux', profile: 'a100-pcie4', set: { 'host.devices': 8, 'device.memory.capacityBytes': 141e9 } }, facts).length, 1);
  assert.equal(normalize({ system: 'gmem-linux', profile: 'a100-pcie4', set: { 'host.devices': 1024, 'device.memory.capacityBytes': 2 ** 30 } }, facts).length, 1);
});

test('--oversub leaving less than one device-memory unit of a system: one run.oversub-below-unit warning naming value, capacity, unit and systems, carried by those runs', () => {
  // touched 8 MiB / 8 = 1 MiB: below the 2 MiB units of gmem-linux, uvm (root chunk) and hmm-svm; gmem-paper (4 KiB
  // unit), uvm with page frames and explicit-copy (no unit) are not
  const touched = { ...facts, touchedBytes: 8 * MiB };
  const systems = ['gmem-linux', 'gmem-paper', 'uvm', 'uvm:eviction=lru-4k', 'hmm-svm', 'explicit-copy'];
  const runs = normalize({ systems, profile: 'a100-pcie4', oversub: 8 }, touched);
  assert.ok(runs.every((r) => r.capacityBytes === MiB));
  const want = runMessages.oversubBelowUnit(
    {},
    8,
    'touched',
    MiB,
    'gmem-linux (migration unit unitBytes = 2097152 bytes), uvm (root chunk vaBlockBytes = 2097152 bytes), hmm-svm (migration unit granularityBytes = 2097152 bytes)',
    2 * MiB,
  );
  assert.deepEqual(runs.map((r) => r.warnings), [[want], undefined, [want], undefined, [want], undefined]);
  assert.equal(want.severity, 'warning');
  // the smallest unit decides: gmem-linux with a 64 KiB unit, uvm's UVMSmart mode (a short block's chunk: the 64 KiB big page)
  const small = normalize({ systems: ['gmem-linux:unitBytes=64KiB', 'uvm:faultCost=far-fault'], profile: 'a100-pcie4', oversub: 8 }, touched);
  assert.deepEqual(small.map((r) => r.warnings), [undefined, undefined]);
  const tiny = normalize({ systems: ['gmem-linux:unitBytes=64KiB', 'uvm:faultCost=far-fault'], profile: 'a100-pcie4', oversub: 256 }, touched);
  assert.deepEqual(tiny[0]!.warnings, [
    runMessages.oversubBelowUnit({}, 256, 'touched', 32 * KiB, 'gmem-linux:unitBytes=64KiB (migration unit unitBytes = 65536 bytes), uvm:faultCost=far-fault (chunk of a short VA block bigPageBytes = 65536 bytes)', 64 * KiB),
  ]);
  // a capacity of one unit or more, or one that does not come from --oversub, warns nothing
  assert.ok(normalize({ systems, profile: 'a100-pcie4', oversub: 4 }, touched).every((r) => r.warnings === undefined));
  assert.ok(normalize({ systems, profile: 'a100-pcie4', set: { 'device.memory.capacityBytes': MiB } }, touched).every((r) => r.warnings === undefined));
});
