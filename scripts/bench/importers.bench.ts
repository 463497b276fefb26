import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Benchmark, BenchRow } from '../../src/bench/types';
import { openInput } from '../../src/io/input';
import { kinetoImporter } from '../../src/importers/kineto/index';
import { pytorchSnapshotImporter } from '../../src/importers/pytorch-snapshot/index';
import { readSafePickle } from '../../src/importers/pytorch-snapshot/safe-pickle';
import { createImportContext } from '../../src/importers/shared/context';
import type { ImporterDef } from '../../src/importers/types';

/**
 * Import speed of the real samples (issue 6): the PyTorch snapshot (pickle) and the largest Kineto trace,
 * as events/s and MB/s of decompressed input. Baselines measured in the same run on the same bytes: for
 * the snapshot, the whitelist pickle decode alone (so the ratio is the cost of mapping); for Kineto,
 * native JSON.parse of the whole decompressed text (what a load-it-all importer would spend, without any
 * mapping, sorting or located errors). Median of the repetitions after one warm-up.
 */
const SAMPLES = (root: string): string => join(root, '..', 'shared', 'trace-samples');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function importOnce(def: ImporterDef<any>, path: string): Promise<number> {
  const ctx = createImportContext(path);
  let rows = 0;
  for await (const b of def.read(await openInput(path), def.defaults, ctx)) rows += b.length;
  return rows;
}

async function timeIt(reps: number, f: () => Promise<unknown> | unknown): Promise<number> {
  const ms: number[] = [];
  for (let r = 0; r <= reps; r++) {
    const t0 = performance.now();
    await f();
    if (r > 0) ms.push(performance.now() - t0);
  }
  return median(ms) / 1000;
}

const bench: Benchmark = {
  name: 'importers',
  summary: 'real-sample import speed: PyTorch snapshot pickle and largest Kineto trace (events/s, MB/s)',
  async run(ctx) {
    const rows: BenchRow[] = [];
    const dir = SAMPLES(ctx.projectRoot);
    const reps = ctx.quick ? 1 : 3;
    const snap = join(dir, 'pytorch-memory-snapshot', 'memory.pickle');
    if (!existsSync(snap)) rows.push({ group: 'import pytorch-snapshot', metric: 'events/s', value: NaN, unit: 'events/s', note: 'skipped: sample absent (../shared/trace-samples)' });
    else {
      const bytes = readFileSync(snap);
      const mb = bytes.length / 1e6;
      let events = 0;
      const s = await timeIt(reps, async () => (events = await importOnce(pytorchSnapshotImporter, snap)));
      const decode = await timeIt(reps, () => readSafePickle(bytes, snap));
      ctx.log(`pytorch-snapshot: ${events} events in ${(s * 1000).toFixed(0)} ms (decode only ${(decode * 1000).toFixed(0)} ms)`);
      const group = 'import pytorch-snapshot memory.pickle';
      rows.push({ group, metric: 'events/s', value: events / s, unit: 'events/s', note: `${events} events (synthesis touch-on-alloc)` });
      rows.push({ group, metric: 'MB/s', value: mb / s, unit: 'MB/s', baseline: 'whitelist pickle decode only', baselineValue: mb / decode, ratio: decode / s, goal: 'ratio >= 0.5 (mapping costs at most as much as decoding)' });
    }
    const big = join(dir, 'kineto-chrome-trace', ctx.quick ? 'mi250_minitoy_train_ROCm6_2_kineto.json.gz' : 'df_index_resolver.json.gz');
    if (!existsSync(big)) rows.push({ group: 'import kineto', metric: 'events/s', value: NaN, unit: 'events/s', note: 'skipped: sample absent (../shared/trace-samples)' });
    else {
      const text = gunzipSync(readFileSync(big));
      const mb = text.length / 1e6;
      let events = 0;
      const s = await timeIt(reps, async () => (events = await importOnce(kinetoImporter, big)));
      const parse = await timeIt(reps, () => JSON.parse(text.toString('utf8')));
      ctx.log(`kineto: ${events} events in ${(s * 1000).toFixed(0)} ms (JSON.parse alone ${(parse * 1000).toFixed(0)} ms)`);
      const group = `import kineto ${big.split('/').pop()}`;
      rows.push({ group, metric: 'events/s', value: events / s, unit: 'events/s', note: `${events} events from ${(mb).toFixed(1)} MB of JSON (gzip)` });
      rows.push({ group, metric: 'MB/s', value: mb / s, unit: 'MB/s', baseline: 'native JSON.parse of the whole text', baselineValue: mb / parse, ratio: parse / s, goal: 'ratio >= 0.3 (streamed, sorted, located errors, bounded memory)' });
    }
    return rows;
  },
};

export default bench;
