import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CostSchedule } from '../../../src/analysis/sweep/schedule';

const drain = (s: CostSchedule): number[] => {
  const out: number[] = [];
  for (let i = s.next(); i !== undefined; i = s.next()) out.push(i);
  return out;
};

test('before any task has finished, tasks come out by cost, ties in index order, whatever their class', () => {
  const cost = [3, 9, 3, 1, 9];
  const cls = ['a', 'b', 'a', 'b', 'a'];
  assert.deepEqual(drain(new CostSchedule(5, (i) => cost[i]!, (i) => cls[i]!)), [1, 4, 0, 2, 3]);
  assert.deepEqual(drain(new CostSchedule(3)), [0, 1, 2], 'no cost: index order');
  assert.deepEqual(drain(new CostSchedule(3, (i) => [Number.NaN, 2, -1][i]!)), [1, 0, 2], 'a cost that is not a positive number counts as 0');
});

test("a finished task teaches its class's time per unit of cost; the longest estimated task goes next", () => {
  // two systems on two traces: "fast" takes 1 ms per event, "slow" 10 ms per event
  // tasks: 0 fast/100 ev, 1 slow/100, 2 fast/50, 3 slow/50, 4 fast/50, 5 slow/40
  const cost = [100, 100, 50, 50, 50, 40];
  const cls = ['fast', 'slow', 'fast', 'slow', 'fast', 'slow'];
  const s = new CostSchedule(6, (i) => cost[i]!, (i) => cls[i]!);
  assert.equal(s.next(), 0); // 100 (index order among the 100s)
  assert.equal(s.next(), 1);
  s.finished(0, 100); // fast: 1 ms/event
  // slow's rate unknown → assumed as slow as the slowest known (1): 2 (50 fast), 3 (50 slow) tie → index 2
  assert.equal(s.next(), 2);
  s.finished(1, 1000); // slow: 10 ms/event
  // estimates now: 3 slow 500, 4 fast 50, 5 slow 400
  assert.equal(s.next(), 3);
  assert.equal(s.next(), 5, 'the slow 40-event run (400 ms) before the fast 50-event one (50 ms)');
  assert.equal(s.next(), 4);
  assert.equal(s.next(), undefined);
  assert.equal(s.remaining, 0);
});

test('a class that has not finished anything is treated as the slowest known, so it is explored early', () => {
  // 0 a/100, 1 a/90, 2 b/80, 3 a/85
  const cost = [100, 90, 80, 85];
  const cls = ['a', 'a', 'b', 'a'];
  const s = new CostSchedule(4, (i) => cost[i]!, (i) => cls[i]!);
  assert.equal(s.next(), 0);
  s.finished(0, 50); // a: 0.5 per unit; b unknown → 0.5
  assert.equal(s.next(), 1); // a 45 vs b 40 vs a(85) 42.5
  assert.equal(s.next(), 3); // a 42.5 vs b 40
  assert.equal(s.next(), 2);
});

test('time per unit is the class total (time over cost), not the last task alone; bad times are ignored', () => {
  const cost = [10, 10, 10, 30, 25];
  const cls = ['a', 'a', 'b', 'a', 'b'];
  const s = new CostSchedule(5, (i) => cost[i]!, (i) => cls[i]!);
  assert.deepEqual([s.next(), s.next(), s.next()], [3, 4, 0]);
  s.finished(3, 30); // a: 30/30 = 1
  s.finished(0, 110); // a: 140/40 = 3.5
  s.finished(4, Number.NaN); // ignored: b still unknown → 3.5
  s.finished(4, 50); // b: 50/25 = 2
  assert.equal(s.next(), 1, 'a 10 × 3.5 = 35 before b 10 × 2 = 20');
  assert.equal(s.next(), 2);
});

test('a busy thread is given a task to hold only while the other remaining work covers it (threads × its estimate)', () => {
  // costs 40, 30, 10, 10, 5, 5 in one class (rate 1 before anything finishes)
  const cost = [40, 30, 10, 10, 5, 5];
  const s = new CostSchedule(6, (i) => cost[i]!);
  // next is 0 (40); the others sum to 60 ≥ 2 × 40 = 80? no
  assert.equal(s.worthHolding(2), false);
  assert.equal(s.worthHolding(1), true, 'one thread: 60 ≥ 40');
  assert.equal(s.next(), 0);
  // next is 1 (30); the others 30 ≥ 60? no
  assert.equal(s.worthHolding(2), false);
  assert.equal(s.next(), 1);
  // next is 2 (10); the others 20 ≥ 20: yes
  assert.equal(s.worthHolding(2), true);
  assert.deepEqual([s.next(), s.next(), s.next()], [2, 3, 4]);
  // next is 5 (5), nothing else left
  assert.equal(s.worthHolding(2), false);
  assert.equal(s.next(), 5);
  assert.equal(s.worthHolding(2), false, 'nothing left');
});

test('holding weighs the learned rates, not the costs alone', () => {
  // 0 slow/10, 1 fast/100, 2 slow/10, 3 slow/10; fast turns out 1 ms per unit, slow 20
  const cost = [10, 100, 10, 10];
  const cls = ['slow', 'fast', 'slow', 'slow'];
  const u = new CostSchedule(4, (i) => cost[i]!, (i) => cls[i]!);
  assert.equal(u.next(), 1); // 100 first (no rates yet)
  u.finished(1, 100);
  assert.equal(u.next(), 0); // slow unknown → as slow as the slowest known (1): ties in index order
  u.finished(0, 200);
  // left: 2 and 3, slow 10 each → 200 ms each
  assert.equal(u.worthHolding(1), true, '200 other ≥ 1 × 200');
  assert.equal(u.worthHolding(2), false, '200 other < 2 × 200');
  // one slow task left and nothing else: never held
  const v = new CostSchedule(3, (i) => [10, 100, 10][i]!, (i) => ['slow', 'fast', 'slow'][i]!);
  assert.equal(v.next(), 1);
  v.finished(1, 100);
  assert.equal(v.next(), 0);
  v.finished(0, 200);
  assert.equal(v.worthHolding(1), false, 'nothing else to keep the other thread busy');
  const w = new CostSchedule(4, (i) => [10, 100, 10, 100][i]!, (i) => ['slow', 'fast', 'slow', 'fast'][i]!);
  assert.equal(w.next(), 1);
  w.finished(1, 100);
  assert.equal(w.next(), 3); // fast 100 (100 ms) vs slow 10 (10 ms while unknown)
  w.finished(3, 100);
  // left: 0 and 2, slow, never finished → as slow as the slowest known (1 per unit): 10 each
  assert.equal(w.worthHolding(1), true);
  assert.equal(w.next(), 0);
  w.finished(0, 200); // slow learned: 20 per unit; left: 2 (200 ms) alone
  assert.equal(w.worthHolding(1), false);
});
