import { fail } from '../../log/diagnostic';
import { resolveOutputTarget } from '../../io/atomic';
import { cliMessages } from '../../log/messages/cli';
import { importFile, outputKindOf } from '../../importers/import-file';
import type { Command } from '../command';
import { formatDiagnostics, formatSummary } from '../format-summary';
import { TRACE_INPUT_FLAGS, TRACE_INPUT_USAGE, traceOpenOptions } from '../trace-options';

/**
 * `gmemlab import <file> [--from …] [--map …] [--strict|--lenient] [-o out.csv|out.arrow]` (docs/cli.md §1):
 * read any supported format, validate it, optionally write canonical events (CSV or Arrow, atomically:
 * in strict mode a bad input leaves no output file), and print the summary. Kept diagnostics go to stderr.
 */
export const importCommand: Command = {
  name: 'import',
  summary: 'read a trace in any supported format, validate it, write canonical events, print a summary',
  usage: `Usage: gmemlab import <file> [--from <format>|auto] [--map <spec>] [--strict|--lenient] [-o <out.csv|out.arrow>]

Reads <file>, checks every row (structural errors stop a --strict import; --lenient skips and counts
them), runs the semantic checks (warnings), and prints a summary: events per op, agents, VA span,
time span, footprint, digest, warnings. With -o, writes the canonical events as CSV (out.csv) or Arrow
IPC (out.arrow); the output appears only when the import succeeded. A file with nothing to simulate (no
alloc/free/access/map… rows: only kernels, markers or copies without an address) exits 2, saying what it
holds and how to record what gmemlab needs. The output must be a regular file or
a new path (a FIFO, device, socket or folder is refused before anything is read); a symlink is followed.

Options:
${TRACE_INPUT_USAGE}  -o, --output <file>   write canonical events: .csv (canonical CSV) or .arrow (Arrow IPC)
`,
  options: { ...TRACE_INPUT_FLAGS, output: { type: 'string', short: 'o' } },
  async run(args, io) {
    const file = args.positionals[0];
    if (file === undefined) fail(cliMessages.missingArgument({}, 'import', '<file>'));
    if (args.positionals.length > 1) fail(cliMessages.badArguments({}, 'import', `unexpected argument '${args.positionals[1]}'`));
    const out = args.values.output as string | undefined;
    const kind = out === undefined ? null : outputKindOf(out);
    // before the source is opened and hashed: -o must be a regular file or absent (a FIFO, device, socket
    // or folder is refused, exit 2; a symlink is followed to its final target)
    if (out !== undefined) resolveOutputTarget(out);
    const { summary, trace } = await importFile(file, traceOpenOptions('import', args.values), out);
    const extra: Array<[string, string]> = [['format', `${trace.importer}${trace.strict ? '' : ' (lenient)'}, source sha256 ${trace.source.sha256}`]];
    const after: Array<[string, string]> = out ? [['written', `${out} (${kind === 'csv' ? 'canonical CSV' : 'Arrow IPC'})`]] : [];
    io.stdout(formatSummary(summary, extra, after));
    io.stderr(formatDiagnostics(summary));
    return 0;
  },
};
