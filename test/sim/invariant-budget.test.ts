import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INVARIANT_VISITS_PER_ROW, InvariantBudget } from '../../src/sim/invariant-budget';

test('a check that costs at most one row\'s visits runs after every row', () => {
  const b = new InvariantBudget();
  const runs = Array.from({ length: 5 }, () => b.due(INVARIANT_VISITS_PER_ROW));
  assert.deepEqual(runs, [true, true, true, true, true]);
  assert.equal(b.fullChecks, 5);
});

test('a check costing 2.5 rows of visits runs on every third row (the credit restarts at 0 after each)', () => {
  const b = new InvariantBudget();
  const cost = 2.5 * INVARIANT_VISITS_PER_ROW;
  const runs = Array.from({ length: 9 }, () => b.due(cost));
  // credit after the row: 1, 2, 3 (≥ 2.5: run, back to 0), 1, 2, 3 (run), …
  assert.deepEqual(runs, [false, false, true, false, false, true, false, false, true]);
  assert.equal(b.fullChecks, 3);
});

test('checkAllNext makes the next call run whatever the cost, once (the check after finish)', () => {
  const b = new InvariantBudget();
  const cost = 100 * INVARIANT_VISITS_PER_ROW;
  assert.equal(b.due(cost), false);
  b.checkAllNext();
  assert.equal(b.due(cost), true);
  assert.equal(b.due(cost), false, 'back to the budget; the credit restarted');
  assert.equal(b.fullChecks, 1);
});
