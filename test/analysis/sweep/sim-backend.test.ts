import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runSpecOf } from '../../../src/analysis/sweep/sim-backend';
import { expandSweep } from '../../../src/analysis/sweep/expand';
import { registerSystemPreset, systemPreset } from '../../../src/systems/index';
import type { SystemPreset } from '../../../src/sim/system';
import { resolvePlatform } from '../../../src/profiles/resolve';

// A preset with a parameter no GMEM preset has (parameters only: these tests never simulate it).
const gmem = systemPreset('gmem-linux')!;
const fixture: SystemPreset = {
  name: 'fixture-only-here',
  summary: 'test preset with an extra parameter',
  def: { ...gmem.def, name: 'fixture', defaults: { ...gmem.def.defaults, onlyHere: 1 }, params: { ...gmem.def.params, onlyHere: { summary: 'test parameter', unit: 'count' } } },
  params: {},
};
registerSystemPreset(fixture, { override: true });

test('a bare --set key goes only to the systems that have the parameter', () => {
  const pts = expandSweep({ traces: ['t'], systems: ['gmem-linux', 'fixture-only-here'], set: { onlyHere: 3, victim: 'fifo' } });
  const used = new Map<string, boolean>();
  const [a, b] = pts.map((p) => runSpecOf(p, used));
  assert.deepEqual(a!.set, { victim: 'fifo' });
  assert.deepEqual(b!.set, { onlyHere: 3, victim: 'fifo' });
  assert.deepEqual([...used], [['onlyHere', true], ['victim', true]]);
});

test('a bare key no system of the point has is recorded as unused (prepare turns that into an error)', () => {
  const used = new Map<string, boolean>();
  runSpecOf(expandSweep({ traces: ['t'], systems: ['gmem-linux'], set: { onlyHere: 3 } })[0]!, used);
  assert.equal(used.get('onlyHere'), false);
});

test('scale multiplies the resolved profile field after the point\'s own overrides; sizes are rounded', () => {
  const [p] = expandSweep({ traces: ['t'], systems: ['gmem-linux'], profiles: ['h100-pcie5'], set: { 'link.h2dBytesPerNs': 10 }, scale: { 'link.h2dBytesPerNs': [0.5], 'device.memory.capacityBytes': [1 / 3] } });
  const spec = runSpecOf(p!);
  const cap = resolvePlatform('h100-pcie5').device.memory.capacityBytes;
  assert.equal(spec.set && (spec.set as Record<string, unknown>)['link.h2dBytesPerNs'], 5);
  assert.equal((spec.set as Record<string, unknown>)['device.memory.capacityBytes'], Math.round(cap / 3));
  assert.equal(spec.profile, 'h100-pcie5');
});
