import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchBuilder, batchesToEvents, type EventBatch } from '../../src/trace/batch';
import { Op } from '../../src/trace/event';
import { isTimeOrdered, sortByTime, sortedByTime } from '../../src/trace/sort';
import { StringTable } from '../../src/trace/strings';

/** Batches of the given lengths holding rows (tNs, va) in order. */
function batchesOf(strings: StringTable, lengths: readonly number[], rows: ReadonlyArray<readonly [number, number]>): EventBatch[] {
  const out: EventBatch[] = [];
  let k = 0;
  for (const n of lengths) {
    const b = new BatchBuilder(strings, Math.max(1, n));
    for (let i = 0; i < n; i++, k++) b.addRow(Op.access, rows[k]![0], 1, rows[k]![1], 1);
    out.push(b.take());
  }
  return out;
}

const ROWS = [[5, 1], [1, 2], [5, 3], [0, 4], [1, 5]] as const;
const SORTED = [[0, 4], [1, 2], [1, 5], [5, 1], [5, 3]];

test('sortByTime is stable for uniform and uneven input batches and re-batches to `rows`', () => {
  for (const lengths of [[2, 2, 1], [1, 3, 1], [0, 5], [5], [3, 2]]) {
    const strings = new StringTable();
    const out = sortByTime(batchesOf(strings, lengths, ROWS), strings, 2);
    assert.deepEqual(out.map((b) => b.length), [2, 2, 1], `lengths ${lengths}`);
    assert.deepEqual(batchesToEvents(out).map((e) => [e.tNs, e.va]), SORTED, `lengths ${lengths}`);
  }
});

test('sortByTime of no rows is one empty batch; sortedByTime yields nothing', () => {
  const strings = new StringTable();
  assert.deepEqual(sortByTime([], strings).map((b) => b.length), [0]);
  assert.deepEqual([...sortedByTime(batchesOf(strings, [0], []), strings)], []);
});

test('isTimeOrdered compares consecutive rows across batch boundaries', () => {
  const strings = new StringTable();
  assert.equal(isTimeOrdered(batchesOf(strings, [2, 1], [[0, 1], [1, 1], [1, 1]])), true);
  assert.equal(isTimeOrdered(batchesOf(strings, [2, 1], [[0, 1], [2, 1], [1, 1]])), false);
  assert.equal(isTimeOrdered([]), true);
});
