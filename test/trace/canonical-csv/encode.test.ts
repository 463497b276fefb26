import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/sim/rng';
import { BatchBuilder } from '../../../src/trace/batch';
import { RowEncoder } from '../../../src/trace/canonical-csv/encode';
import { batchToCsv } from '../../../src/trace/canonical-csv/write';
import { OP_COUNT } from '../../../src/trace/event';
import { StringTable } from '../../../src/trace/strings';

const EDGE = [0, 1, 9, 10, 99999999, 100000000, 2147483647, 2147483648, 4294967295, 1e12, 123456789012345, 2 ** 53 - 1, 2 ** 52 + 1, 1.5, 0.1, -3, NaN];
const TEXT = ['plain', 'a,b', 'say "x"', ' pad', 'line\nbreak', 'naïve ☃', 'cr\rx'];

test('the byte encoder writes exactly what the reference batchToCsv writes (random rows, edge values)', () => {
  const rng = new Rng(5);
  const strings = new StringTable();
  const pick = <T>(a: readonly T[]): T => a[rng.int(a.length)]!;
  const num = (): number => (rng.next() < 0.5 ? pick(EDGE) : rng.int(2 ** 30) * (rng.next() < 0.5 ? 1 : 4096));
  const enc = new RowEncoder();
  for (let round = 0; round < 20; round++) {
    const b = new BatchBuilder(strings, 500);
    for (let i = 0; i < 500; i++) {
      const r = b.addRow(rng.int(OP_COUNT), num(), rng.int(5), num(), num());
      const c = b.cols;
      if (rng.next() < 0.3) c.target[r] = rng.int(70000) % 65536;
      if (rng.next() < 0.3) c.access[r] = 1 + rng.int(4);
      if (rng.next() < 0.3) c.code[r] = 1 + rng.int(10);
      if (rng.next() < 0.3) c.flags[r] = rng.uint32() & 0x3fff;
      if (rng.next() < 0.3) c.count[r] = rng.next() < 0.5 ? pick([0, 2, 4294967295]) : rng.uint32();
      if (rng.next() < 0.3) c.resource[r] = strings.intern(pick(TEXT));
      if (rng.next() < 0.3) c.label[r] = strings.intern(pick(TEXT) + rng.int(3));
      for (const k of ['offsetBytes', 'pageBytes', 'durNs'] as const) if (rng.next() < 0.3) c[k][r] = num();
    }
    const batch = b.take();
    assert.equal(enc.encode(batch).toString('utf8'), batchToCsv(batch));
  }
});
