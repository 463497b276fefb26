import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadReference } from '../../../src/analysis/reference';
import { DEBATE_CLAIMS, debateVerdicts, type DebateOutcome } from '../../../src/figures/debate/index';
import { GmemlabError } from '../../../src/log/diagnostic';

/** debateVerdicts at quick scale (~2 s CPU), computed once: the contract of every claim row and hand checks. */
let out: DebateOutcome;
before(async () => {
  out = await debateVerdicts({ scale: 'quick' });
});

test('one row per claim experiment, each a claim of rfc-thread-claims.csv with its author and sourcing from there', () => {
  const ref = loadReference('rfc-thread-claims').rows;
  assert.deepEqual(out.rows.map((r) => r.claim), DEBATE_CLAIMS.map((c) => c.id));
  assert.ok(out.rows.length >= 7, 'the seven claims issue 8 names');
  for (const r of out.rows) {
    const c = ref.find((x) => x.claim === r.claim)!;
    assert.ok(c, `${r.claim} in the reference table`);
    assert.equal(r.statement, c.statement);
    assert.equal(r.who, c.who);
    assert.equal(r.sourcing, c.status);
  }
});

test('every verdict is supported, contradicted or "depends on X" with the X, and cites the specHash of runs in its evidence', () => {
  for (const res of out.results) {
    const r = res.row;
    assert.ok(['supported', 'contradicted', 'depends'].includes(r.verdict), r.claim);
    assert.equal(r.dependsOn.length > 0, r.verdict === 'depends', `${r.claim}: dependsOn given exactly for 'depends'`);
    assert.ok(r.specHashes.length >= 2, `${r.claim}: at least two runs compared`);
    const inData = new Set(res.data.flatMap((d) => Object.entries(d).filter(([k]) => /specHash$/i.test(k)).map(([, v]) => String(v))));
    for (const h of r.specHashes) {
      assert.match(h, /^[0-9a-f]{64}$/);
      assert.ok(inData.has(h), `${r.claim}: cited run ${h.slice(0, 10)} is in the evidence table`);
    }
    assert.ok(r.experiment.length > 20 && r.assumptions.length > 10 && r.result.length > 20, r.claim);
    assert.ok(res.charts.length >= 1, `${r.claim}: a chart`);
  }
});

test('copy-on-write: HMM mirroring and 4 KiB GMEM units pay one CPU round trip per written page; 2 MiB units fewer', () => {
  const cow = out.results.find((r) => r.row.claim === 'cow-round-trip')!;
  const by = (s: string) => cow.data.find((d) => d.system === s)!;
  const pages = by('hmm-svm').writtenPages as number;
  assert.equal(pages, 64, 'quick scale writes 64 pages');
  assert.equal(by('hmm-svm').roundTrips, pages);
  assert.equal(by('gmem-linux:unitBytes=4096').roundTrips, pages);
  assert.ok((by('gmem-linux').roundTrips as number) < pages);
  assert.equal(cow.row.verdict, 'depends');
});

test('an unknown claim id is an error', async () => {
  await assert.rejects(debateVerdicts({ scale: 'quick', only: ['nope'] }), (e: unknown) => e instanceof GmemlabError && /unknown debate claim 'nope'.*cow-round-trip/.test(e.message));
});
