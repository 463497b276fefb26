import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pytorchSnapshotImporter as def } from '../../../src/importers/pytorch-snapshot/index';
import { readSafePickle } from '../../../src/importers/pytorch-snapshot/safe-pickle';
import { GmemlabError } from '../../../src/log/diagnostic';
import { DiagnosticLog } from '../../../src/log/collector';
import type { EventBatch } from '../../../src/trace/batch';
import { SemanticChecker } from '../../../src/trace/semantic-check';
import { digestBatches } from '../../../src/trace/digest';
import { absent, events, importWith, sample } from '../helpers';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-snap-'));
const MiB = 1024 * 1024;

/** A hand-made snapshot: a ring-buffer start on dev0, expandable segments on dev1, an OOM and a snapshot. */
const fixture = {
  segments: [
    { device: 0, address: 0x1000000, total_size: 2 * MiB, is_expandable: false, blocks: [{ address: 0x1000000, size: 512, state: 'active_allocated', frames: [{ filename: '/home/me/x.py' }] }] },
    { device: 0, address: 0x2000000, total_size: 2 * MiB, is_expandable: false, blocks: [] },
    { device: 1, address: 0x10000000, total_size: 4 * MiB, is_expandable: true, blocks: [] },
  ],
  device_traces: [
    [
      { action: 'segment_free', addr: 0x3000000, size: 2 * MiB, stream: 0, time_us: 1_000_000 },
      { action: 'segment_alloc', addr: 0x2000000, size: 2 * MiB, stream: 0, time_us: 1_000_010 },
      { action: 'alloc', addr: 0x2000000, size: 512, stream: 0, time_us: 1_000_020, frames: [{ filename: '/home/me/secret.py' }] },
      { action: 'free_requested', addr: 0x2000000, size: 512, stream: 0, time_us: 1_000_030 },
      { action: 'free_completed', addr: 0x2000000, size: 512, stream: 0, time_us: 1_000_040 },
      { action: 'oom', addr: 0, size: 4 * MiB, stream: 0, time_us: 1_000_050, device_free: 1024 },
      { action: 'snapshot', addr: 0, size: 0, stream: 0, time_us: 1_000_060 },
    ],
    [
      { action: 'segment_map', addr: 0x10000000, size: 2 * MiB, stream: 0, time_us: 1_000_005 },
      { action: 'segment_unmap', addr: 0x10200000, size: 2 * MiB, stream: 0, time_us: 1_000_015 },
      { action: 'segment_map', addr: 0x10400000, size: 2 * MiB, stream: 0, time_us: 1_000_025 },
      { action: 'segment_map', addr: 0x50000000, size: 2 * MiB, stream: 0, time_us: 1_000_035 },
    ],
  ],
  allocator_settings: { expandable_segments: true },
};

test('snapshot mapping: pre-existing segments at t=0, expandable reservations, synthesis, dontneed, OOM marker', async () => {
  const path = join(dir, 'fixture.json');
  writeFileSync(path, JSON.stringify(fixture, null, 1));
  const r = await importWith(def, path, { synthesis: 'touch-on-alloc-and-free', freeAsDontneed: true, expandable: 'map' });
  const seg = (a: number): string => `seg@0x${a.toString(16)}`;
  assert.deepEqual(events(r), [
    // dev0 pre-state: a segment freed before its alloc was recorded, and a dumped segment never allocated in the trace
    { op: 'alloc', tNs: 0, agent: 'dev0', va: 0x3000000, bytes: 2 * MiB, flags: ['managed', 'preexisting'], resource: seg(0x3000000) },
    { op: 'alloc', tNs: 0, agent: 'dev0', va: 0x1000000, bytes: 2 * MiB, flags: ['managed', 'preexisting'], resource: seg(0x1000000) },
    // times are rebased to the first entry (1,000,000 µs) before × 1000
    { op: 'free', tNs: 0, agent: 'dev0', va: 0x3000000, bytes: 2 * MiB },
    // dev1: the expandable segment's reservation, widened to its last map (0x10400000 + 2 MiB) = 6 MiB
    { op: 'reserve', tNs: 0, agent: 'dev1', va: 0x10000000, bytes: 6 * MiB, flags: ['preexisting'], label: seg(0x10000000) },
    // a map outside every dumped segment gets a synthetic reservation
    { op: 'reserve', tNs: 0, agent: 'dev1', va: 0x50000000, bytes: 2 * MiB, flags: ['synthetic', 'preexisting'], label: seg(0x50000000) },
    // an unmap of a range mapped before the trace started: its map is reconstructed at t=0
    { op: 'map', tNs: 0, agent: 'dev1', va: 0x10200000, bytes: 2 * MiB, flags: ['preexisting'], resource: seg(0x10000000), offsetBytes: 2 * MiB },
    { op: 'map', tNs: 5000, agent: 'dev1', va: 0x10000000, bytes: 2 * MiB, resource: seg(0x10000000), offsetBytes: 0 },
    { op: 'alloc', tNs: 10000, agent: 'dev0', va: 0x2000000, bytes: 2 * MiB, flags: ['managed'], resource: seg(0x2000000) },
    { op: 'unmap', tNs: 15000, agent: 'dev1', va: 0x10200000, bytes: 2 * MiB },
    { op: 'access', tNs: 20000, agent: 'dev0', va: 0x2000000, bytes: 512, access: 'w', flags: ['synthetic'] },
    { op: 'map', tNs: 25000, agent: 'dev1', va: 0x10400000, bytes: 2 * MiB, resource: seg(0x10000000), offsetBytes: 4 * MiB },
    { op: 'access', tNs: 30000, agent: 'dev0', va: 0x2000000, bytes: 512, access: 'r', flags: ['synthetic'] },
    { op: 'map', tNs: 35000, agent: 'dev1', va: 0x50000000, bytes: 2 * MiB, resource: seg(0x50000000), offsetBytes: 0 },
    { op: 'advise', tNs: 40000, agent: 'dev0', va: 0x2000000, bytes: 512, advice: 'dontneed' },
    { op: 'marker', tNs: 50000, agent: 'dev0', bytes: 1024, label: 'oom' },
    { op: 'marker', tNs: 60000, agent: 'dev0', label: 'snapshot' },
  ]);
  assert.equal(r.ctx.meta.origin_unix_ns, '1000000000');
  assert.equal(r.ctx.meta.synthesis, 'touch-on-alloc-and-free');
  assert.equal(r.ctx.meta.snapshot_form, 'json');
  assert.equal(r.ctx.log.count('importer.preexisting'), 1);
  assert.deepEqual(r.ctx.observations.get('oom'), [{ tNs: 50000, agent: 'dev0', requestedBytes: 4 * MiB, deviceFreeBytes: 1024 }]);
});

test('synthesis none emits allocator traffic only; segmentKind device changes the kind', async () => {
  const path = join(dir, 'fixture2.json');
  writeFileSync(path, JSON.stringify(fixture));
  const r = await importWith(def, path, { synthesis: 'none', segmentKind: 'device' });
  assert.equal(r.counts.access, undefined);
  assert.equal(r.counts.advise, undefined);
  assert.ok(events(r).filter((e) => e.op === 'alloc').every((e) => e.flags!.includes('device')));
  await assert.rejects(importWith(def, path, { synthesis: 'sometimes' }), /bad value for pytorch-snapshot option synthesis/);
});

test('the JSON form of the sample snapshot imports to exactly the events of its pickle', { skip: absent('pytorch-memory-snapshot/memory.pickle') }, async () => {
  const pkl = sample('pytorch-memory-snapshot/memory.pickle')!;
  const value = readSafePickle(readFileSync(pkl), pkl);
  const json = join(dir, 'memory.json');
  writeFileSync(json, JSON.stringify(value));
  const a = await importWith(def, pkl);
  const b = await importWith(def, json);
  assert.equal(b.ctx.meta.snapshot_form, 'json');
  assert.equal(digestBatches(a.batches), digestBatches(b.batches));
  assert.equal(a.rows, 8007);
});

test('ill-typed entries are located errors (strict) or skipped and counted (lenient)', async () => {
  const bad = structuredClone(fixture) as typeof fixture & { device_traces: unknown[][] };
  (bad.device_traces[0]![2] as Record<string, unknown>).size = 'big';
  const path = join(dir, 'bad.json');
  writeFileSync(path, JSON.stringify(bad, null, 1));
  await assert.rejects(importWith(def, path), (e: unknown) => {
    assert.ok(e instanceof GmemlabError);
    assert.match(e.message, /^.*bad\.json:\d+:\d+: bad field value \(field 'device_traces\[0\]\[2\]\.size', expected an integer >= 0, found "big"\)$/);
    return true;
  });
  const r = await importWith(def, path, {}, false);
  assert.equal(r.ctx.log.count('importer.bad-field'), 1);
  assert.equal(r.counts.access, undefined, 'the bad alloc was skipped');
});

test('a PyTorch < 2.1 snapshot (no time_us in any entry) keeps its recorded order at time 0 and says so', async () => {
  const old = structuredClone(fixture) as unknown as { device_traces: Record<string, unknown>[][] };
  for (const list of old.device_traces) for (const e of list) delete e.time_us;
  const path = join(dir, 'untimed.json');
  writeFileSync(path, JSON.stringify(old));
  const r = await importWith(def, path, { synthesis: 'touch-on-alloc-and-free', freeAsDontneed: true });
  const timed = await importWith(def, join(dir, 'fixture.json'), { synthesis: 'touch-on-alloc-and-free', freeAsDontneed: true });
  const got = events(r);
  assert.ok(got.every((e) => e.tNs === 0), 'every event at time 0');
  // the same events as the timed fixture; within a device, in the recorded order (dev0's entries, then dev1's)
  const key = (e: object): string => JSON.stringify({ ...e, tNs: 0 });
  assert.deepEqual(got.map(key).sort(), events(timed).map(key).sort());
  const dev0 = got.filter((e) => e.agent === 'dev0' && !e.flags?.includes('preexisting')).map((e) => e.op);
  assert.deepEqual(dev0, ['free', 'alloc', 'access', 'access', 'advise', 'marker', 'marker']);
  assert.equal(r.ctx.meta.synthesized_times, 'pytorch-snapshot-order');
  assert.equal(r.ctx.meta.origin_unix_ns, undefined);
  assert.equal(r.ctx.log.count('importer.untimed-entries'), 1);
  // a snapshot where only some entries lack a time is damaged, not old: the entry is a located error
  const mixed = structuredClone(fixture) as unknown as { device_traces: Record<string, unknown>[][] };
  delete mixed.device_traces[1]![2]!.time_us;
  writeFileSync(path, JSON.stringify(mixed, null, 1));
  await assert.rejects(importWith(def, path), /field 'device_traces\[1\]\[2\]\.time_us', expected an integer >= 0, found nothing \(field missing\)/);
});

test('when every entry is skipped as malformed (lenient), the info says so instead of blaming the recording', async () => {
  const bad = structuredClone(fixture) as unknown as { device_traces: Record<string, unknown>[][] };
  for (const list of bad.device_traces) for (const e of list) e.addr = 'x';
  const path = join(dir, 'all-bad.json');
  writeFileSync(path, JSON.stringify(bad));
  const r = await importWith(def, path, {}, false);
  const info = r.ctx.log.examples().find((d) => d.code === 'importer.no-memory-events');
  assert.equal(info?.message, 'the trace has no usable device trace entries (all 11 were skipped as malformed)');
  writeFileSync(path, JSON.stringify({ ...fixture, device_traces: [[]] }));
  const empty = await importWith(def, path);
  assert.match(empty.ctx.log.examples().find((d) => d.code === 'importer.no-memory-events')!.message, /no device trace entries \(was _record_memory_history enabled\?\)/);
});

/**
 * One PyTorch expandable segment at EXP_A (EXP_U = 4 MiB): the trace maps [A, A+3u) in three maps at times 0–2, then
 * `tail`; the dump lists the runs still mapped, [A, A+1.5u) and [A+2.5u, A+3u), and a run [A+4u, A+5u) no entry maps.
 */
const EXP_A = 0x7f0000000000;
const EXP_U = 4 * MiB;
/** The resources (segment labels) of its reservations: the one at A, and the one at A+4u. */
const EXP_RES = `seg@0x${EXP_A.toString(16)}`;
const EXP_RES2 = `seg@0x${(EXP_A + 4 * EXP_U).toString(16)}`;
function expandableSnap(tail: object[]): object {
  const seg = (addr: number, size: number) => ({ device: 0, address: addr, total_size: size, is_expandable: true, blocks: [] });
  const [A, u] = [EXP_A, EXP_U];
  return {
    segments: [seg(A, 1.5 * u), seg(A + 2.5 * u, 0.5 * u), seg(A + 4 * u, u)],
    device_traces: [[
      { action: 'segment_map', addr: A, size: u, time_us: 0 },
      { action: 'segment_map', addr: A + u, size: u, time_us: 1 },
      { action: 'segment_map', addr: A + 2 * u, size: u, time_us: 2 },
      ...tail,
    ]],
  };
}

/** The import's semantic checks (src/trace/semantic-check.ts) over `batches`: warning counts by code. */
function semanticCounts(batches: readonly EventBatch[], file: string, atEnd: boolean): Record<string, number> {
  const log = new DiagnosticLog();
  const check = new SemanticChecker(file, log);
  for (const batch of batches) check.update(batch);
  if (atEnd) check.finish();
  return log.countsByCode();
}

test('expandable segments: the dump lists mapped runs of one reservation, and an unmap may span several maps (no overlapping reservations or maps)', async () => {
  // the maps of expandableSnap, then an unmap of [A+1.5u, A+2.5u), which spans the second and third map, and one of
  // [A+4.5u, A+5.5u), half in the dumped run no entry maps (it was mapped before the trace began)
  const A = EXP_A;
  const u = EXP_U;
  const snap = expandableSnap([
    { action: 'segment_unmap', addr: A + 1.5 * u, size: u, time_us: 3 },
    { action: 'segment_unmap', addr: A + 4.5 * u, size: u, time_us: 4 },
  ]);
  const path = join(dir, 'expandable.json');
  writeFileSync(path, JSON.stringify(snap));
  const r = await importWith(def, path, { expandable: 'map' });
  const [res, res2] = [EXP_RES, EXP_RES2];
  assert.deepEqual(events(r), [
    // [A, A+3u): the dumped runs and the maps, merged; [A+4u, A+5.5u): the third run and the last unmap
    { op: 'reserve', tNs: 0, agent: 'dev0', va: A, bytes: 3 * u, flags: ['preexisting'], label: res },
    { op: 'reserve', tNs: 0, agent: 'dev0', va: A + 4 * u, bytes: 1.5 * u, flags: ['preexisting'], label: res2 },
    // mapped before the trace: the dumped run no entry touches, [A+4u, A+4.5u), and the part of the last unmap
    // nothing mapped, [A+4.5u, A+5.5u): one range
    { op: 'map', tNs: 0, agent: 'dev0', va: A + 4 * u, bytes: 1.5 * u, flags: ['preexisting'], resource: res2, offsetBytes: 0 },
    { op: 'map', tNs: 0, agent: 'dev0', va: A, bytes: u, resource: res, offsetBytes: 0 },
    { op: 'map', tNs: 1000, agent: 'dev0', va: A + u, bytes: u, resource: res, offsetBytes: u },
    { op: 'map', tNs: 2000, agent: 'dev0', va: A + 2 * u, bytes: u, resource: res, offsetBytes: 2 * u },
    { op: 'unmap', tNs: 3000, agent: 'dev0', va: A + 1.5 * u, bytes: u },
    { op: 'unmap', tNs: 4000, agent: 'dev0', va: A + 4.5 * u, bytes: u },
  ]);
  // nothing overlaps: the import's semantic checks find no overlapping reservation or map, nor a map outside one
  assert.deepEqual(semanticCounts(r.batches, path, false), {});
});

test('expandable=alloc (default): every mapped range an allocation of segmentKind, cut where maps and unmaps begin and end', async () => {
  // the maps of expandableSnap, a block alloc inside the first map (a synthetic touch), then the unmap spanning the
  // second and third map
  const A = EXP_A;
  const u = EXP_U;
  const snap = expandableSnap([
    { action: 'alloc', addr: A, size: 2 * u, time_us: 3 },
    { action: 'segment_unmap', addr: A + 1.5 * u, size: u, time_us: 4 },
  ]);
  const path = join(dir, 'expandable-alloc.json');
  writeFileSync(path, JSON.stringify(snap));
  const r = await importWith(def, path, { segmentKind: 'device' });
  const [res, res2] = [EXP_RES, EXP_RES2];
  // cuts: A, A+u, A+1.5u, A+2u, A+2.5u, A+3u, A+4u, A+5u
  assert.deepEqual(events(r), [
    { op: 'alloc', tNs: 0, agent: 'dev0', va: A + 4 * u, bytes: u, flags: ['device', 'preexisting'], resource: res2 },
    { op: 'alloc', tNs: 0, agent: 'dev0', va: A, bytes: u, flags: ['device'], resource: res },
    { op: 'alloc', tNs: 1000, agent: 'dev0', va: A + u, bytes: 0.5 * u, flags: ['device'], resource: res },
    { op: 'alloc', tNs: 1000, agent: 'dev0', va: A + 1.5 * u, bytes: 0.5 * u, flags: ['device'], resource: res },
    { op: 'alloc', tNs: 2000, agent: 'dev0', va: A + 2 * u, bytes: 0.5 * u, flags: ['device'], resource: res },
    { op: 'alloc', tNs: 2000, agent: 'dev0', va: A + 2.5 * u, bytes: 0.5 * u, flags: ['device'], resource: res },
    { op: 'access', tNs: 3000, agent: 'dev0', va: A, bytes: 2 * u, access: 'w', flags: ['synthetic'] },
    { op: 'free', tNs: 4000, agent: 'dev0', va: A + 1.5 * u, bytes: 0.5 * u },
    { op: 'free', tNs: 4000, agent: 'dev0', va: A + 2 * u, bytes: 0.5 * u },
  ]);
  assert.equal(r.ctx.meta.expandable, 'alloc');
  // only the allocations still mapped at the end are reported (as live at the end), nothing overlaps
  assert.deepEqual(semanticCounts(r.batches, path, true), { 'trace.live-at-end': 1 });
  await assert.rejects(importWith(def, path, { expandable: 'vmm' }), /bad value for pytorch-snapshot option expandable/);
});
