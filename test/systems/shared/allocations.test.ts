import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Allocations } from '../../../src/systems/shared/allocations';
import { Flag } from '../../../src/trace/event';

test('find: the allocation holding an address, -1 outside every one (ends exclusive, NaN in none)', () => {
  const a = new Allocations();
  const x = a.add(0x1000, 0x1000, Flag.managed, 0);
  const y = a.add(0x3000, 0x2000, Flag.device, 0);
  assert.equal(a.find(0x1000), x);
  assert.equal(a.find(0x1fff), x);
  assert.equal(a.find(0x2000), -1);
  assert.equal(a.find(0x4fff), y);
  assert.equal(a.find(0x5000), -1);
  assert.equal(a.find(0x0fff), -1);
  assert.equal(a.find(NaN), -1);
});

test('find after a free: the freed allocation is never found again, even where it was the last one found', () => {
  const a = new Allocations();
  const x = a.add(0x1000, 0x1000, Flag.managed, 0);
  assert.equal(a.find(0x1800), x); // now the last one found
  assert.equal(a.removeAt(0x1000), x);
  assert.equal(a.find(0x1800), -1);
  // its id is reused for an allocation elsewhere: the old range still holds nothing
  const z = a.add(0x8000, 0x1000, Flag.managed, 0);
  assert.equal(z, x);
  assert.equal(a.find(0x1800), -1);
  assert.equal(a.find(0x8000), z);
  // a new allocation over the freed range is found with its own extent
  const w = a.add(0x1000, 0x800, Flag.host, 0);
  assert.equal(a.find(0x1000), w);
  assert.equal(a.find(0x1800), -1);
});

test('find against a linear scan over random allocations, frees and lookups', () => {
  const a = new Allocations();
  const live = new Map<number, [number, number]>(); // id → [start, end)
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed % n;
  };
  for (let step = 0; step < 20_000; step++) {
    const op = rnd(10);
    if (op < 2) {
      const start = rnd(1000) * 0x1000;
      const id = a.add(start, (1 + rnd(8)) * 0x1000, Flag.managed, 0);
      if (id >= 0) live.set(id, [start, start + a.bytes[id]!]);
    } else if (op < 3 && live.size > 0) {
      const ids = [...live.keys()];
      const id = ids[rnd(ids.length)]!;
      assert.equal(a.removeAt(live.get(id)![0]), id);
      live.delete(id);
    } else {
      const va = rnd(1010 * 0x1000);
      let want = -1;
      for (const [id, [s, e]] of live) if (va >= s && va < e) want = id;
      assert.equal(a.find(va), want, `step ${step}, va ${va}`);
    }
  }
});
