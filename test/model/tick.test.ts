import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextTick, nextUp } from '../../src/model/tick';
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

/**
 * An interval that counts how often nextTick uses it (every step adds it once) and gives up after `budget`
 * uses: the work of one call is bounded in steps, not in elapsed time.
 */
function countingInterval(value: number, budget: number): { interval: number; uses: () => number } {
  let uses = 0;
  const interval = {
    valueOf(): number {
      if (++uses > budget) throw new Error(`nextTick took more than ${budget} steps`);
      return value;
    },
  };
  return { interval: interval as unknown as number, uses: () => uses };
}

test('a clock jump of 2^53 ns costs a few steps, not billions (found by the fuzz runner: a damaged t_ns hung every run)', () => {
  const c = countingInterval(1000, 1000);
  const t = nextTick(1000, c.interval, 2 ** 53 - 1);
  assert.ok(t > 2 ** 53 - 1 && t - 1000 <= 2 ** 53 - 1 + 1000, String(t));
  // one division, one multiplication, at most a few rounding steps (stepping would need 9·10^12)
  assert.ok(c.uses() <= 6, `${c.uses()} steps`);
  // the reference loop needs one step per interval: a gap of 50 intervals takes 50 steps (the counter counts)
  const short = countingInterval(1000, 1000);
  assert.equal(nextTick(1000, short.interval, 50_999), 51_000);
  assert.ok(short.uses() >= 50, `${short.uses()} steps for 50 intervals`);
  assert.equal(nextTick(5000, 1000, 4999), 5000, 'not yet due: unchanged');
});

test('an interval below the resolution of the clock still gives a tick after it, in a few steps (--set link.latencyNs=1e300 looped for ever)', () => {
  for (const [next, now] of [
    [1000, 1e300],
    [1e300, 1e300], // the clock exactly at a tick: the old short-gap loop added 1000 to 1e300 for ever
    [5e21, 5e21 + 2 ** 20],
  ] as const) {
    const c = countingInterval(1000, 100);
    const t = nextTick(next, c.interval, now);
    assert.ok(t > now, `${next} ${now}: ${t}`);
    assert.equal(t, nextUp(now), 'the next double after the clock');
  }
  assert.equal(nextTick(1000, 1000, Infinity), Infinity);
});

test('nextUp is the next double', () => {
  assert.equal(nextUp(1), 1 + Number.EPSILON);
  assert.equal(nextUp(0), Number.MIN_VALUE);
  assert.equal(nextUp(-Number.MIN_VALUE), -0);
  assert.equal(nextUp(2 ** 53), 2 ** 53 + 2);
  assert.ok(Number.isNaN(nextUp(NaN)));
});
