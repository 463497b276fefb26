import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../../src/trace/event';
import { MiB, replay } from '../harness';

// The driver's PMM (src/systems/uvm/shared-roots.ts, page-tables.ts): VA blocks shorter than 2 MiB get 64 KiB
// sub-chunks of shared 2 MiB root chunks, and evicting a root chunk evicts every block with a sub-chunk in it.
const BASE = 0x4000_0000;
const P = 4096;
const block = (k: number): number => BASE + k * 2 * MiB;
const alloc = (k: number, bytes: number): TraceEvent => ({ op: 'alloc', tNs: 0, va: block(k), bytes, flags: ['managed'] });
const dev = (t: number, va: number): TraceEvent => ({ op: 'access', tNs: t, agent: 'dev0', va, bytes: P, access: 'r' });
// A and B: 1 MiB arrays, each its own (short) VA block; C and D: full 2 MiB blocks
const trace = [alloc(0, MiB), alloc(1, MiB), alloc(2, 2 * MiB), alloc(3, 2 * MiB), dev(1e5, block(0)), dev(2e5, block(1)), dev(3e5, block(2)), dev(4e5, block(3)), dev(5e5, block(2))];
// 6 MiB = three root chunks; the page tables of four blocks (4 directories × 4 KiB + 4 × 4,352 B) take one of them
const o = { 'device.memory.capacityBytes': 6 * MiB };

test('uvm shared root chunks: two 1 MiB arrays share one root chunk, and evicting it evicts both', async () => {
  const r = await replay('uvm', { prefetch: 'none' }, trace, o);
  // A and B fault into one split root chunk (R1), C takes its own (R2): the two user root chunks are full.
  // D needs a root chunk: the least recently migrated-into one is R1 (last sub-chunk allocated at A/B, before C),
  // and evicting it evicts A and B (two blocks, one 4 KiB page each, written back: they exist only on the device).
  // C stays resident: its second access hits.
  assert.equal(r.summary.deviceFaults, 4);
  assert.equal(r.summary.evictions, 2);
  assert.equal(r.summary.bytesD2H, 2 * P);
});

test('uvm page tables: pageTableLocation=sys leaves the whole capacity to user data', async () => {
  // three user root chunks: R1 (A, B), C, D all fit; nothing is evicted
  const r = await replay('uvm', { prefetch: 'none', pageTableLocation: 'sys' }, trace, o);
  assert.equal(r.summary.deviceFaults, 4);
  assert.equal(r.summary.evictions, 0);
});

test('uvm page tables: with vidmem page tables, one 2 MiB array in 4 MiB leaves one root chunk for data', async () => {
  // two 2 MiB blocks touched alternately: one kernel root chunk + one user root chunk ⇒ every switch evicts
  const ev: TraceEvent[] = [alloc(0, 4 * MiB)];
  for (let k = 0; k < 4; k++) ev.push(dev(1e5 * (k + 1), block(k % 2)));
  const vid = await replay('uvm', { prefetch: 'none', thrashing: false }, ev, { 'device.memory.capacityBytes': 4 * MiB });
  assert.equal(vid.summary.deviceFaults, 4);
  assert.equal(vid.summary.evictions, 3);
  const sys = await replay('uvm', { prefetch: 'none', thrashing: false, pageTableLocation: 'sys' }, ev, { 'device.memory.capacityBytes': 4 * MiB });
  assert.equal(sys.summary.deviceFaults, 2);
  assert.equal(sys.summary.evictions, 0);
});

test('uvm shared root chunks: a migration into a short block without a new sub-chunk does not refresh its root chunk', async () => {
  // A (1 MiB) page 0 → sub-chunk in R1; C (2 MiB) → R2; A page 1 (same 64 KiB piece: no new sub-chunk) migrates
  // but block_mark_memory_used marks only 2 MiB blocks, so R1 stays least recently migrated into; D evicts R1 (A),
  // and C's last access hits. (Refreshing R1 would evict C and fault on it again: 5 faults.)
  const ev = [alloc(0, MiB), alloc(2, 2 * MiB), alloc(3, 2 * MiB), dev(1e5, block(0)), dev(2e5, block(2)), dev(3e5, block(0) + P), dev(4e5, block(3)), dev(5e5, block(2))];
  const r = await replay('uvm', { prefetch: 'none' }, ev, o);
  assert.equal(r.summary.deviceFaults, 4);
  assert.equal(r.summary.evictions, 1);
  assert.equal(r.summary.bytesD2H, 2 * P);
});
