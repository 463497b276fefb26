import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceEvent } from '../../../src/trace/event';
import { replay } from '../harness';

// Sub-page allocations (a caching allocator's 512-byte blocks, the PyTorch memory timeline with bump layout)
// share 4 KiB pages: freeing one must not discard a page another live allocation still uses.
const BASE = 0x4000_0000;
const P = 4096;
const alloc = (t: number, va: number, bytes: number): TraceEvent => ({ op: 'alloc', tNs: t, va, bytes, flags: ['managed'] });
const free = (t: number, va: number): TraceEvent => ({ op: 'free', tNs: t, va });
const dev = (t: number, va: number): TraceEvent => ({ op: 'access', tNs: t, agent: 'dev0', va, bytes: 512, access: 'w' });

test('uvm: freeing an allocation keeps the pages it shares with a live allocation resident (debug invariants hold)', async () => {
  // A = [BASE, BASE + 1.5 pages), B = [BASE + 1.5 pages, BASE + 3 pages): page 1 is shared
  const a = BASE;
  const b = BASE + 1.5 * P;
  const trace = [
    alloc(0, a, 1.5 * P), alloc(1, b, 1.5 * P),
    dev(1e5, b), // faults page 1 onto the device
    free(2e5, a), // page 0 goes; page 1 stays (B lives on it)
    dev(3e5, b), // still resident: no new fault
    free(4e5, b),
  ];
  const r = await replay('uvm', { prefetch: 'none', thrashing: false }, trace);
  assert.equal(r.summary.deviceFaults, 1, 'the second access to B finds its page resident');
  assert.equal(r.summary.errorEvents, 0);
  // without a sharing neighbour, a partly covered page goes with its allocation
  const alone = await replay('uvm', { prefetch: 'none', thrashing: false }, [alloc(0, b, 1.5 * P), dev(1e5, b), free(2e5, b), alloc(3e5, b, 1.5 * P), dev(4e5, b)]);
  assert.equal(alone.summary.deviceFaults, 2, 'a freed and reallocated page faults again');
});
