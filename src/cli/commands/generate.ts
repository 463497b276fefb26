import { fail } from '../../log/diagnostic';
import { resolveOutputTarget } from '../../io/atomic';
import { cliMessages } from '../../log/messages/cli';
import { formatBytes, formatNs } from '../../units';
import { parseSetArgs } from '../../workloads/params';
import { writeWorkloadTrace, type GenerateSummary } from '../../workloads/write';
import type { Command } from '../command';

/** One-line report of a generated trace. */
export function generateReport(s: GenerateSummary): string {
  const ops = Object.entries(s.opCounts)
    .map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`)
    .join(', ');
  const rate = s.elapsedMs > 0 ? Math.round((s.events / s.elapsedMs) * 1000).toLocaleString('en-US') : '-';
  return (
    `wrote ${s.events.toLocaleString('en-US')} events to ${s.target} (${s.workload}, seed ${s.seed})\n` +
    `  accesses ${s.accesses.toLocaleString('en-US')} (weighted by count)\n` +
    `  footprint ${formatBytes(s.footprintBytes)}; trace time ${formatNs(s.lastTNs)}\n` +
    `  ops: ${ops}\n` +
    `  ${(s.elapsedMs / 1000).toFixed(2)} s, ${rate} events/s\n`
  );
}

/** `gmemlab generate <workload> [--seed N] [--set key=value …] -o <file>` (docs/cli.md §1, §7). */
export const generateCommand: Command = {
  name: 'generate',
  summary: 'generate a seeded workload trace (canonical CSV; .gz compresses)',
  usage:
    'Usage: gmemlab generate <workload> [--seed N] [--set key=value …] -o <file>\n\n' +
    'Writes the workload as canonical CSV (gzip when <file> ends in .gz), atomically. The same workload,\n' +
    'parameters and seed always give the same bytes. Sizes and durations take unit suffixes\n' +
    '(--set poolBytes=256MiB, --set interruptDelayNs=20us).\n\n' +
    'Options:\n' +
    '  --seed N          seed (integer 0 … 2^32−1; default 0)\n' +
    '  --set key=value   set a workload parameter (repeatable); `gmemlab workloads <id>` lists them\n' +
    '  -o, --output F    output file (required): a regular file or a new path; a FIFO, device, socket or\n' +
    '                    folder is refused; a symlink is followed to its final target\n',
  options: {
    seed: { type: 'string' },
    set: { type: 'string', multiple: true },
    output: { type: 'string', short: 'o' },
  },
  async run(args, io) {
    const [id, ...extra] = args.positionals;
    if (id === undefined) fail(cliMessages.missingArgument({}, 'generate', 'the workload id (run `gmemlab workloads` for the list)'));
    if (extra.length) fail(cliMessages.badArguments({}, 'generate', `unexpected argument '${extra[0]}'`));
    const target = args.values.output;
    if (typeof target !== 'string' || target === '') fail(cliMessages.missingArgument({}, 'generate', 'the output file (-o <file>)'));
    // before generating: -o must be a regular file or absent (FIFO, device, socket, folder refused); its
    // missing folders are created once the parameters are checked (writeWorkloadTrace)
    resolveOutputTarget(target);
    const texts = (args.values.set as string[] | undefined) ?? [];
    // checked on the texts: `'bad' in sets` would also catch `--set bad=1`, a key like any other
    const malformed = texts.find((t) => t.indexOf('=') <= 0);
    if (malformed !== undefined) fail(cliMessages.badValue({}, '--set', 'key=value', malformed));
    const sets = parseSetArgs(texts) as Record<string, string>;
    const seed = typeof args.values.seed === 'string' ? args.values.seed : 0;
    const summary = await writeWorkloadTrace(id, sets, seed, target);
    io.stdout(generateReport(summary));
    return 0;
  },
};
