import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Benchmark } from '../../src/bench/types';
import { runProcess } from '../../src/workbench/run-process';
import { runNotebook } from '../../src/workbench/notebook-runner';

/**
 * `npm start` end to end on an already set-up clone (dependency and package checks, then every notebook in
 * notebooks/ executed, exported and its figures written), against the fixed cost of executing one EMPTY
 * notebook the same way (kernel start, nbconvert, HTML export, signing) as the baseline. The ratio says how
 * many "empty notebooks" of time npm start costs; the fresh-clone time (plus `npm ci`) is in the README.
 * Skipped in quick mode: it is the slowest benchmark and rewrites out/notebooks.
 */
const bench: Benchmark = {
  name: 'npm-start',
  summary: 'npm start end-to-end seconds (warm clone) vs executing one empty notebook',
  async run(ctx) {
    if (ctx.quick) {
      ctx.log('skipped in quick mode');
      return [];
    }
    const empty = join(ctx.tmpDir, 'empty.ipynb');
    writeFileSync(empty, JSON.stringify({ cells: [], metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } }, nbformat: 4, nbformat_minor: 5 }));
    ctx.log('executing an empty notebook (baseline)…');
    const base = await runNotebook(empty, { projectRoot: ctx.projectRoot, outDir: join(ctx.tmpDir, 'nb'), figuresDir: join(ctx.tmpDir, 'fig') });
    if (base.status !== 'passed') throw new Error(`baseline notebook ${base.status}`);
    ctx.log('running npm start…');
    const t0 = process.hrtime.bigint();
    const r = await runProcess(process.execPath, [join(ctx.projectRoot, 'scripts', 'start.mjs')], { cwd: ctx.projectRoot });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.code !== 0) throw new Error(`npm start exited ${r.code}:\n${r.stderr}`);
    const notebooks = (r.stdout.toString().match(/\.ipynb\s/g) ?? []).length;
    return [
      { group: 'npm start', metric: 'empty notebook', value: base.seconds, unit: 's', note: 'baseline: kernel start + nbconvert + export' },
      {
        group: 'npm start', metric: 'end to end (warm clone)', value: seconds, unit: 's', baseline: 'empty notebook', baselineValue: base.seconds,
        goal: '< 120 s', note: `${notebooks} notebook${notebooks === 1 ? '' : 's'}; lower is better`,
      },
    ];
  },
};
export default bench;
