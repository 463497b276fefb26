import { test } from 'node:test';
import assert from 'node:assert/strict';
import { counterFamilyTable } from '../../src/analysis/counter-family';

const runs = [
  { system: 'gmem-linux', 'extra.inexpressibleBinds': 5, 'extra.inexpressibleNull': 3, 'extra.inexpressibleCompressed': 2, 'extra.honouredNull': null },
  { system: 'gpuvm-sparse', 'extra.inexpressibleBinds': null, 'extra.inexpressibleNull': null, 'extra.inexpressibleCompressed': null, 'extra.honouredNull': 3 },
];

test('a counter family becomes one row per run and member, named after the prefix; null members (other systems) are left out', () => {
  const t = counterFamilyTable(runs, { prefix: 'extra.inexpressible', exclude: ['extra.inexpressibleBinds'], nameAs: 'flag', valueAs: 'binds' });
  assert.deepEqual(t.objects(), [
    { system: 'gmem-linux', flag: 'null', binds: 3 },
    { system: 'gmem-linux', flag: 'compressed', binds: 2 },
  ]);
  assert.deepEqual(counterFamilyTable(runs, { prefix: 'extra.honoured', keep: [] }).objects(), [{ name: 'null', value: 3 }]);
});

test('a prefix no column has gives an empty table with the output columns', () => {
  const t = counterFamilyTable(runs, { prefix: 'extra.none' });
  assert.equal(t.numRows(), 0);
  assert.deepEqual(t.columnNames(), ['system', 'name', 'value']);
});
