import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pairedCost } from '../../src/bench/start';
import type { Benchmark, BenchRow } from '../../src/bench/types';
import { runNotebook } from '../../src/workbench/notebook-runner';

/**
 * Process start (issue 15): `gmemlab --help` (the CLI entry, compiled build, scripts/build.cjs) against
 * `node -e 0`, CPU seconds of the whole child process as the kernel accounts them, A/B in turn, medians; and
 * the first cell of a notebook importing the library (`import * as gm from './src/index'` and
 * `./src/analysis/notebook`), executed headlessly on the project's tslab kernel: the cell's own time from the
 * kernel's execution timestamps (busy → idle; the kernel has started, as when a user runs the first cell of
 * an opened notebook), and the whole nbconvert run for scale. Goals: ≤ 3× `node -e 0`; first cell ≤ 5 s.
 * Quick mode: 3 pairs, no notebook.
 */
const CELL = "import * as gm from './src/index';\nimport { show } from './src/analysis/notebook';\nconst version: string = gm.VERSION;\nversion";

const bench: Benchmark = {
  name: 'start',
  summary: 'process start: gmemlab --help CPU vs node -e 0; a notebook first cell importing the library',
  async run(ctx) {
    const root = ctx.projectRoot;
    const runs = ctx.quick ? 3 : 15;
    ctx.log(`gmemlab --help vs node -e 0, ${runs} pairs…`);
    const p = pairedCost({ cmd: process.execPath, args: [join(root, 'scripts', 'gmemlab.js'), '--help'] }, { cmd: process.execPath, args: ['-e', '0'] }, runs, root);
    const rows: BenchRow[] = [
      { group: 'start', metric: 'node -e 0 CPU', value: p.bCpuS * 1000, unit: 'ms', note: `median of ${runs}; wall ${(p.bWallS * 1000).toFixed(0)} ms` },
      {
        group: 'start', metric: 'gmemlab --help CPU', value: p.aCpuS * 1000, unit: 'ms', baseline: 'node -e 0 CPU', baselineValue: p.bCpuS * 1000, ratio: p.cpuRatio,
        goal: 'ratio <= 3', note: `median of ${runs} paired ratios; wall ${(p.aWallS * 1000).toFixed(0)} ms; lower is better`,
      },
    ];
    if (ctx.quick) return rows;
    const nb = join(ctx.tmpDir, 'first-cell.ipynb');
    writeFileSync(nb, JSON.stringify({
      cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: [CELL] }],
      metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } }, nbformat: 4, nbformat_minor: 5,
    }));
    ctx.log('declarations of src/ (as npm start builds them before starting kernels)…');
    (require(join(root, 'scripts', 'build.cjs')) as { typesOrWarn(): string | null }).typesOrWarn();
    ctx.log('a notebook whose first cell imports the library…');
    const out = join(ctx.tmpDir, 'nb');
    const r = await runNotebook(nb, { projectRoot: root, outDir: out, figuresDir: join(ctx.tmpDir, 'fig'), html: false });
    if (r.status !== 'passed') throw new Error(`first-cell notebook ${r.status}`);
    const cell = (JSON.parse(readFileSync(join(out, 'first-cell.ipynb'), 'utf8')) as { cells: Array<{ metadata: { execution?: Record<string, string> } }> }).cells[0]!;
    const ex = cell.metadata.execution ?? {};
    const cellS = (Date.parse(ex['iopub.status.idle'] ?? '') - Date.parse(ex['iopub.status.busy'] ?? '')) / 1000;
    rows.push(
      { group: 'start', metric: 'notebook first cell', value: cellS, unit: 's', goal: '<= 5 s', note: 'kernel started; busy → idle of the cell importing src/index; lower is better' },
      { group: 'start', metric: 'notebook run, one cell', value: r.seconds, unit: 's', note: 'nbconvert: Jupyter + kernel start + the cell' },
    );
    return rows;
  },
};
export default bench;
