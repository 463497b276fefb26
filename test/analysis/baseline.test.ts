import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeSlowdownBaseline, ratioToBaseline, slowdown } from '../../src/analysis/baseline';
import { runsTable } from '../../src/analysis/tables';
import { oversubSweep } from './fixtures';

function pick(t: { objects(): object[] }, col: string): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const r of t.objects() as Record<string, unknown>[]) out[`${r.system}@${r.oversub}`] = r[col] as number | null;
  return out;
}

test('ratios against a baseline system are taken within each trace/profile/oversub group', () => {
  const t = ratioToBaseline(runsTable(oversubSweep()), { value: 'simTimeNs', baseline: { system: 'uvm' } });
  const r = pick(t, 'simTimeNsRatio');
  assert.equal(r['uvm@2'], 1);
  assert.equal(r['gmem-linux@2'], 32 / 140); // (10+6+12+4) / (10+30+80+20)
  assert.equal(r['hmm-svm@0.5'], 14.5 / 12.5);
  assert.equal(r['gmem-linux@1.5'], 21 / 44);
});

test('the output column name and the compared value are chosen by the caller; input columns are kept', () => {
  const input = runsTable(oversubSweep());
  const t = ratioToBaseline(input, { value: 'bytesH2D', baseline: { system: 'gmem-linux' }, as: 'h2dVsGmem' });
  assert.deepEqual(t.columnNames(), [...input.columnNames(), 'h2dVsGmem']);
  assert.equal(pick(t, 'h2dVsGmem')['uvm@2'], 80 / 12);
});

test('a group without its baseline row is an error naming the group, or null ratios on request', () => {
  const rows = runsTable(oversubSweep()).objects() as Record<string, unknown>[];
  const noUvmAt2 = rows.filter((r) => !(r.system === 'uvm' && r.oversub === 2));
  assert.throws(() => ratioToBaseline(noUvmAt2, { value: 'simTimeNs', baseline: { system: 'uvm' } }), /no baseline row \(system="uvm"\) in group trace="traces\/hand-made.csv", profile="a100-pcie4", oversub=2, seed=0/);
  const t = ratioToBaseline(noUvmAt2, { value: 'simTimeNs', baseline: { system: 'uvm' }, missing: 'null' });
  assert.equal(pick(t, 'simTimeNsRatio')['gmem-linux@2'], null);
  assert.equal(pick(t, 'simTimeNsRatio')['gmem-linux@1'], 13.5 / 13);
});

test('two baseline rows in one group are an error asking for a finer grouping', () => {
  assert.throws(() => ratioToBaseline(runsTable(oversubSweep()), { value: 'simTimeNs', baseline: { system: 'uvm' }, by: ['profile'] }), /4 baseline rows .* in group profile="a100-pcie4"; add the column that tells them apart/);
});

test('a predicate can select the baseline', () => {
  const t = ratioToBaseline(runsTable(oversubSweep()), { value: 'simTimeNs', baseline: (r) => String(r.system).startsWith('hmm'), by: ['oversub'] });
  assert.equal(pick(t, 'simTimeNsRatio')['uvm@1'], 13 / 15);
});

test('slowdown divides every system by ONE shared baseline by default: the fastest ok run at the lowest oversubscription, named in slowdownBaseline', () => {
  const t = slowdown(runsTable(oversubSweep()));
  const s = pick(t, 'slowdown');
  // at oversub 0.5: gmem-linux 13 ms, uvm 12.5 ms, hmm-svm 14.5 ms → uvm is the baseline for everyone
  assert.equal(s['uvm@0.5'], 1);
  assert.equal(s['gmem-linux@0.5'], 13 / 12.5);
  assert.equal(s['gmem-linux@2'], 32 / 12.5);
  assert.equal(s['hmm-svm@1.5'], 27.5 / 12.5);
  assert.deepEqual([...new Set(t.array('slowdownBaseline') as unknown[])], ['uvm']);
  assert.match(describeSlowdownBaseline(t), /vs uvm at the lowest oversubscription \(one shared baseline/);
});

test('a run with OOM events gets no slowdown and cannot be the shared baseline', () => {
  const runs = oversubSweep().map((r) =>
    r.summary.system === 'uvm' && r.summary.oversub === 0.5 ? { ...r, summary: { ...r.summary, oomEvents: 3, status: 'oom' as const } } : r,
  );
  const t = slowdown(runsTable(runs));
  const s = pick(t, 'slowdown');
  assert.equal(s['uvm@0.5'], null, 'a failed run has no comparable time');
  assert.equal(s['gmem-linux@0.5'], 1, 'the fastest ok run (gmem-linux, 13 ms) is the baseline');
  assert.equal(s['uvm@2'], 140 / 13);
  assert.deepEqual(t.array('status'), runs.map((r) => (r === runs[1] ? 'oom' : 'ok')));
});

test('per-system normalisation compares each system with itself at its lowest oversubscription', () => {
  const s = pick(slowdown(runsTable(oversubSweep()), { normalize: 'per-system' }), 'slowdown');
  assert.equal(s['uvm@0.5'], 1);
  assert.equal(s['uvm@2'], 140 / 12.5); // 11.2x
  assert.equal(s['gmem-linux@2'], 32 / 13);
  assert.equal(s['hmm-svm@1.5'], 27.5 / 14.5);
});

test('slowdown against one configuration of the same benchmark (the ISCA comparison)', () => {
  const s = pick(slowdown(runsTable(oversubSweep()), { baseline: { system: 'uvm', oversub: 0.5 }, by: ['trace', 'profile'] }), 'slowdown');
  assert.equal(s['uvm@0.5'], 1);
  assert.equal(s['gmem-linux@0.5'], 13 / 12.5);
  assert.equal(s['hmm-svm@2'], 43.5 / 12.5);
});

test('a baseline value of zero gives a null ratio rather than Infinity', () => {
  const rows = [{ system: 'a', v: 0 }, { system: 'b', v: 3 }];
  const t = ratioToBaseline(rows, { value: 'v', baseline: { system: 'a' }, by: [] });
  assert.deepEqual(t.array('vRatio'), [null, null]);
});
