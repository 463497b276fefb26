import { fail } from '../../log/diagnostic';
import { cliMessages } from '../../log/messages/cli';
import { openTrace } from '../../importers/open';
import { summarizeTrace } from '../../trace/summary';
import type { Command } from '../command';
import { formatDiagnostics, formatSummary } from '../format-summary';
import { TRACE_INPUT_FLAGS, TRACE_INPUT_USAGE, traceOpenOptions } from '../trace-options';

/** `gmemlab inspect <trace> [--from …]` (docs/cli.md §1): footprint, op mix, agents, VA span, time span, warnings. */
export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'summarise a trace: footprint, op mix, agents, VA span, time span, warnings',
  usage: `Usage: gmemlab inspect <trace> [--from <format>|auto] [--map <spec>] [--lenient] [--json]

Prints what a trace holds: events per op, agents, VA span, time span, footprint (peak live
device-accessible bytes in 2 MiB granules, the basis of --oversub), digest, metadata and warnings.

Options:
${TRACE_INPUT_USAGE}  --json                print the summary as JSON
`,
  options: { ...TRACE_INPUT_FLAGS, json: { type: 'boolean' } },
  async run(args, io) {
    const file = args.positionals[0];
    if (file === undefined) fail(cliMessages.missingArgument({}, 'inspect', '<trace>'));
    if (args.positionals.length > 1) fail(cliMessages.badArguments({}, 'inspect', `unexpected argument '${args.positionals[1]}'`));
    const trace = await openTrace(file, traceOpenOptions('inspect', args.values));
    const cached = trace.isCached();
    const s = await summarizeTrace(trace);
    if (args.values.json) {
      io.stdout(`${JSON.stringify({ ...s, format: trace.format, importer: trace.importer, source: trace.source }, null, 2)}\n`);
      return 0;
    }
    const extra: Array<[string, string]> = [
      ['format', `${trace.importer}${trace.strict ? '' : ' (lenient)'}, source sha256 ${trace.source.sha256}`],
    ];
    if (trace.cacheFile) extra.push(['cache', `${cached ? 'loaded from' : 'written to'} ${trace.cacheFile}`]);
    io.stdout(formatSummary(s, extra));
    io.stderr(formatDiagnostics(s));
    return 0;
  },
};
