import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareBatches, modelShape, recordedShape, type RecordedFault } from '../../../src/systems/uvm/fault-log-validation';
import { uvmSystem } from '../../../src/systems/uvm/index';
import { SAMPLES } from '../../importers/helpers';

const d = uvmSystem.defaults;
const RULE = { batchMax: d.batchMax, frontPages: d.frontPages, frontEntriesPerPage: d.frontEntriesPerPage };

test('fault-log validation: recorded shape counts entries and distinct pages per batch', () => {
  const f = (page: number, range: number, batch: number): RecordedFault => ({ page, range, batch });
  const r = recordedShape([f(1, 0, 0), f(1, 0, 0), f(2, 0, 0), f(9, 1, 1)]);
  assert.deepEqual(r, { batches: 2, entries: [3, 1], distinctPages: [2, 1] });
});

test('fault-log validation: the model forms one front per range, ≤ frontPages pages and ≤ batchMax entries per batch', () => {
  const faults: RecordedFault[] = [];
  for (let p = 0; p < 100; p++) faults.push({ page: 1000 + p, range: 0, batch: 0 });
  for (let p = 0; p < 10; p++) faults.push({ page: 5000 + p, range: 1, batch: 0 });
  // 3 entries per page: 85 pages = 255 entries, the 86th page fits 1 → batch 1 = 86 pages / 256 entries; then 14
  // pages = 42 entries; range 1: 10 pages = 30 entries
  assert.deepEqual(modelShape(faults, { batchMax: 256, frontPages: 256, frontEntriesPerPage: 3 }), {
    batches: 3, entries: [256, 42, 30], distinctPages: [86, 14, 10],
  });
  assert.deepEqual(modelShape(faults, { batchMax: 256, frontPages: 40, frontEntriesPerPage: 1 }).distinctPages, [40, 40, 20, 10]);
});

/** uvm-eval kernel-log lines (`prio,seq,usec,-;payload`; docs/trace-formats.md F): `s,` opens a batch, `f,<va>,…` is an entry. */
function readLog(path: string): RecordedFault[] {
  const out: RecordedFault[] = [];
  let batch = -1;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const payload = line.slice(line.indexOf(';') + 1);
    if (payload.startsWith('s,')) batch++;
    else if (payload.startsWith('f,')) {
      const va = Number.parseInt(payload.split(',')[1]!, 16);
      out.push({ page: Math.floor(va / 4096), range: Math.floor(va / (2 * 1024 * 1024)), batch });
    }
  }
  return out;
}

const DIR = join(SAMPLES, 'uvm-eval-fault-log/abc/short_log_32_ts');

test('fault-log validation: the recorded uvm-eval abc logs vs the model front (numbers reported in docs/systems.md)', (t) => {
  if (!existsSync(DIR)) {
    t.skip(`recorded sample absent: ${DIR}`);
    return;
  }
  for (const name of readdirSync(DIR).sort()) {
    const a = compareBatches(readLog(join(DIR, name)), RULE);
    // recorded: batches of 56, 8 and 32 entries (one entry per page); the model: one batch per 128 KiB range
    // (a, b, c: 32 pages each), 1.31 entries per page on average → 41 + 42 + 42 entries
    assert.deepEqual(a.recorded, { batches: 3, entries: [56, 8, 32], distinctPages: [56, 8, 32] }, name);
    assert.deepEqual(a.model.distinctPages, [32, 32, 32], name);
    assert.equal(a.batchRatio, 1);
    assert.equal(a.distinctRatio, 1);
    assert.equal(a.meanAbsDistinctDiff, 16);
    assert.ok(Math.abs(a.entriesRatio - 125 / 96) < 1e-9, `${a.entriesRatio}`);
  }
});
