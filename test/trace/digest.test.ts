import { test } from 'node:test';
import { createHash } from 'node:crypto';
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

/** The original per-field Buffer.write* encoding, kept as the reference the fast encoder must match. */
function referenceDigest(batches: ReturnType<typeof eventsToBatches>): string {
  const fixed = createHash('sha256');
  const text = createHash('sha256');
  for (const b of batches) {
    const buf = Buffer.alloc(b.length * 79);
    for (let i = 0, o = 0; i < b.length; i++, o += 79) {
      buf.writeUInt8(b.op[i]!, o);
      buf.writeUInt16LE(b.agent[i]!, o + 1);
      buf.writeUInt16LE(b.target[i]!, o + 3);
      buf.writeDoubleLE(b.tNs[i]!, o + 5);
      buf.writeDoubleLE(b.va[i]!, o + 13);
      buf.writeDoubleLE(b.bytes[i]!, o + 21);
      buf.writeDoubleLE(b.offsetBytes[i]!, o + 29);
      buf.writeDoubleLE(b.pageBytes[i]!, o + 37);
      buf.writeDoubleLE(b.durNs[i]!, o + 45);
      buf.writeUInt8(b.access[i]!, o + 53);
      buf.writeUInt8(b.code[i]!, o + 54);
      buf.writeUInt32LE(b.flags[i]!, o + 55);
      buf.writeUInt32LE(b.count[i]!, o + 59);
      const r = b.resource[i]! ? b.strings.get(b.resource[i]!) : '';
      const l = b.label[i]! ? b.strings.get(b.label[i]!) : '';
      buf.writeUInt32LE(Buffer.byteLength(r), o + 63);
      buf.writeUInt32LE(Buffer.byteLength(l), o + 67);
      buf.writeDoubleLE(0, o + 71);
      if (r) text.update(r);
      if (l) text.update(l);
    }
    fixed.update(buf);
  }
  return createHash('sha256').update(fixed.digest()).update(text.digest()).digest('hex');
}

test('the digest bytes are those of the reference per-field encoding (NaN "not given" values included)', () => {
  const mixed: TraceEvent[] = [
    ...events,
    { op: 'map', tNs: 600, agent: 'dev1', va: 2 ** 52, bytes: 65536, resource: 'naïve,res', offsetBytes: 8192, pageBytes: 65536, flags: ['null', 'readonly'], target: 'dev0' },
    { op: 'advise', tNs: 601, va: 0, bytes: 1, advice: 'accessed_by', target: 'cpu' },
    { op: 'kernelBegin', tNs: 602, agent: 'dev3', durNs: 12345, label: 'k' },
  ];
  const batches = eventsToBatches(mixed, undefined, 16);
  assert.equal(digestBatches(batches), referenceDigest(batches));
});
