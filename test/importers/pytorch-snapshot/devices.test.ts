import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pytorchSnapshotImporter as def } from '../../../src/importers/pytorch-snapshot/index';
import { GmemlabError } from '../../../src/log/diagnostic';
import { importerMessages } from '../../../src/log/messages/importers';
import { MAX_DEVICE_INDEX } from '../../../src/trace/event';
import { events, importWith } from '../helpers';

// Which GPUs a snapshot's agents are. `_snapshot()` lists one device_traces list per visible GPU, whether or not
// the process used it, and a process that ran on cuda:1 has its segments and entries on device 1 alone. As the
// Kineto importer does (`compactDevices`, default on), the GPUs that occur (a segment or a trace entry on the
// device) are renumbered densely from dev0, so a one-device platform runs the trace.
const dir = mkdtempSync(join(tmpdir(), 'gmemlab-snap-devices-'));
const MiB = 1024 * 1024;
const S = 0x7efd28000000;
const T = 0x7efe00000000;
const res = (a: number): string => `seg@0x${a.toString(16)}`;

function write(name: string, snap: object): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(snap, null, 1));
  return path;
}

/** Four device lists, the process on cuda:1: a dumped segment S it allocated, a block in it, an OOM. */
const ON_CUDA1 = {
  segments: [{ device: 1, address: S, total_size: 2 * MiB, is_expandable: false, blocks: [] }],
  device_traces: [
    [],
    [
      { action: 'segment_alloc', addr: S, size: 2 * MiB, time_us: 100 },
      { action: 'alloc', addr: S, size: 512, time_us: 110 },
      { action: 'oom', addr: 0, size: 4 * MiB, time_us: 120, device_free: 4096 },
    ],
    [],
    [],
  ],
};

test('a snapshot of cuda:1 is agent dev0 (compactDevices, default): every row, the OOM observation, devices and device_map', async () => {
  const path = write('cuda1.json', ON_CUDA1);
  const r = await importWith(def, path);
  assert.deepEqual(events(r), [
    { op: 'alloc', tNs: 0, agent: 'dev0', va: S, bytes: 2 * MiB, flags: ['managed'], resource: res(S) },
    { op: 'access', tNs: 10_000, agent: 'dev0', va: S, bytes: 512, access: 'w', flags: ['synthetic'] },
    { op: 'marker', tNs: 20_000, agent: 'dev0', bytes: 4096, label: 'oom' },
  ]);
  assert.deepEqual(r.ctx.observations.get('oom'), [{ tNs: 20_000, agent: 'dev0', requestedBytes: 4 * MiB, deviceFreeBytes: 4096 }]);
  // only the device that occurs is listed (not dev0 … dev3 for the four lists)
  assert.equal(r.ctx.meta.devices, 'dev0');
  assert.equal(r.ctx.meta.device_map, 'dev0=gpu1');
  assert.equal(r.ctx.meta.allocator_history, 'recorded');
});

test('compactDevices=false keeps GPU N as devN, and still lists only the devices that occur', async () => {
  const r = await importWith(def, write('cuda1-keep.json', ON_CUDA1), { compactDevices: false });
  assert.deepEqual(new Set(events(r).map((e) => e.agent)), new Set(['dev1']));
  assert.equal(r.rows, 3);
  assert.deepEqual(r.ctx.observations.get('oom')!.map((o) => o.agent), ['dev1']);
  assert.equal(r.ctx.meta.devices, 'dev1');
  assert.equal(r.ctx.meta.device_map, 'dev1=gpu1');
});

test('a device occurs through a dumped segment or a trace entry; an empty device list does not make it occur', async () => {
  // GPU 1 has a dumped segment S and no entry; GPU 3 has an entry (a segment_alloc of T) and no dumped segment;
  // GPUs 0 and 2 have empty lists: agents dev0 = gpu1, dev1 = gpu3
  const snap = {
    segments: [{ device: 1, address: S, total_size: 2 * MiB, is_expandable: false, blocks: [] }],
    device_traces: [[], [], [], [{ action: 'segment_alloc', addr: T, size: 4 * MiB, time_us: 7 }]],
  };
  const r = await importWith(def, write('sparse.json', snap));
  assert.deepEqual(events(r), [
    { op: 'alloc', tNs: 0, agent: 'dev0', va: S, bytes: 2 * MiB, flags: ['managed', 'preexisting'], resource: res(S) },
    { op: 'alloc', tNs: 0, agent: 'dev1', va: T, bytes: 4 * MiB, flags: ['managed'], resource: res(T) },
  ]);
  assert.equal(r.ctx.meta.devices, 'dev0,dev1');
  assert.equal(r.ctx.meta.device_map, 'dev0=gpu1 dev1=gpu3');
  // a dump without history of cuda:0 on a two-GPU machine (device_traces [[], []]): one device, dev0
  const two = await importWith(def, write('two-lists.json', { segments: snap.segments.map((s) => ({ ...s, device: 0 })), device_traces: [[], []] }));
  assert.equal(two.ctx.meta.devices, 'dev0');
  assert.equal(two.ctx.meta.device_map, 'dev0=gpu0');
  assert.equal(two.ctx.meta.allocator_history, 'none');
});

test('segments of a GPU beyond the device lists are imported, not dropped', async () => {
  // one device list (for cuda:0, empty) and a dumped segment of cuda:2
  const snap = { segments: [{ device: 2, address: S, total_size: 2 * MiB, is_expandable: false, blocks: [] }], device_traces: [[]] };
  const path = write('beyond.json', snap);
  const r = await importWith(def, path);
  assert.deepEqual(events(r), [{ op: 'alloc', tNs: 0, agent: 'dev0', va: S, bytes: 2 * MiB, flags: ['managed', 'preexisting'], resource: res(S) }]);
  assert.equal(r.ctx.meta.device_map, 'dev0=gpu2');
  const kept = await importWith(def, path, { compactDevices: false });
  assert.equal(events(kept)[0]!.agent, 'dev2');
});

test('a segment device beyond the last agent (dev65533) is bad input naming the field, not a wrapped agent id', async () => {
  const d = MAX_DEVICE_INDEX + 1;
  const path = write('huge-device.json', { segments: [{ device: d, address: S, total_size: 2 * MiB, blocks: [] }], device_traces: [] });
  await assert.rejects(importWith(def, path), (e: unknown) => {
    assert.ok(e instanceof GmemlabError);
    assert.equal(e.diagnostic.code, importerMessages.badField.code);
    assert.equal(e.diagnostic.field, 'segments[0].device');
    assert.equal(e.diagnostic.expected, `a device index 0 … ${MAX_DEVICE_INDEX}`);
    assert.equal(e.diagnostic.found, String(d));
    return true;
  });
  // lenient: the segment is skipped and counted
  const r = await importWith(def, path, {}, false);
  assert.equal(r.rows, 0);
  assert.equal(r.ctx.log.count('importer.bad-field'), 1);
});
