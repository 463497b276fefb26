import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../src/run/run';
import { SC21_SGEMM_ORDER, sgemmColumnTrace } from '../../src/figures/sc21-costs';
import { CPU, Op } from '../../src/trace/event';
import { collectBatches } from '../../src/trace/trace';
import { KiB, MiB } from '../../src/units';

// The access shape behind SC'21's per-page and batch-rate readings (cuBLAS sgemm batch logs, uvm-eval
// paper-figs cublas-0-log-16384 / -pf-32768): waves that read one page of every matrix column.
const P = 4 * KiB;

test('sgemmColumnTrace: one managed matrix written by the CPU, then waves of one 4 KiB read per column, 4·N bytes apart', async () => {
  const { batches } = await collectBatches(sgemmColumnTrace(1 * MiB, 32768).trace);
  const rows: Array<{ tNs: number; va: number; bytes: number }> = [];
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) if (b.op[i] === Op.access && b.agent[i] !== CPU) rows.push({ tNs: b.tNs[i]!, va: b.va[i]!, bytes: b.bytes[i]! });
  }
  // 1 MiB / 128 KiB = 8 columns of 32 pages: 32 waves × 8 reads
  assert.equal(rows.length, 8 * 32);
  assert.ok(rows.every((r) => r.bytes === P));
  const wave0 = rows.filter((r) => r.tNs === rows[0]!.tNs);
  assert.equal(wave0.length, 8);
  assert.deepEqual(wave0.map((r) => r.va - wave0[0]!.va), [0, 1, 2, 3, 4, 5, 6, 7].map((c) => c * 128 * KiB));
  assert.deepEqual(SC21_SGEMM_ORDER, { noPrefetch: 16384, prefetch: 32768 });
});

test('uvm on the sgemm-32768 shape: with tbn each wave-0 fault takes its 64 KiB big page (a column is 2 big pages: 50 %, no further growth)', async () => {
  const t = sgemmColumnTrace(1 * MiB, 32768).trace;
  const on = (await run(t, { system: 'uvm', profile: 'titanv-pcie3' })).summary;
  // wave 0: page 0 of the 8 columns (one batch, the front drains at wave 1) → 8 regions of 64 KiB;
  // waves 1–15 hit; wave 16: page 16 of each column → the other 8 big pages; waves 17–31 hit
  assert.equal(on.deviceFaults, 16);
  assert.equal(on.extra.faultBatches, 2);
  assert.equal(on.migrationsH2D, 16);
  assert.equal(on.bytesH2D, 1 * MiB);
  const off = (await run(t, { system: 'uvm:prefetch=none', profile: 'titanv-pcie3' })).summary;
  // every page faults, one batch per wave, one 4 KiB copy per page
  assert.equal(off.deviceFaults, 256);
  assert.equal(off.extra.faultBatches, 32);
  assert.equal(off.migrationsH2D, 256);
});
