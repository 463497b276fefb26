import { fail } from '../../log/diagnostic';
import { importMessages } from '../../log/messages/trace';
import { cliMessages } from '../../log/messages/cli';
import { ArrowTraceWriter } from '../../trace/arrow/write';
import type { EventBatch } from '../../trace/batch';
import { writeCanonicalCsv } from '../../trace/canonical-csv/write';
import { openTrace } from '../../trace/open';
import { TraceSummarizer } from '../../trace/summary';
import type { Command } from '../command';
import { formatDiagnostics, formatSummary } from '../format-summary';
import { TRACE_INPUT_FLAGS, TRACE_INPUT_USAGE, traceOpenOptions } from '../trace-options';

/**
 * `gmemlab import <file> [--from …] [--map …] [--strict|--lenient] [-o out.csv|out.arrow]` (cli.md §1):
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
IPC (out.arrow); the output appears only when the import succeeded.

Options:
${TRACE_INPUT_USAGE}  -o, --output <file>   write canonical events: .csv (canonical CSV) or .arrow (Arrow IPC)
`,
  options: { ...TRACE_INPUT_FLAGS, output: { type: 'string', short: 'o' } },
  async run(args, io) {
    const file = args.positionals[0];
    if (file === undefined) fail(cliMessages.missingArgument({}, 'import', '<file>'));
    if (args.positionals.length > 1) fail(cliMessages.badArguments({}, 'import', `unexpected argument '${args.positionals[1]}'`));
    const out = args.values.output as string | undefined;
    const kind = out === undefined ? null : /\.csv$/i.test(out) ? 'csv' : /\.arrow$/i.test(out) ? 'arrow' : fail(importMessages.badOutput({}, out));
    const trace = await openTrace(file, traceOpenOptions('import', args.values));
    const reader = trace.read();
    const summarizer = new TraceSummarizer();
    async function* tapped(): AsyncGenerator<EventBatch> {
      for await (const b of reader) {
        summarizer.update(b);
        yield b;
      }
    }
    if (kind === 'csv') await writeCanonicalCsv(tapped(), () => reader.meta, out!);
    else if (kind === 'arrow') {
      const w = ArrowTraceWriter.open(out!);
      try {
        for await (const b of tapped()) await w.write(b);
        await w.finish(reader.meta, reader.log);
      } catch (e) {
        await w.abort();
        throw e;
      }
    } else for await (const b of tapped()) void b;
    const s = summarizer.result(file, reader);
    const extra: Array<[string, string]> = [['format', `${trace.importer}${trace.strict ? '' : ' (lenient)'}, source sha256 ${trace.source.sha256}`]];
    const after: Array<[string, string]> = out ? [['written', `${out} (${kind === 'csv' ? 'canonical CSV' : 'Arrow IPC'})`]] : [];
    io.stdout(formatSummary(s, extra, after));
    io.stderr(formatDiagnostics(s));
    return 0;
  },
};
