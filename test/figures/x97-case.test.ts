import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { x97Case } from '../../src/figures/x97-case';

const GOLDEN = join(__dirname, '__golden__', 'x97.json');
const CHANGED = join(__dirname, '__golden__', 'x97-changed.json');

test('x97 case: gmem-paper on x97-sim, x97-vecadd and x97-bp in SHARE / EXCLUSIVE / REPLICATE give the golden counts', async () => {
  const { rows } = await x97Case();
  const text = `${JSON.stringify(rows, null, 2)}\n`;
  if (process.env.GMEMLAB_UPDATE_GOLDEN === '1') writeFileSync(GOLDEN, text);
  const want = readFileSync(GOLDEN, 'utf8');
  if (text !== want) writeFileSync(CHANGED, text);
  else if (existsSync(CHANGED)) rmSync(CHANGED);
  assert.equal(text, want, `counts changed: see ${CHANGED} (GMEMLAB_UPDATE_GOLDEN=1 regenerates after review)`);
  // the modes differ the way decision D says: SHARE and REPLICATE serve device accesses remotely,
  // only REPLICATE installs replicas, only EXCLUSIVE migrates
  for (const w of ['x97-vecadd', 'x97-bp']) {
    const by = Object.fromEntries(rows.filter((r) => r.workload === w).map((r) => [r.mode, r]));
    assert.equal(by.exclusive!.remoteAccesses, 0);
    assert.ok(by.share!.remoteAccesses > 0 && by.replicate!.remoteAccesses === by.share!.remoteAccesses);
    assert.equal(by.share!.replicaInstalls, 0);
    assert.ok(by.replicate!.replicaInstalls > 0);
    assert.equal(by.share!.migrationsH2D + by.replicate!.migrationsH2D, 0);
    assert.ok(by.exclusive!.deviceFaults >= by.share!.deviceFaults);
    for (const r of Object.values(by)) assert.equal(r.errorEvents + r.oomEvents, 0, `${w} ${r.mode}`);
  }
});
