import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pytorchTimelineImporter as def } from '../../../src/importers/pytorch-timeline/index';
import { events, importWith } from '../helpers';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-timeline-'));
// timestamps ~1.7e18 ns: JSON.parse would round them to multiples of 256 ns
const T = '1696966047096061874';
const TEXT = `[[-1, 1, 4096, 0], [${T}, 2, 1000, 4], [1696966047096061875, 3, -1000, 4], [1696966047096061875, 3, 1000, 5], [1696966047096062001, 4, -4096, 0], [1696966047096062002, 4, -1000, 5]]`;

test('timeline: BigInt-exact timestamps rebased; no events by default, only a bytes-by-category timeline', async () => {
  const path = join(dir, 't.raw.json.gz');
  writeFileSync(path, gzipSync(TEXT));
  assert.ok(def.sniff(Buffer.from(TEXT)));
  const r = await importWith(def, path);
  assert.equal(r.rows, 0);
  assert.equal(r.ctx.meta.origin_unix_ns, T);
  assert.deepEqual(r.ctx.observations.get('memory_timeline'), [
    { tNs: 0, category: 'PARAMETER', bytes: 4096 },
    { tNs: 0, category: 'ACTIVATION', bytes: 1000 },
    { tNs: 1, category: 'ACTIVATION', bytes: 0 },
    { tNs: 1, category: 'GRADIENT', bytes: 1000 },
    { tNs: 127, category: 'PARAMETER', bytes: 0 },
    { tNs: 128, category: 'GRADIENT', bytes: 0 },
  ]);
});

test('timeline layout=bump: synthetic addresses, INCREMENT_VERSION pair → write, DESTROY → free of the matching tensor', async () => {
  const path = join(dir, 't.raw.json.gz');
  writeFileSync(path, gzipSync(TEXT));
  const r = await importWith(def, path, { layout: 'bump' });
  const A = 0x7f0000000000;
  assert.deepEqual(events(r), [
    { op: 'alloc', tNs: 0, agent: 'dev0', va: A, bytes: 4096, flags: ['managed', 'synthetic', 'preexisting'] },
    { op: 'alloc', tNs: 0, agent: 'dev0', va: A + 4096, bytes: 1000, flags: ['managed', 'synthetic'] },
    { op: 'access', tNs: 0, agent: 'dev0', va: A + 4096, bytes: 1000, access: 'w', flags: ['synthetic'] },
    { op: 'access', tNs: 1, agent: 'dev0', va: A + 4096, bytes: 1000, access: 'w', flags: ['synthetic'] },
    { op: 'free', tNs: 127, agent: 'dev0', va: A, bytes: 4096 },
    { op: 'free', tNs: 128, agent: 'dev0', va: A + 4096, bytes: 1000 },
  ]);
});

test('timeline: a malformed tuple is a located error', async () => {
  const path = join(dir, 'bad.json');
  writeFileSync(path, '[[1, 2, 3, 4],\n [1, 9, 3, 4]]');
  await assert.rejects(importWith(def, path), /bad\.json:2:2: bad field value \(field 'action'/);
  writeFileSync(path, '[[1, 2, 3, 4],\n [1, 2, 3]]');
  await assert.rejects(importWith(def, path), /bad\.json:2:2: malformed timeline tuple/);
});
