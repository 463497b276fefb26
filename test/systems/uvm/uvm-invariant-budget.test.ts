/**
 * uvm's debug checks (src/systems/uvm/invariants.ts): a full check after every row while it costs at most
 * INVARIANT_VISITS_PER_ROW block and page visits; on a large address space, once the rows since the last check
 * have earned its cost; and always after `finish` (the engine's last call), so a run never ends unchecked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INVARIANT_VISITS_PER_ROW } from '../../../src/sim/invariant-budget';
import type { UvmState } from '../../../src/systems/uvm/state';
import type { TraceEvent } from '../../../src/trace/event';
import { GiB, MiB } from '../../../src/units';
import { simulateUvm } from './uvm-spy';

const BASE = 0x7f0000000000;

/**
 * `rows` one-page device reads spread over a managed allocation of `bytes`; with `adviseAll`, read-mostly advice on
 * the whole allocation first, which creates every VA block (blocks exist from first use: UvmState.blockAt).
 */
function trace(bytes: number, rows: number, adviseAll = false): TraceEvent[] {
  const ev: TraceEvent[] = [{ tNs: 0, op: 'alloc', agent: 'cpu', va: BASE, bytes, flags: ['managed'] }];
  if (adviseAll) ev.push({ tNs: 1, op: 'advise', va: BASE, bytes, advice: 'read_mostly' });
  const pages = bytes / 4096;
  for (let i = 1; i <= rows; i++) ev.push({ tNs: i * 10, op: 'access', agent: 'dev0', va: BASE + ((i * 7919) % pages) * 4096, bytes: 4096, access: 'r' });
  return ev;
}

/** Run `system` in debug mode; `corrupt` may damage the state just before `finish`. Returns the model's state. */
async function run(system: string, bytes: number, rows: number, corrupt?: (s: UvmState) => void, adviseAll = false): Promise<UvmState> {
  const { state } = await simulateUvm(system, trace(bytes, rows, adviseAll), {
    footprintBytes: bytes,
    onModel: (m) => {
      if (!corrupt) return;
      const finish = m.finish.bind(m);
      m.finish = () => {
        corrupt(m.s);
        return finish();
      };
    },
  });
  return state;
}

test('a small address space is checked after every row and at the end', async () => {
  // 16 MiB: 8 VA blocks; a full check visits 8 × (16 words + 512 pages) = 4,224 ≤ the per-row budget
  const s = await run('uvm:eviction=lru-4k', 16 * MiB, 300);
  assert.ok(8 * (16 + 512) <= INVARIANT_VISITS_PER_ROW);
  assert.equal(s.invariants.fullChecks, 302, 'alloc row + 300 access rows + the check after finish');
});

test('a large address space is checked once the rows have earned it, and always after finish', async () => {
  // 16 GiB, every block created by the advice row: 8,192 blocks × 528 visits = 4,325,376, i.e. 66 rows' budget
  // (65,536 each) per full check. The alloc row is checked (no block yet: cost 0); of the 301 rows after it (the
  // advice and 300 reads) every 66th: 4; and the check after finish
  const s = await run('uvm:eviction=lru-4k', 16 * GiB, 300, undefined, true);
  assert.equal(s.blocks.count, 8192);
  assert.equal(s.invariants.fullChecks, 1 + Math.floor(301 / 66) + 1);
  // the check after finish is full even when the rows have not earned it: damage found there
  await assert.rejects(
    run('uvm:eviction=lru-4k', 16 * GiB, 300, (st) => {
      st.blocks.devPages[st.blocks.find(Math.floor(BASE / (2 * MiB)))]! += 1;
    }, true),
    /devPages/,
  );
});

test('only the blocks a trace uses cost checks: 300 reads over 16 GiB create 300 blocks', async () => {
  const s = await run('uvm:eviction=lru-4k', 16 * GiB, 300);
  assert.equal(s.blocks.count, 300, 'one block per read (the reads are 7,919 pages apart)');
  // the rule (invariants.ts checkInvariants) over the rows: the alloc row with no block, read k with k blocks
  let credit = 0;
  let checks = 0;
  for (let blocks = 0; blocks <= 300; blocks++) {
    credit += INVARIANT_VISITS_PER_ROW;
    if (blocks * (16 + 512) > credit) continue;
    credit = 0;
    checks++;
  }
  assert.equal(s.invariants.fullChecks, checks + 1, 'plus the check after finish');
  assert.ok(checks < 301 && checks > 100);
});
