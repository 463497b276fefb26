import { resolve } from 'node:path';
import { fail } from '../../log/diagnostic';
import { checkOutputFolder } from '../../io/atomic';
import { cliMessages } from '../../log/messages/cli';
import { computeFigures, FIGURE_IDS, FIGURES, type ComputeFiguresOptions } from '../../figures/index';
import type { FigureScale } from '../../figures/context';
import { passRateText, writeFigures } from '../../figures/write';
import { PROJECT_ROOT } from '../../version';
import type { Command } from '../command';
import { formatTable } from '../../display/text-table';

const USAGE = `gmemlab figures [-o <dir>] [--full | --quick] [--only <id>[,<id>…]] [--list]

Regenerate every reproduced figure from real simulation runs on generated traces and compare it with the
published numbers of datasets/reference/ (docs/figures.md). Writes to <dir> (default out/figures):
  <figure>-<chart>.png/.svg         each figure's charts
  <figure>.csv                      the runs behind it, each with its specHash
  <figure>-compared.csv             its published-vs-reproduced numbers
  reproduction-summary.csv          one row per compared number (figure, series, published, reproduced,
                                    ratio, tolerance, pass, specHash, …)
  orderings.csv                     published vs reproduced rankings
  reproduction-summary.md, .png/.svg   methods, misses with their likely model gap; the overall scatter
A miss is a result, not an error: the exit code is 0 whatever the pass rate.

Options:
  -o, --output DIR   output folder (default out/figures); an existing file in it that would be replaced
                     must be a regular file (a FIFO, device or socket is refused before computing)
  --full             paper-sized inputs (minutes); default: scaled-down inputs (well under a minute)
  --quick            the smallest inputs (seconds; for tests)
  --only IDS         only these figures (comma list, repeatable)
  --list             list the figures and exit
`;

/** `gmemlab figures` (docs/cli.md §1; docs/figures.md). */
export const figuresCommand: Command = {
  name: 'figures',
  summary: 'regenerate the reproduced paper figures and reproduction-summary.csv',
  usage: USAGE,
  options: {
    output: { type: 'string', short: 'o' },
    full: { type: 'boolean' },
    quick: { type: 'boolean' },
    only: { type: 'string', multiple: true },
    list: { type: 'boolean' },
  },
  async run(args, io) {
    if (args.positionals.length) fail(cliMessages.badArguments({}, 'figures', `unexpected argument '${args.positionals[0]}'`));
    if (args.values.list) {
      io.stdout(formatTable(['figure', 'compares'], FIGURES.map((f) => [f.id, f.summary])));
      return 0;
    }
    if (args.values.full && args.values.quick) fail(cliMessages.badArguments({}, 'figures', '--full and --quick exclude each other'));
    const scale: FigureScale = args.values.full ? 'full' : args.values.quick ? 'quick' : 'default';
    const only = ((args.values.only as string[] | undefined) ?? []).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
    const dir = resolve(typeof args.values.output === 'string' ? args.values.output : resolve(PROJECT_ROOT, 'out', 'figures'));
    const opts: ComputeFiguresOptions = {
      scale,
      only,
      // calibration rows (a profile value was fitted on them) are shown apart and not scored
      onFigure: (f, ms) => io.stderr(`${f.id}: ${f.rows.filter((r) => r.pass && !r.calibration).length}/${f.rows.filter((r) => !r.calibration).length} within tolerance, ${(ms / 1000).toFixed(1)} s\n`),
    };
    // before computing: the folder must be a folder (or new) and no file it will hold may be a FIFO, device …
    const ids = only.length ? only : FIGURE_IDS;
    checkOutputFolder(dir, (name) => /^(reproduction-summary|orderings)\./.test(name) || ids.some((id) => name.startsWith(id) && (name[id.length] === '.' || name[id.length] === '-')));
    io.stderr(`gmemlab figures: ${only.length ? only.join(', ') : `${FIGURE_IDS.length} figures`} at ${scale} scale\n`);
    const outcome = await computeFigures(opts);
    const written = await writeFigures(outcome, dir);
    const rows = outcome.figures.map((f) => {
      const scored = f.rows.filter((r) => !r.calibration);
      const pass = scored.filter((r) => r.pass).length;
      const ord = f.orderings.filter((o) => o.pass).length;
      return [f.id, String(scored.length), String(pass), scored.length ? `${Math.round((pass / scored.length) * 100)} %` : '—', String(f.rows.length - scored.length), f.orderings.length ? `${ord}/${f.orderings.length}` : '—'];
    });
    io.stdout(formatTable(['figure', 'compared', 'pass', 'rate', 'calibration', 'rankings'], rows));
    io.stdout(`\npass rate: ${passRateText(outcome)}\n`);
    io.stdout(`${outcome.runs} simulation runs in ${(outcome.wallMs / 1000).toFixed(1)} s; ${written.files.length} files in ${dir}\n`);
    return 0;
  },
};
