import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventsToBatches } from '../../src/trace/batch';
import { digestBatches } from '../../src/trace/digest';
import { StringTable } from '../../src/trace/strings';
import type { TraceEvent } from '../../src/trace/event';

const events: TraceEvent[] = Array.from({ length: 50 }, (_, i) => ({
  op: 'access', tNs: i * 10, agent: i % 2 ? 'dev0' : 'cpu', va: 4096 * i, bytes: 4096, access: 'r', label: `k${i % 3}`,
}));

test('the digest does not depend on batch boundaries', () => {
  assert.equal(digestBatches(eventsToBatches(events, undefined, 7)), digestBatches(eventsToBatches(events, undefined, 1000)));
});

test('the digest does not depend on string interning order', () => {
  const pre = new StringTable();
  pre.intern('k2');
  pre.intern('unrelated');
  assert.equal(digestBatches(eventsToBatches(events, pre)), digestBatches(eventsToBatches(events)));
});

test('the digest changes when any field of any row changes', () => {
  const base = digestBatches(eventsToBatches(events));
  const variants: Array<Partial<TraceEvent>> = [{ tNs: 201 }, { va: 1 }, { bytes: 8192 }, { access: 'w' }, { label: 'k9' }, { count: 2 }, { agent: 'dev1' }];
  for (const v of variants) {
    const changed = events.map((e, i) => (i === 20 ? { ...e, ...v } : e));
    assert.notEqual(digestBatches(eventsToBatches(changed)), base, JSON.stringify(v));
  }
});
