import type { ParseArgsConfig } from 'node:util';
import { parseOptionPairs } from '../importers/options';
import type { FormatId } from '../importers/types';
import { fail } from '../log/diagnostic';
import { cliMessages } from '../log/messages/cli';
import type { OpenTraceOptions } from '../importers/open';
import type { OptionValues } from './command';

/** Flags shared by the commands that read a trace file (`import`, `inspect`). */
export const TRACE_INPUT_FLAGS: NonNullable<ParseArgsConfig['options']> = {
  from: { type: 'string' },
  map: { type: 'string' },
  strict: { type: 'boolean' },
  lenient: { type: 'boolean' },
  opt: { type: 'string', multiple: true },
  'no-cache': { type: 'boolean' },
};

/** Usage lines for `TRACE_INPUT_FLAGS`. */
export const TRACE_INPUT_USAGE = `  --from <format>|auto  input format (default auto: detected from the first bytes)
  --map <spec>          map spec for a foreign CSV: a JSON file or inline JSON (docs/import.md)
  --strict              stop at the first structural error (default)
  --lenient             skip bad rows, count them by reason, show the first 5 of each
  --opt key=value       importer option (repeatable), e.g. --opt sort=true
  --no-cache            do not read or write the Arrow import cache (.gmemlab-cache/)
`;

/** `OpenTraceOptions` from parsed flags. */
export function traceOpenOptions(command: string, v: OptionValues): OpenTraceOptions {
  if (v.strict && v.lenient) fail(cliMessages.badArguments({}, command, '--strict and --lenient exclude each other'));
  return {
    from: (v.from as FormatId | 'auto' | undefined) ?? 'auto',
    map: v.map as string | undefined,
    strict: !v.lenient,
    options: parseOptionPairs((v.opt as string[] | undefined) ?? []),
    cache: !v['no-cache'],
  };
}
