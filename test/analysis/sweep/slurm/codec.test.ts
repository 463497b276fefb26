import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJson, encodeJson } from '../../../../src/analysis/sweep/slurm/codec';
import { arrayRanges, shq } from '../../../../src/analysis/sweep/slurm/scheduler';
import { ResultRows } from '../../../../src/analysis/sweep/results-file';

test('rows survive the sweep directory exactly: -0, NaN, ±Infinity and undefined cells are kept', () => {
  const row = { specHash: 'h', a: -0, b: NaN, c: Infinity, d: -Infinity, e: undefined, f: 0.1 + 0.2, g: null, h: 'x', nested: [1, -0, { k: undefined }] };
  const back = decodeJson(encodeJson(row)) as typeof row;
  assert.ok(Object.is(back.a, -0));
  assert.ok(Number.isNaN(back.b));
  assert.equal(back.c, Infinity);
  assert.equal(back.d, -Infinity);
  assert.ok('e' in back && back.e === undefined);
  assert.equal(back.f, 0.30000000000000004);
  assert.equal(back.g, null);
  assert.ok(Object.is(back.nested[1], -0));
  assert.deepEqual(Object.keys(back), Object.keys(row)); // key order kept: column order of the results file
  // plain JSON would change the CSV: NaN → empty cell; the codec keeps the local backend's text
  const viaCodec = new ResultRows();
  viaCodec.add(decodeJson(encodeJson({ specHash: 'h', simTimeNs: NaN })) as never);
  const direct = new ResultRows();
  direct.add({ specHash: 'h', simTimeNs: NaN } as never);
  assert.equal(viaCodec.text('csv'), direct.text('csv'));
  // a user value that looks like a tag but is not one is left alone
  assert.deepEqual(decodeJson('{"$gmemlab":"other"}'), { $gmemlab: 'other' });
});

test('array index lists are compressed into sbatch ranges; paths are shell-quoted only when needed', () => {
  assert.equal(arrayRanges([0, 1, 2, 3]), '0-3');
  assert.equal(arrayRanges([7, 0, 2, 1, 9, 10]), '0-2,7,9-10');
  assert.equal(arrayRanges([5]), '5');
  assert.equal(shq('/shared/sweeps/a-1'), '/shared/sweeps/a-1');
  assert.equal(shq("/my dir/it's"), `'/my dir/it'\\''s'`);
});
