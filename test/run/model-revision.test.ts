/**
 * Model revision (SystemDef.revision): part of every run's specHash and recorded in its provenance, so a
 * resumed sweep re-runs the rows an older model revision computed instead of mixing two model versions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweep } from '../../src/analysis/sweep';
import { normalize } from '../../src/run/normalize';
import { run } from '../../src/run/run';
import { listSystemPresets, registerSystemPreset, systemPreset } from '../../src/systems/index';
import type { SystemPreset } from '../../src/sim/system';
import { workloadTrace } from '../../src/workloads/trace';

const FACTS = { name: 't', digest: 'd'.repeat(64), footprintBytes: 64 * 2 ** 20 };
const gmem = systemPreset('gmem-linux')!;

/** A copy of gmem-linux under its own name whose model revision is `revision` (re-registered in place). */
function fixture(revision: number): SystemPreset {
  const p: SystemPreset = { ...gmem, name: 'revision-fixture', def: { ...gmem.def, revision } };
  registerSystemPreset(p, { override: true });
  return p;
}

test('every registered system has an integer revision ≥ 1', () => {
  for (const p of listSystemPresets()) assert.ok(Number.isInteger(p.def.revision) && p.def.revision >= 1, `${p.name}: ${p.def.revision}`);
});

test('the model revision is part of the resolved run and of its specHash', () => {
  fixture(1);
  const [a] = normalize({ system: 'revision-fixture', profile: 'a100-pcie4' }, FACTS);
  fixture(2);
  const [b] = normalize({ system: 'revision-fixture', profile: 'a100-pcie4' }, FACTS);
  assert.equal(a!.modelRevision, 1);
  assert.equal(b!.modelRevision, 2);
  assert.notEqual(a!.specHash, b!.specHash, 'a changed revision changes specHash');
  fixture(1);
  const [c] = normalize({ system: 'revision-fixture', profile: 'a100-pcie4' }, FACTS);
  assert.equal(c!.specHash, a!.specHash, 'same revision, same hash');
});

test('a result records the model and its revision in its provenance', async () => {
  fixture(3);
  const r = await run(workloadTrace('rodinia-bfs'), { system: 'revision-fixture', profile: 'a100-pcie4' });
  assert.equal(r.provenance.model, 'gmem');
  assert.equal(r.provenance.modelRevision, 3);
  assert.equal(r.run.modelRevision, 3);
});

test('a resumed sweep re-runs a row computed by another model revision and keeps the two apart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-revision-'));
  try {
    const out = join(dir, 'r.csv');
    const spec = { traces: [{ workload: 'rodinia-bfs' }], systems: ['revision-fixture'], profiles: ['a100-pcie4'], oversub: [2] };
    fixture(1);
    const first = await sweep(spec, { output: out });
    assert.equal(first.simulated, 1);
    const again = await sweep(spec, { output: out });
    assert.deepEqual([again.simulated, again.resumed], [0, 1], 'same revision: resumed from the file');
    fixture(2);
    const bumped = await sweep(spec, { output: out });
    assert.deepEqual([bumped.simulated, bumped.resumed, bumped.foreignRows], [1, 0, 1], 'new revision: re-run; the old row is foreign');
    const hashes = bumped.table.array('specHash') as string[];
    assert.equal(hashes.length, 1);
    assert.notEqual(hashes[0], first.table.get('specHash', 0), 'the sweep table holds only the new revision\'s row');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
