import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextTick } from '../../src/model/tick';
import { Rng } from '../../src/sim/rng';

function stepped(next: number, interval: number, now: number): number {
  while (now >= next) next += interval;
  return next;
}

test('nextTick equals stepping one interval at a time (the reference), for short and long gaps', () => {
  const rng = new Rng(3);
  for (let k = 0; k < 5000; k++) {
    const interval = 1 + rng.int(1_000_000);
    const next = rng.int(1e9);
    const now = next - 1000 + rng.int(interval * (k % 2 ? 50 : 5000));
    assert.equal(nextTick(next, interval, now), stepped(next, interval, now), `${next} ${interval} ${now}`);
  }
});

test('a clock jump of 2^53 ns costs one step, not billions (found by the fuzz runner: a damaged t_ns hung every run)', () => {
  const t0 = Date.now();
  const t = nextTick(1000, 1000, 2 ** 53 - 1);
  assert.ok(t > 2 ** 53 - 1 && t - 1000 <= 2 ** 53 - 1 + 1000, String(t));
  assert.ok(Date.now() - t0 < 100);
  assert.equal(nextTick(5000, 1000, 4999), 5000, 'not yet due: unchanged');
});
