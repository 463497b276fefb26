import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweep, type SweepSpec } from '../../../src/analysis/sweep';
import { fixtureBackend } from './fixture-backend';

const SPEC: SweepSpec = { traces: ['t1.csv', 't2.csv'], systems: ['gmem-linux', 'uvm', 'hmm-svm'], oversub: [1, 2] };

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'gmemlab-sweep-'));
}

test('results are byte-identical for 1 and 2 worker threads and across repeated runs', async () => {
  const dir = tmp();
  try {
    const texts: string[] = [];
    const tables: string[] = [];
    for (const [k, workers] of [1, 2, 1].entries()) {
      const out = await sweep(SPEC, { workers, output: join(dir, `r${k}.csv`), backend: fixtureBackend(5), baseDir: dir });
      assert.equal(out.simulated, 12);
      texts.push(readFileSync(join(dir, `r${k}.csv`), 'utf8'));
      tables.push(JSON.stringify(out.table.objects()));
      assert.deepEqual(out.results.map((r) => r.point.index), [...Array(12).keys()]);
    }
    assert.equal(texts[1], texts[0]);
    assert.equal(texts[2], texts[0]);
    assert.equal(tables[1], tables[0]);
    const json1 = await sweep(SPEC, { workers: 1, output: join(dir, 'j1.json'), backend: fixtureBackend(), baseDir: dir });
    const json2 = await sweep(SPEC, { workers: 2, output: join(dir, 'j2.json'), backend: fixtureBackend(), baseDir: dir });
    assert.equal(json1.simulated + json2.simulated, 24);
    assert.equal(readFileSync(join(dir, 'j2.json'), 'utf8'), readFileSync(join(dir, 'j1.json'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rows already in the results file are not run again, and the resumed file equals a fresh one', async () => {
  const dir = tmp();
  try {
    const fresh = join(dir, 'fresh.csv');
    await sweep(SPEC, { output: fresh, backend: fixtureBackend(), baseDir: dir });
    const file = join(dir, 'resumed.csv');
    const part = await sweep({ ...SPEC, systems: ['uvm'] }, { output: file, backend: fixtureBackend(), baseDir: dir });
    assert.equal(part.simulated, 4);
    const started: string[] = [];
    const rest = await sweep(SPEC, { output: file, backend: fixtureBackend(), baseDir: dir, onProgress: (p) => p.finished && started.push(p.finished.system) });
    assert.equal(rest.resumed, 4);
    assert.equal(rest.simulated, 8);
    assert.ok(!started.includes('uvm'));
    assert.equal(rest.table.numRows(), 12);
    assert.equal(readFileSync(file, 'utf8'), readFileSync(fresh, 'utf8'));
    const again = await sweep(SPEC, { output: file, backend: fixtureBackend(), baseDir: dir });
    assert.equal(again.simulated, 0);
    assert.equal(again.resumed, 12);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rows of other sweeps in the results file are kept after this sweep\'s rows', async () => {
  const dir = tmp();
  try {
    const file = join(dir, 'r.csv');
    await sweep({ traces: ['other.csv'], systems: ['uvm'] }, { output: file, backend: fixtureBackend(), baseDir: dir });
    const out = await sweep(SPEC, { output: file, backend: fixtureBackend(), baseDir: dir });
    assert.equal(out.foreignRows, 1);
    assert.equal(out.table.numRows(), 12, 'the returned table holds only this sweep');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 1 + 13);
    assert.ok(lines[13]!.startsWith('other.csv,uvm,'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const workers of [1, 2]) {
  test(`an interrupted sweep (${workers} worker${workers > 1 ? 's' : ''}) keeps every finished run, leaves no partial file, and resumes to the same bytes`, async () => {
    const dir = tmp();
    try {
      const fresh = join(dir, 'fresh.csv');
      await sweep(SPEC, { output: fresh, backend: fixtureBackend(), baseDir: dir, workers });
      const file = join(dir, 'r.csv');
      const ac = new AbortController();
      const out = await sweep(SPEC, {
        output: file,
        workers,
        backend: fixtureBackend(150),
        baseDir: dir,
        signal: ac.signal,
        onProgress: (p) => {
          if (p.done >= 3) ac.abort(new Error('SIGINT'));
        },
      });
      assert.equal(out.interrupted, true);
      assert.ok(out.simulated >= 3 && out.simulated < 12, `finished ${out.simulated}`);
      assert.equal(out.pending.length, 12 - out.simulated);
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      assert.equal(lines.length, 1 + out.simulated, 'the file holds exactly the finished runs');
      assert.deepEqual(readdirSync(dir).sort(), ['fresh.csv', 'r.csv'], 'no temporaries');
      const rest = await sweep(SPEC, { output: file, backend: fixtureBackend(), baseDir: dir, workers });
      assert.equal(rest.resumed, out.simulated);
      assert.equal(readFileSync(file, 'utf8'), readFileSync(fresh, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('progress reports every finished run with the totals', async () => {
  const seen: string[] = [];
  await sweep({ traces: ['t'], systems: ['a', 'b', 'c'] }, { backend: fixtureBackend(), onProgress: (p) => p.finished && seen.push(`${p.done}/${p.total} ${p.finished.system}`) });
  assert.deepEqual(seen, ['1/3 a', '2/3 b', '3/3 c']);
});
