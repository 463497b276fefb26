import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntervalSet } from '../../src/model/interval-set';

test('intervals are found by any address inside, overlaps are refused, coverage needs no gaps', () => {
  const s = new IntervalSet<string>();
  assert.ok(s.insert(100, 200, 'a'));
  assert.ok(s.insert(200, 300, 'b'));
  assert.ok(!s.insert(150, 250, 'x'));
  assert.ok(!s.insert(50, 101, 'x'));
  assert.equal(s.find(100)?.value, 'a');
  assert.equal(s.find(199)?.value, 'a');
  assert.equal(s.find(200)?.value, 'b');
  assert.equal(s.find(300), undefined);
  assert.equal(s.find(99), undefined);
  assert.ok(s.covers(120, 280));
  assert.ok(!s.covers(120, 301));
  assert.deepEqual(s.overlapping(150, 250).map((i) => i.value), ['a', 'b']);
  assert.equal(s.remove(100)?.value, 'a');
  assert.equal(s.find(150), undefined);
  assert.equal(s.remove(100), undefined);
});

/** The reference: one sorted array, every operation by a linear scan. */
class NaiveIntervals {
  items: { start: number; end: number; value: number }[] = [];
  insert(start: number, end: number, value: number): boolean {
    if (!(end > start) || this.items.some((it) => it.start < end && start < it.end)) return false;
    this.items.push({ start, end, value });
    this.items.sort((a, b) => a.start - b.start);
    return true;
  }
  remove(start: number) {
    const i = this.items.findIndex((it) => it.start === start);
    return i < 0 ? undefined : this.items.splice(i, 1)[0];
  }
  find(x: number) {
    return this.items.find((it) => it.start <= x && x < it.end);
  }
  at(start: number) {
    return this.items.find((it) => it.start === start);
  }
  overlapping(start: number, end: number) {
    return this.items.filter((it) => it.start < end && start < it.end);
  }
}

test('agrees with a linear-scan reference on random inserts, removals and queries across many chunks', () => {
  let x = 12345;
  const rnd = (n: number): number => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % n;
  };
  const s = new IntervalSet<number>();
  const ref = new NaiveIntervals();
  const SPACE = 40_000;
  for (let op = 0; op < 30_000; op++) {
    const k = rnd(10);
    const a = rnd(SPACE);
    if (k < 6) {
      // inserts dominate early, so the set grows to thousands of intervals (many chunks), then shrinks
      const len = 1 + rnd(op < 15_000 ? 8 : 30);
      assert.equal(s.insert(a, a + len, op), ref.insert(a, a + len, op), `insert ${a}`);
    } else if (k < 8 || op > 20_000) {
      const start = ref.items.length > 0 && rnd(2) === 0 ? ref.items[rnd(ref.items.length)]!.start : a;
      assert.deepEqual(s.remove(start), ref.remove(start), `remove ${start}`);
    } else {
      assert.deepEqual(s.find(a), ref.find(a), `find ${a}`);
      assert.deepEqual(s.at(a), ref.at(a), `at ${a}`);
      const b = a + rnd(200);
      assert.deepEqual(s.overlapping(a, b), ref.overlapping(a, b), `overlapping ${a} ${b}`);
      assert.equal(s.covers(a, b + 1), ref.items.length > 0 && coveredByRef(ref, a, b + 1), `covers ${a} ${b + 1}`);
    }
    assert.equal(s.size, ref.items.length);
  }
  assert.deepEqual(s.list(), ref.items);
});

function coveredByRef(ref: NaiveIntervals, start: number, end: number): boolean {
  let p = start;
  while (p < end) {
    const it = ref.find(p);
    if (it === undefined) return false;
    p = it.end;
  }
  return true;
}

test('200,000 intervals inserted and removed in random order: the result is the reference order', () => {
  const n = 200_000;
  const starts = Array.from({ length: n }, (_, i) => i * 2);
  let x = 7;
  for (let i = n - 1; i > 0; i--) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const j = x % (i + 1);
    [starts[i], starts[j]] = [starts[j]!, starts[i]!];
  }
  const s = new IntervalSet<number>();
  for (const a of starts) assert.ok(s.insert(a, a + 1, a));
  assert.equal(s.size, n);
  const l = s.list();
  for (let i = 0; i < n; i++) assert.equal(l[i]!.start, i * 2);
  for (const a of starts) assert.equal(s.remove(a)?.value, a);
  assert.equal(s.size, 0);
  assert.deepEqual(s.list(), []);
});
