/**
 * uvm creates a VA block on first use (UvmState.blockAt), as the driver's `uvm_va_block_find_create`: its `exists`
 * mask is the pages of the live managed allocations in its window, an allocation sharing the window with a block
 * that exists adds its pages, and the block goes when no managed page is left. Debug mode checks every block's mask
 * against the live allocations after each row (invariants.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskWeight } from '../../../src/model/page-mask';
import type { UvmState } from '../../../src/systems/uvm/state';
import type { TraceEvent } from '../../../src/trace/event';
import { MiB } from '../../../src/units';
import { simulateUvm } from './uvm-spy';

const W = 0x4000_0000; // a 2 MiB window
const KEY = W / (2 * MiB);

/** Run `ev` through uvm in debug mode; `probe(state, row)` after each row's debug check (the state as the engine left it). */
async function run(ev: TraceEvent[], probe: (s: UvmState, row: number) => void) {
  const { res } = await simulateUvm('uvm', ev, {
    footprintBytes: 4 * MiB,
    onModel: (m) => {
      let row = 0;
      const check = m.checkInvariants!.bind(m);
      m.checkInvariants = () => {
        check();
        probe(m.s, row++);
      };
    },
  });
  return res;
}

const existsPages = (s: UvmState): number => {
  const slot = s.blocks.find(KEY);
  return slot < 0 ? -1 : maskWeight(s.blocks.exists, slot * s.stride, s.words);
};

test('uvm VA block: none at allocation; created by the first touch with its allocation\'s pages; a second allocation in the window adds its pages; gone when both are freed', async () => {
  const seen: number[] = [];
  const res = await run(
    [
      { tNs: 0, op: 'alloc', agent: 'cpu', va: W, bytes: 1 * MiB, flags: ['managed'] }, // pages 0–255
      { tNs: 1, op: 'access', agent: 'dev0', va: W, bytes: 4096, access: 'r' },
      { tNs: 2, op: 'alloc', agent: 'cpu', va: W + 1 * MiB, bytes: 512 * 1024 + 100, flags: ['managed'] }, // pages 256–384 (the last one partly)
      { tNs: 3, op: 'access', agent: 'dev0', va: W + 1 * MiB, bytes: 4096, access: 'w' },
      { tNs: 4, op: 'free', agent: 'cpu', va: W },
      { tNs: 5, op: 'free', agent: 'cpu', va: W + 1 * MiB },
    ],
    (s, row) => void (seen[row] = existsPages(s)),
  );
  assert.equal(res.summary.status, 'ok');
  assert.deepEqual(seen.slice(0, 6), [-1, 256, 256 + 129, 256 + 129, 129, -1]);
  assert.equal(res.summary.deviceFaults, 2);
});

test('uvm VA block: advice that sets something creates the blocks it covers; advice that clears creates none', async () => {
  const blocks: number[] = [];
  await run(
    [
      { tNs: 0, op: 'alloc', agent: 'cpu', va: W, bytes: 8 * MiB, flags: ['managed'] },
      { tNs: 1, op: 'advise', va: W, bytes: 8 * MiB, advice: 'unset_read_mostly' },
      { tNs: 2, op: 'advise', va: W, bytes: 4 * MiB, advice: 'read_mostly' },
      { tNs: 3, op: 'prefetch', va: W + 4 * MiB, bytes: 2 * MiB, target: 'cpu' },
      { tNs: 4, op: 'prefetch', va: W + 6 * MiB, bytes: 2 * MiB, target: 'dev0' },
    ],
    (s, row) => void (blocks[row] = s.blocks.count),
  );
  // read-mostly over 4 MiB: two blocks; a prefetch to the CPU of untouched memory: none; to the device: one more
  assert.deepEqual(blocks.slice(0, 5), [0, 0, 2, 2, 3]);
});
