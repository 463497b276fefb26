/**
 * Sweeps on REAL simulations (gmemlab's run resolution and engine, generated Rodinia traces): determinism
 * across worker counts, agreement with `compare()`, profile-field multipliers, shared in-memory traces and
 * up-front validation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweep, type SweepSpec } from '../../../src/analysis/sweep';
import { flattenRun } from '../../../src/analysis/flatten';
import { resolvePlatform } from '../../../src/profiles/resolve';
import { compare } from '../../../src/run/run';
import { collectBatches, memoryTrace } from '../../../src/trace/trace';
import { workloadTrace } from '../../../src/workloads/trace';
import { formatDiagnostic, GmemlabError } from '../../../src/log/diagnostic';

const SPEC: SweepSpec = { traces: [{ workload: 'rodinia-bfs' }], systems: ['gmem-linux', 'gmem-paper'], profiles: ['a100-pcie4'], oversub: [1, 2] };

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'gmemlab-sweep-sim-'));
}

test('a real sweep writes byte-identical CSV and JSON for 1 and 2 worker threads', async () => {
  const dir = tmp();
  try {
    const a = await sweep(SPEC, { workers: 1, output: join(dir, 'w1.csv') });
    await sweep({ ...SPEC, oversub: [2] }, { output: join(dir, 'new', 'folder', 'r.csv') });
    assert.ok(existsSync(join(dir, 'new', 'folder', 'r.csv')), 'missing folders of -o are created');
    const b = await sweep(SPEC, { workers: 2, output: join(dir, 'w2.csv') });
    assert.equal(a.simulated, 4);
    assert.equal(readFileSync(join(dir, 'w2.csv'), 'utf8'), readFileSync(join(dir, 'w1.csv'), 'utf8'));
    assert.deepEqual(b.results.map((r) => r.series), a.results.map((r) => r.series), 'series too');
    await sweep(SPEC, { workers: 1, output: join(dir, 'w1.json') });
    await sweep(SPEC, { workers: 2, output: join(dir, 'w2.json') });
    assert.equal(readFileSync(join(dir, 'w2.json'), 'utf8'), readFileSync(join(dir, 'w1.json'), 'utf8'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('each sweep row equals what compare() gives for the same trace and spec', async () => {
  const out = await sweep(SPEC);
  const trace = workloadTrace('rodinia-bfs');
  for (const oversub of [1, 2]) {
    const direct = await compare(trace, { systems: ['gmem-linux', 'gmem-paper'], profile: 'a100-pcie4', oversub });
    for (const d of direct) {
      const row = (out.table.objects() as Record<string, unknown>[]).find((r) => r.specHash === d.summary.specHash);
      assert.ok(row, `a row for ${d.summary.system} at ${oversub}`);
      const expected = flattenRun(d);
      for (const k of Object.keys(expected)) if (k !== 'trace') assert.deepEqual(row![k], expected[k], k);
    }
  }
});

test('scale multiplies the resolved profile field (after the point\'s own overrides)', async () => {
  const out = await sweep({ traces: [{ workload: 'rodinia-bfs' }], systems: ['gmem-linux'], profiles: ['a100-pcie4'], oversub: [2], oversubBasis: 'allocated', set: { 'link.latencyNs': '3us' }, scale: { 'link.h2dBytesPerNs': [0.5, 2], 'link.latencyNs': [2] } });
  const base = resolvePlatform('a100-pcie4').link.h2dBytesPerNs;
  assert.deepEqual(out.results.map((r) => r.run.platform.link.h2dBytesPerNs), [base * 0.5, base * 2]);
  assert.deepEqual(out.results.map((r) => r.run.platform.link.latencyNs), [6000, 6000]);
  assert.deepEqual(out.table.array('scale.link.h2dBytesPerNs'), [0.5, 2]);
  const [slow, fast] = out.table.array('simTimeNs') as number[];
  assert.ok(slow! > fast!, 'half the link bandwidth is slower under oversubscription');
});

test('an in-memory trace runs on worker threads through shared memory with the same results', async () => {
  const { batches, reader } = await collectBatches(workloadTrace('rodinia-hotspot'));
  const mem = memoryTrace('notebook-hotspot', batches, reader.meta);
  const spec: SweepSpec = { traces: [mem], systems: ['gmem-linux'], profiles: ['h100-pcie5'], oversub: [1.5, 3] };
  const one = await sweep(spec, { workers: 1 });
  const two = await sweep(spec, { workers: 2 });
  assert.equal(two.table.get('trace', 0), 'notebook-hotspot');
  assert.deepEqual(two.table.objects(), one.table.objects());
});

test('bad input fails before any run and writes nothing', async () => {
  const dir = tmp();
  const diag = async (spec: SweepSpec): Promise<string> => {
    try {
      await sweep(spec, { output: join(dir, 'r.csv') });
    } catch (e) {
      if (e instanceof GmemlabError) return formatDiagnostic(e.diagnostic);
      throw e;
    }
    return 'no error';
  };
  try {
    assert.match(await diag({ ...SPEC, systems: ['gmem-linux', 'gmem-nope'] }), /unknown system 'gmem-nope'/);
    assert.match(await diag({ ...SPEC, set: { nosuchparam: 3 } }), /--set nosuchparam: none of the selected systems \(gmem-linux, gmem-paper\) has parameter 'nosuchparam'/);
    assert.match(await diag({ ...SPEC, profiles: ['a100-pcie9'] }), /a100-pcie9/);
    assert.match(await diag({ ...SPEC, traces: [{ workload: 'no-such-workload' }] }), /no-such-workload/);
    assert.equal(existsSync(join(dir, 'r.csv')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a committed trace file and the generator that wrote it resolve to the same run, which runs once', async () => {
  const { PROJECT_ROOT } = await import('../../../src/version');
  const out = await sweep({ traces: ['traces/rodinia-bfs.csv.gz', { workload: 'rodinia-bfs' }], systems: ['gmem-linux'], profiles: ['a100-pcie4'], oversub: [2] }, { workers: 2, baseDir: PROJECT_ROOT });
  assert.equal(out.points.length, 2);
  assert.equal(out.duplicates, 1);
  assert.equal(out.simulated, 1);
  assert.equal(out.table.numRows(), 1);
  assert.equal(out.table.get('trace', 0), 'traces/rodinia-bfs.csv.gz');
});

test('an interruption while the traces are being read stops the sweep before any run and writes nothing', async () => {
  const dir = tmp();
  try {
    const ac = new AbortController();
    const EVENTS = 3_000_000;
    const source = workloadTrace('synthetic-access', { events: EVENTS });
    let rowsRead = 0;
    // the trace interrupts the sweep itself once its first batch has been read (event order, not a delay)
    const counting = {
      name: 'counting',
      read() {
        const r = source.read();
        return {
          get meta() {
            return r.meta;
          },
          strings: r.strings,
          log: r.log,
          async *[Symbol.asyncIterator]() {
            for await (const b of r) {
              rowsRead += b.length;
              if (!ac.signal.aborted) ac.abort(new Error('SIGINT'));
              yield b;
            }
          },
        };
      },
    };
    const out = await sweep({ traces: [counting], systems: ['gmem-linux'], oversub: [2], profiles: ['a100-pcie4'] }, { signal: ac.signal, output: join(dir, 'r.csv') });
    assert.equal(out.interrupted, true);
    assert.equal(out.simulated, 0);
    assert.equal(out.pending.length, 1);
    assert.ok(rowsRead > 0 && rowsRead < EVENTS, `stopped while reading: ${rowsRead} of ${EVENTS} rows read`);
    assert.equal(existsSync(join(dir, 'r.csv')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
