import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { batchToCsv, HEADER_LINE, metaLines } from '../../src/trace/canonical-csv/write';
import { PROJECT_ROOT } from '../../src/version';
import { formatBytes } from '../../src/units';
import {
  DEFAULT_INSTANCE_PARAMS, DEFAULT_SEED, defaultInstanceParams, defaultTracePath, GENERATED_INSTANCE_PARAMS, regenerateDefaults, updateWorkloadsDoc,
  type DefaultFacts,
} from '../../src/workloads/defaults';
import { bfsNodes } from '../../src/workloads/rodinia/bfs';
import { fdtdSide } from '../../src/workloads/rodinia/fdtd';
import { hotspotSide } from '../../src/workloads/rodinia/hotspot';
import { nwLength } from '../../src/workloads/rodinia/nw';
import { sradSide } from '../../src/workloads/rodinia/srad';
import type { WorkloadId } from '../../src/workloads/types';
import { getWorkload, workloadIds } from '../../src/workloads/index';
import { resolveWorkloadParams } from '../../src/workloads/params';
import { StreamStats } from '../../src/workloads/write';

/**
 * The committed default traces (traces/) and the defaults table of docs/workloads.md must equal a fresh
 * generation. Regenerate with `npm run traces` (or GMEMLAB_UPDATE_GOLDEN=1 npm test -- workloads/defaults).
 * Gzip files are compared by their decompressed canonical CSV: the CSV bytes are the contract, while the
 * compressed bytes may differ between zlib builds.
 */
const update = process.env.GMEMLAB_UPDATE_GOLDEN === '1';
const facts: DefaultFacts[] = [];

test('committed default traces equal a fresh generation (byte-identical canonical CSV)', { skip: update ? 'regenerating' : false }, async () => {
  for (const id of workloadIds()) {
    const def = getWorkload(id);
    const p = resolveWorkloadParams(def, defaultInstanceParams(id));
    const stats = new StreamStats();
    const committedBytes = readFileSync(join(PROJECT_ROOT, defaultTracePath(id)));
    if (def.write) {
      // a foreign dialect: compare the workload's own writer output byte for byte
      const dir = mkdtempSync(join(tmpdir(), 'gmemlab-defaults-'));
      try {
        await def.write(p, DEFAULT_SEED, join(dir, 'out'));
        assert.ok(readFileSync(join(dir, 'out')).equals(committedBytes), `${defaultTracePath(id)} is stale: run \`npm run traces\``);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      for (const b of def.generate(p, DEFAULT_SEED)) stats.add(b);
    } else {
      const parts: string[] = [metaLines(def.meta(p, DEFAULT_SEED)), HEADER_LINE];
      for (const b of stats.tap(def.generate(p, DEFAULT_SEED))) parts.push(batchToCsv(b));
      const fresh = parts.join('');
      assert.ok(gunzipSync(committedBytes).toString('utf8') === fresh, `${defaultTracePath(id)} is stale: run \`npm run traces\``);
    }
    facts.push({ id, events: stats.events, accesses: stats.accesses, footprintBytes: stats.footprint.peakBytes, lastTNs: stats.lastTNs, opCounts: stats.opCounts() });
  }
});

test('docs/workloads.md states each default\'s events, footprint, op mix and parameters as generated', { skip: update ? 'regenerating' : false }, () => {
  const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'workloads.md'), 'utf8');
  assert.equal(facts.length, workloadIds().length, 'the previous test generated every default');
  assert.equal(doc, updateWorkloadsDoc(doc, facts), 'run `npm run traces`');
});

test('each workload summary states the footprint of its generator defaults (= the committed instance unless DEFAULT_INSTANCE_PARAMS sets others)', { skip: update ? 'regenerating' : false }, () => {
  for (const f of facts) {
    const m = /\(footprint ([^;)]+)/.exec(getWorkload(f.id).summary);
    assert.ok(m, `${f.id}: summary has no "(footprint …)"`);
    let footprint = f.footprintBytes;
    if (DEFAULT_INSTANCE_PARAMS[f.id]) {
      const def = getWorkload(f.id);
      const stats = new StreamStats();
      for (const b of def.generate(resolveWorkloadParams(def, {}), DEFAULT_SEED)) stats.add(b);
      footprint = stats.footprint.peakBytes;
    }
    assert.equal(m![1], formatBytes(footprint), `${f.id}: summary footprint`);
  }
});

test('the committed instances with their own parameters (ml-train, game-remap, foreign-csv, pathfinder, backprop) are paper-sized: footprint of at least 1 GiB (issue 15)', { skip: update ? 'regenerating' : false }, () => {
  for (const id of Object.keys(DEFAULT_INSTANCE_PARAMS)) {
    const f = facts.find((x) => x.id === id)!;
    assert.ok(f.footprintBytes >= 2 ** 30, `${id}: ${formatBytes(f.footprintBytes)}`);
  }
});

test('the committed traces stay under 10 MB in total', () => {
  let total = 0;
  for (const id of workloadIds()) total += readFileSync(join(PROJECT_ROOT, defaultTracePath(id))).length;
  assert.ok(total < 10e6, `${total} bytes`);
});

if (update) {
  test('regenerate the committed default traces and the docs table (GMEMLAB_UPDATE_GOLDEN=1)', async () => {
    await regenerateDefaults(PROJECT_ROOT);
  });
}

test('the generated paper-sized Rodinia instances (GENERATED_INSTANCE_PARAMS) allocate at least 1 GiB, counted from each program\'s arrays', () => {
  const scaleOf = (id: WorkloadId): number => resolveWorkloadParams(getWorkload(id), GENERATED_INSTANCE_PARAMS[id]).scale as number;
  const round2M = (b: number): number => Math.ceil(b / 2 ** 21) * 2 ** 21;
  const sum = (arrays: number[]): number => arrays.reduce((a, b) => a + round2M(b), 0);
  const bytes: Record<string, number> = {};
  // bfs: graph_nodes 8 B, mask/updating/visited 1 B, cost 4 B per node, graph_edges 4 B per edge end; each node draws
  // 2…4 neighbours (mean 3) and every edge is stored both ways: 6 ends per node (the sum of 2.8e7 draws is within 0.1 %)
  const n = bfsNodes(scaleOf('rodinia-bfs'));
  bytes['rodinia-bfs'] = sum([8 * n, 0.999 * 6 * n * 4, n, n, n, 4 * n, 1]);
  const hs = hotspotSide(scaleOf('rodinia-hotspot')); // power, temp0, temp1
  bytes['rodinia-hotspot'] = sum([4 * hs * hs, 4 * hs * hs, 4 * hs * hs]);
  const fs = fdtdSide(scaleOf('rodinia-fdtd')); // _fict_ (8 steps), ex NX·(NY+1), ey (NX+1)·NY, hz NX·NY
  bytes['rodinia-fdtd'] = sum([32, 4 * fs * (fs + 1), 4 * (fs + 1) * fs, 4 * fs * fs]);
  const nw = nwLength(scaleOf('rodinia-nw')) + 1; // referrence, input_itemsets: (n+1)² each
  bytes['rodinia-nw'] = sum([4 * nw * nw, 4 * nw * nw]);
  const ss = sradSide(scaleOf('rodinia-srad')); // J, C, E_C, W_C, N_C, S_C
  bytes['rodinia-srad'] = sum(Array(6).fill(4 * ss * ss));
  assert.deepEqual(Object.keys(GENERATED_INSTANCE_PARAMS).sort(), Object.keys(bytes).sort());
  for (const [id, b] of Object.entries(bytes)) assert.ok(b >= 2 ** 30 && b < 1.2 * 2 ** 30, `${id}: ${formatBytes(b)}`);
});
