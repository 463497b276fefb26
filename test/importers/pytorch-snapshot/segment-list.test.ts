import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pytorchSnapshotImporter as def } from '../../../src/importers/pytorch-snapshot/index';
import { detectFormat } from '../../../src/importers/index';
import { sniffRealFormat } from '../../../src/importers/real-formats';
import { openInput } from '../../../src/io/input';
import { GmemlabError } from '../../../src/log/diagnostic';
import { importerMessages } from '../../../src/log/messages/importers';
import { events, FIXTURES, importWith } from '../helpers';
import { pickle, type Py } from './pickle-writer';
import { rejectsWith } from '../../helpers/diagnostic';

// torch.cuda.memory_snapshot() (the older API) returns the segments alone: a list of segment dicts with no
// device_traces. PyTorch's own viewer reads such a pickle as {'segments': data, 'traces': []}
// (torch/cuda/_memory_viz.py `_read`); gmemlab reads it as a snapshot whose segments all existed before the trace.
const dir = mkdtempSync(join(tmpdir(), 'gmemlab-snap-list-'));
const MiB = 1024 * 1024;

/** A segment dict with the keys, in the order, of torch/csrc/cuda/Module.cpp `segmentInfoToDict`. */
function segment(device: number, address: number, totalSize: number, type: 'large' | 'small'): Py {
  return {
    device,
    address,
    total_size: totalSize,
    allocated_size: 512,
    active_size: 512,
    requested_size: 500,
    stream: 0,
    segment_type: type,
    is_expandable: false,
    frames: [],
    blocks: [
      { address, size: 512, requested_size: 500, state: 'active_allocated', frames: [] },
      { address: address + 512, size: totalSize - 512, requested_size: 0, state: 'inactive', frames: [] },
    ],
  };
}

const A = 0x7f5a00000000;
const B = 0x7f5a01400000;
/** Two segments of cuda:0, a large one of 20 MiB and a small one of 2 MiB. */
const LIST = [segment(0, A, 20 * MiB, 'large'), segment(0, B, 2 * MiB, 'small')];

function write(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

test('a pickled memory_snapshot() segment list is claimed by pytorch-snapshot alone and imports as its segments at t=0, saying it has no allocator history', async () => {
  for (const protocol of [4, 2] as const) {
    const path = write(`list-p${protocol}.pkl`, pickle(LIST, protocol));
    const input = await openInput(path);
    assert.deepEqual(sniffRealFormat(input.head, path).map((d) => d.name), ['pytorch-snapshot'], `protocol ${protocol}: exactly one importer claims it`);
    assert.equal(detectFormat(input).name, 'pytorch-snapshot');
    const r = await importWith(def, path);
    // each dumped segment is an allocation that existed before the (absent) trace, in the list's order
    assert.deepEqual(events(r), [
      { op: 'alloc', tNs: 0, agent: 'dev0', va: A, bytes: 20 * MiB, flags: ['managed', 'preexisting'], resource: `seg@0x${A.toString(16)}` },
      { op: 'alloc', tNs: 0, agent: 'dev0', va: B, bytes: 2 * MiB, flags: ['managed', 'preexisting'], resource: `seg@0x${B.toString(16)}` },
    ]);
    assert.equal(r.ctx.meta.snapshot_form, 'pickle');
    assert.equal(r.ctx.meta.allocator_history, 'none');
    assert.equal(r.ctx.meta.devices, 'dev0');
    assert.equal(r.ctx.meta.device_map, 'dev0=gpu0');
    assert.equal(r.ctx.log.count('importer.preexisting'), 1);
    const info = r.ctx.log.examples().find((d) => d.code === importerMessages.noMemoryEvents.code);
    assert.match(info?.message ?? '', /^the trace has no allocator history: the file is a torch\.cuda\.memory_snapshot\(\) segment list/);
  }
});

test('a segment list imports to the events of the dict snapshot without history that holds the same segments', async () => {
  const list = await importWith(def, write('same-list.pkl', pickle(LIST)));
  const dict = await importWith(def, write('same-dict.pickle', pickle({ segments: LIST, device_traces: [[]] })));
  assert.deepEqual(events(list), events(dict));
  assert.equal(dict.ctx.meta.allocator_history, 'none');
  // the dict says its history is missing in its own words
  assert.match(dict.ctx.log.examples().find((d) => d.code === importerMessages.noMemoryEvents.code)!.message, /no device trace entries \(was _record_memory_history enabled\?\)/);
});

test('a segment list of cuda:1 (all its segments on device 1) imports on dev0, device_map dev0=gpu1', async () => {
  const r = await importWith(def, write('list-dev1.pkl', pickle([segment(1, A, 20 * MiB, 'large')])));
  assert.deepEqual(events(r), [{ op: 'alloc', tNs: 0, agent: 'dev0', va: A, bytes: 20 * MiB, flags: ['managed', 'preexisting'], resource: `seg@0x${A.toString(16)}` }]);
  assert.equal(r.ctx.meta.devices, 'dev0');
  assert.equal(r.ctx.meta.device_map, 'dev0=gpu1');
});

test('a pickled list is claimed only when its head holds segment keys (total_size and segment_type); a list of something else is not', async () => {
  const claimed = async (v: Py): Promise<string[]> => {
    const path = write('other.pkl', pickle(v));
    return sniffRealFormat((await openInput(path)).head, path).map((d) => d.name);
  };
  assert.deepEqual(await claimed([1, 2, 3]), []);
  assert.deepEqual(await claimed([{ name: 'w', total_size: 4 }]), [], 'total_size alone is not a segment');
  assert.deepEqual(await claimed([{ segment_type: 'large' }]), [], 'segment_type alone is not a segment');
  assert.deepEqual(await claimed([]), [], 'an empty list');
  // a list whose dicts say 'segments' is still not a snapshot dict
  assert.deepEqual(await claimed([{ segments: [], device_traces: [] }]), []);
});

test('with --from pytorch-snapshot, a list element that is not a segment is bad input naming its index and field', async () => {
  const numbers = write('numbers.pkl', pickle([7, 8]));
  await rejectsWith(importWith(def, numbers), { code: importerMessages.badField.code, field: '[0]', expected: 'a segment dict', found: 'number' });
  const { total_size: _drop, ...noSize } = LIST[1] as Record<string, Py>;
  const missing = write('no-size.pkl', pickle([LIST[0]!, noSize]));
  await assert.rejects(importWith(def, missing), (e: unknown) => {
    assert.ok(e instanceof GmemlabError);
    assert.equal(e.diagnostic.field, '[1].total_size');
    assert.equal(e.diagnostic.found, 'nothing (field missing)');
    return true;
  });
  // neither a dict nor a list: not a snapshot, and the message says both shapes
  await assert.rejects(importWith(def, write('int.pkl', pickle(5))), (e: unknown) => {
    assert.ok(e instanceof GmemlabError);
    assert.equal(e.diagnostic.code, importerMessages.notThisFormat.code);
    assert.equal(e.diagnostic.expected, 'a dict with segments and device_traces, or a list of segment dicts (torch.cuda.memory_snapshot())');
    return true;
  });
});

// The same segment list saved as JSON: json.dump(torch.cuda.memory_snapshot()). The fixture is LIST by hand, in the
// keys of segmentInfoToDict (plus segment_pool_id), with a block's frames holding a local path.
const JSON_LIST = join(FIXTURES, 'pytorch-snapshot', 'memory-snapshot-segments.json');

test('a JSON memory_snapshot() segment list is claimed by pytorch-snapshot alone and imports to the events of the pickled list', async () => {
  const input = await openInput(JSON_LIST);
  assert.deepEqual(sniffRealFormat(input.head, JSON_LIST).map((d) => d.name), ['pytorch-snapshot']);
  assert.equal(detectFormat(input).name, 'pytorch-snapshot');
  const json = await importWith(def, JSON_LIST);
  const pickled = await importWith(def, write('json-twin.pkl', pickle(LIST)));
  assert.deepEqual(events(json), events(pickled));
  assert.equal(json.ctx.meta.snapshot_form, 'json');
  assert.equal(json.ctx.meta.allocator_history, 'none');
  assert.deepEqual(json.ctx.log.countsByCode(), pickled.ctx.log.countsByCode());
  assert.match(json.ctx.log.examples().find((d) => d.code === importerMessages.noMemoryEvents.code)!.message, /the file is a torch\.cuda\.memory_snapshot\(\) segment list/);
  assert.ok(!JSON.stringify(json.ctx.meta).includes('/home/someone'), 'frames are dropped');
});

test('a JSON list is claimed only when it is a list of dicts with segment keys: sorted keys too, never a Chrome trace, a timeline or another list', async () => {
  const claimed = async (name: string, text: string): Promise<string[]> => {
    const path = write(name, Buffer.from(text));
    return sniffRealFormat((await openInput(path)).head, path).map((d) => d.name);
  };
  // json.dump(…, sort_keys=True): a segment's blocks (here 8 KiB of them) come before total_size and segment_type
  const sortedKeys = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sortedKeys) : v !== null && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sortedKeys(x)])) : v;
  const blocks = Array.from({ length: 80 }, (_, i) => ({ address: A + i * 512, size: 512, requested_size: 512, state: 'active_allocated', frames: [] }));
  const sorted = JSON.stringify(sortedKeys([{ ...(LIST[0] as object), blocks }]));
  assert.ok(sorted.indexOf('"segment_type"') > 4096);
  assert.deepEqual(await claimed('sorted.json', sorted), ['pytorch-snapshot']);
  assert.deepEqual(await claimed('bom.json', `\ufeff ${JSON.stringify(LIST)}`), ['pytorch-snapshot']);
  // other JSON lists and the JSON formats of other importers stay theirs
  assert.deepEqual(await claimed('chrome.json', JSON.stringify([{ ph: 'X', ts: 1, dur: 2, name: 'k', pid: 1, tid: 1 }])), ['kineto']);
  assert.deepEqual(await claimed('timeline.json', '[[1700000000000000, 1, 140024523784192, 3], [1700000000000010, 2, 140024523784192, 3]]'), ['pytorch-timeline']);
  for (const f of ['kineto/current-pytorch-2.json', 'kineto/legacy-pytorch-1.9.json', 'vma-json/vma2-detailed-map.json']) {
    const path = join(FIXTURES, f);
    assert.deepEqual(sniffRealFormat((await openInput(path)).head, path).map((d) => d.name), [f.startsWith('kineto') ? 'kineto' : 'vma-json'], f);
  }
  assert.deepEqual(await claimed('numbers.json', '[1, 2, 3]'), []);
  assert.deepEqual(await claimed('empty.json', '[]'), []);
  assert.deepEqual(await claimed('size-only.json', '[{"name": "w", "total_size": 4}]'), [], 'total_size alone is not a segment');
});

test('with --from pytorch-snapshot, a JSON list element that is not a segment, or a JSON object of neither shape, is a located error', async () => {
  const list = write('bad-list.json', Buffer.from(`[\n ${JSON.stringify(LIST[0])},\n 7\n]`));
  await rejectsWith(importWith(def, list), { code: importerMessages.badField.code, line: 3, col: 2, field: '[1]', expected: 'a segment dict', found: 'number' });
  const { total_size: _drop, ...noSize } = LIST[1] as Record<string, Py>;
  const missing = write('no-size.json', Buffer.from(`[\n${JSON.stringify(LIST[0])},\n${JSON.stringify(noSize)}\n]`));
  await rejectsWith(importWith(def, missing), { code: importerMessages.badField.code, line: 3, col: 1, field: '[1].total_size', found: 'nothing (field missing)' });
  const other = write('other.json', Buffer.from('{"name": "not a snapshot", "values": [1, 2]}'));
  await rejectsWith(importWith(def, other), {
    code: importerMessages.notThisFormat.code,
    line: 1,
    col: 1,
    expected: 'a JSON object with segments and device_traces, or a list of segment dicts (torch.cuda.memory_snapshot())',
    found: 'neither',
  });
});
