import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandSweep } from '../../../src/analysis/sweep/expand';
import { GmemlabError } from '../../../src/log/diagnostic';

const short = (p: { system: string; profile: string | null; oversub: number | null; seed: number; set: object; scale: object; trace: string }) =>
  `${p.trace}|${p.profile}|${p.oversub}|${JSON.stringify(p.set)}|${JSON.stringify(p.scale)}|${p.seed}|${p.system}`;

test('the cross product is expanded with systems varying fastest and traces slowest', () => {
  const pts = expandSweep({ traces: ['a.csv', 'b.csv'], systems: ['gmem-linux', 'uvm'], profiles: ['h100-pcie5'], oversub: [1, 2], seeds: [0, 7] }, { baseDir: '/data' });
  assert.equal(pts.length, 2 * 2 * 2 * 2);
  assert.deepEqual(pts.slice(0, 5).map(short), [
    'a.csv|h100-pcie5|1|{}|{}|0|gmem-linux',
    'a.csv|h100-pcie5|1|{}|{}|0|uvm',
    'a.csv|h100-pcie5|1|{}|{}|7|gmem-linux',
    'a.csv|h100-pcie5|1|{}|{}|7|uvm',
    'a.csv|h100-pcie5|2|{}|{}|0|gmem-linux',
  ]);
  assert.deepEqual(pts.map((p) => p.index), [...pts.keys()]);
  assert.deepEqual(pts[0]!.source, { kind: 'file', path: '/data/a.csv' });
});

test('grid keys vary slower than scale multipliers; the first grid key varies slowest', () => {
  const pts = expandSweep({ traces: ['t'], systems: ['uvm'], grid: { 'device.fault.serviceNs': ['20us', '45us'], 'uvm.prefetch': ['none', 'tbn'] }, scale: { 'link.h2dBytesPerNs': [0.5, 2] } });
  assert.deepEqual(pts.map((p) => `${p.set['device.fault.serviceNs']} ${p.set['uvm.prefetch']} ${p.scale['link.h2dBytesPerNs']}`), [
    '20us none 0.5', '20us none 2', '20us tbn 0.5', '20us tbn 2', '45us none 0.5', '45us none 2', '45us tbn 0.5', '45us tbn 2',
  ]);
});

test('a <preset>.<param> grid key does not multiply the runs of other presets', () => {
  const pts = expandSweep({ traces: ['t'], systems: ['gmem-linux', 'uvm:prefetch=none'], grid: { 'uvm.eviction': ['lru-4k', 'lru-2m'] }, set: { 'gmem-linux.unitBytes': '64KiB', 'device.fault.serviceNs': 1000 } });
  assert.deepEqual(pts.map(short), [
    't|null|null|{"gmem-linux.unitBytes":"64KiB","device.fault.serviceNs":1000}|{}|0|gmem-linux',
    't|null|null|{"device.fault.serviceNs":1000,"uvm.eviction":"lru-4k"}|{}|0|uvm:prefetch=none',
    't|null|null|{"device.fault.serviceNs":1000,"uvm.eviction":"lru-2m"}|{}|0|uvm:prefetch=none',
  ]);
});

test('sub-sweeps inherit the parent fields, merge set/grid/scale and are expanded in order', () => {
  const pts = expandSweep({
    traces: ['t'],
    profiles: ['gtx1080ti-pcie3'],
    set: { 'device.fault.serviceNs': '20us' },
    sweeps: [
      { systems: ['uvm'], oversub: [null] },
      { systems: ['uvm:eviction=lru-4k', 'uvm:eviction=lru-2m'], oversub: [1.1, 1.25], set: { 'uvm.prefetchOnOversub': false } },
    ],
  });
  assert.equal(pts.length, 1 + 4);
  assert.deepEqual(pts.map((p) => `${p.system}@${p.oversub}`), ['uvm@null', 'uvm:eviction=lru-4k@1.1', 'uvm:eviction=lru-2m@1.1', 'uvm:eviction=lru-4k@1.25', 'uvm:eviction=lru-2m@1.25']);
  assert.deepEqual(pts[1]!.set, { 'device.fault.serviceNs': '20us', 'uvm.prefetchOnOversub': false });
});

test('workload traces get a label in item syntax and keep their seed and settings', () => {
  const [p] = expandSweep({ traces: [{ workload: 'ml-train', seed: 3, set: { steps: 2, batch: 8 } }], systems: ['uvm'] });
  assert.equal(p!.trace, 'workload:ml-train:seed=3:batch=8:steps=2');
  assert.deepEqual(p!.source, { kind: 'workload', workload: 'ml-train', seed: 3, set: { steps: 2, batch: 8 } });
});

test('identical points are kept once, and a sweep without traces or systems is an error', () => {
  assert.equal(expandSweep({ traces: ['t', 't'], systems: ['uvm', 'uvm'] }).length, 1);
  assert.throws(() => expandSweep({ systems: ['uvm'] }), (e: unknown) => e instanceof GmemlabError && /missing required field 'traces'/.test(e.message));
});

test('expansion is deterministic', () => {
  const spec = { traces: ['a', 'b'], systems: ['x', 'y'], oversub: [1, 2, 3], grid: { 'device.a': [1, 2] } };
  assert.deepEqual(expandSweep(spec, { baseDir: '/' }), expandSweep(spec, { baseDir: '/' }));
});

test('the shipped example sweep (datasets/sweeps/example.json) expands to 36 runs over its two ≥ 1 GiB ml-train traces, explicit-copy at 1.25× included', () => {
  const file = join(__dirname, '../../../datasets/sweeps/example.json');
  const pts = expandSweep(JSON.parse(readFileSync(file, 'utf8')), { baseDir: dirname(file) });
  assert.equal(pts.length, 36);
  assert.equal(new Set(pts.map((p) => p.trace)).size, 2);
  assert.ok(pts.some((p) => p.system === 'explicit-copy' && p.oversub === 1.25), 'the example keeps a combination that runs out of device memory');
});
