import { prepareOutputFile, writeFileAtomic } from '../../io/atomic';
import { fail, formatDiagnosticLine } from '../../log/diagnostic';
import { cliMessages } from '../../log/messages/cli';
import { runMessages } from '../../log/messages/run';
import { formatResults, type ResultFormat } from '../../analysis/format-results';
import { compare } from '../../run/run';
import { OVERSUB_BASES, type RunSpec } from '../../run/run-spec';
import type { OversubBasis } from '../../sim/run-types';
import { formatRobustness, robustness } from '../../analysis/robustness';
import type { Trace } from '../../trace/trace';
import type { Command, OptionValues } from '../command';
import { Interrupted, onInterrupt } from '../interrupt';
import { openTrace, type OpenTraceOptions } from '../../importers/open';
import { TRACE_INPUT_FLAGS, TRACE_INPUT_USAGE, traceOpenOptions } from '../trace-options';

const USAGE = `gmemlab run <trace> --system <items> [--profile <platform>] [--set k=v …] [--oversub X] [--oversub-basis touched|allocated] [--seed N] [--from <format>] [--format table|json|csv] [--all] [--robustness] [-o file]

Simulate a trace through one or more systems; one result row per --system item.

  --system   comma list of items preset[:key=value…], e.g. gmem-linux,gmem-paper:mode=share
  --profile  platform preset (gmemlab profiles); gmem-paper defaults to x97-sim
  --set      device.<path>=v | link.<path>=v | host.<path>=v | <preset>.<param>=v | <param>=v (repeatable)
  --oversub  device capacity = floor(footprint / X); the footprint is the --oversub-basis:
  --oversub-basis  touched (default: distinct 4 KiB pages the trace's accesses cover; capacity rounded
             down to 4 KiB) or allocated (peak live device-accessible allocations; rounded down to 2 MiB)
  --seed     seed of every random choice (default 0)
  --format   table (default: a short summary, one row per system), json (array, one object per system) or
             csv (extra.* and params.* flattened); with -o and no --format, the file's extension decides
             (.json, .csv, anything else: table)
  --all      with the table format: every result field, one row per field
  --robustness  also say whether the comparison's conclusion (ranking, and the ratio of the first two on
             the same side of 1) holds when each placeholder or ranged profile field varies ×0.5…×2 and each
             modelling parameter over its documented values (docs/analysis.md; re-simulates)
  -o         write the output to a file (atomically) instead of stdout; a regular file or a new path
             (a FIFO, device, socket or folder is refused: redirect stdout instead); a symlink is followed

Reading the trace (any importable file):
${TRACE_INPUT_USAGE}`;

function str(v: OptionValues[string]): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function list(v: OptionValues[string]): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** The range a numeric flag must be in, as the run resolution states it (same code: `run.bad-number`). */
interface Range {
  readonly test: (n: number) => boolean;
  readonly expected: string;
}

const OVERSUB_RANGE: Range = { test: (n) => n > 0, expected: 'a ratio > 0 such as 1.25' };
const SEED_RANGE: Range = { test: (n) => n >= 0 && n < 2 ** 32, expected: 'an integer from 0 to 2^32-1' };

/**
 * A numeric flag. Its range is checked here, on the text as typed: left to the run resolution, the message showed
 * the parsed number (`--oversub=-0` said found "0", `--seed 1e300` found "1e+300").
 */
function num(flag: string, v: string | undefined, integer: boolean, range: Range): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) fail(cliMessages.badValue({}, flag, integer ? 'an integer' : 'a number', v));
  if (!range.test(n)) fail(runMessages.badNumber({}, flag, range.expected, v));
  return n;
}

/** The output format a file name implies: `.json` → json, `.csv` → csv, anything else → table. */
export function formatOfFile(path: string): ResultFormat {
  return /\.json$/i.test(path) ? 'json' : /\.csv$/i.test(path) ? 'csv' : 'table';
}

/** Build the `run` command; `open` resolves the trace argument (tests inject in-memory traces). */
export function makeRunCommand(open: (path: string, opts: OpenTraceOptions) => Promise<Trace> = openTrace): Command {
  return {
    name: 'run',
    summary: 'simulate a trace through systems on a hardware profile',
    usage: USAGE,
    options: {
      system: { type: 'string', multiple: true },
      profile: { type: 'string' },
      set: { type: 'string', multiple: true },
      oversub: { type: 'string' },
      'oversub-basis': { type: 'string' },
      seed: { type: 'string' },
      all: { type: 'boolean' },
      robustness: { type: 'boolean' },
      format: { type: 'string' },
      ...TRACE_INPUT_FLAGS,
      o: { type: 'string', short: 'o' },
    },
    async run(args, io) {
      const [tracePath, ...rest] = args.positionals;
      if (tracePath === undefined) fail(cliMessages.missingArgument({}, 'run', '<trace>'));
      if (rest.length > 0) fail(cliMessages.badArguments({}, 'run', `unexpected argument '${rest[0]}'`));
      const systems = list(args.values.system);
      if (systems.length === 0) fail(cliMessages.missingArgument({}, 'run', '--system'));
      const out = str(args.values.o);
      // without --format, `-o x.json` / `-o x.csv` write that format (a table in a .json file helps nobody)
      const format = (str(args.values.format) ?? (out !== undefined ? formatOfFile(out) : 'table')) as ResultFormat;
      if (!['table', 'json', 'csv'].includes(format)) fail(cliMessages.badValue({}, '--format', 'table, json or csv', format));
      const profile = str(args.values.profile);
      const oversub = num('--oversub', str(args.values.oversub), false, OVERSUB_RANGE) ?? null;
      const basis = str(args.values['oversub-basis']);
      if (basis !== undefined && !(OVERSUB_BASES as readonly string[]).includes(basis)) fail(cliMessages.badValue({}, '--oversub-basis', OVERSUB_BASES.join(' or '), basis));
      const seed = num('--seed', str(args.values.seed), true, SEED_RANGE) ?? 0;
      // before the (possibly long) simulation: -o must be a regular file or absent (a FIFO, device, socket or
      // folder is refused; a symlink is followed), its missing folders are created and it must be writable
      if (out !== undefined) prepareOutputFile(out);
      // Ctrl-C: stop at the next batch (the engine yields every ~50 ms when given a signal), write nothing
      const ac = new AbortController();
      const off = onInterrupt((sig) => {
        if (ac.signal.aborted) return false; // a second signal: exit at once
        ac.abort(new Interrupted(sig));
        return true;
      });
      let results;
      let robustnessText = '';
      try {
        // opened under the handler too: a Ctrl-C while the source is hashed stops before the first pass
        const trace = await open(tracePath, { ...traceOpenOptions('run', args.values), signal: ac.signal });
        const spec: RunSpec = { systems, ...(profile !== undefined ? { profile } : {}), set: list(args.values.set), oversub, ...(basis !== undefined ? { oversubBasis: basis as OversubBasis } : {}), seed };
        // a planning warning (e.g. --oversub leaving less than one unit of some system) is said before the runs
        results = await compare(trace, spec, { signal: ac.signal, onPlanWarning: (d) => io.stderr(`${formatDiagnosticLine(d)}\n`) });
        if (args.values.robustness) robustnessText = formatRobustness(await robustness(trace, spec, { signal: ac.signal, baseline: results }));
      } catch (e) {
        if (!(e instanceof Interrupted)) throw e;
        io.stderr(`\ngmemlab run: interrupted (${e.signal}); stopped before the end of the trace, nothing was written\n`);
        return 130;
      } finally {
        off();
      }
      const text = formatResults(results, format, { all: args.values.all === true }) + (format === 'table' ? robustnessText : '');
      if (format !== 'table' && robustnessText !== '') io.stderr(robustnessText);
      if (out !== undefined) writeFileAtomic(out, text);
      else io.stdout(text);
      return 0;
    },
  };
}

export const runCommand: Command = makeRunCommand();
