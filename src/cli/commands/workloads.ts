import { fail } from '../../log/diagnostic';
import { cliMessages } from '../../log/messages/cli';
import type { ParamValue } from '../../params';
import { formatBytes, formatNs } from '../../units';
import { getWorkload, workloadIds } from '../../workloads/index';
import { formatParamValue } from '../../workloads/params';
import type { ParamDoc } from '../../params';
import type { Command } from '../command';

/** A default as shown in listings: sizes and durations also in human units. */
function showDefault(v: ParamValue, doc: ParamDoc): string {
  const raw = formatParamValue(v);
  if (typeof v === 'number' && doc.unit === 'bytes' && v >= 1024) return `${raw} (${formatBytes(v)})`;
  if (typeof v === 'number' && doc.unit === 'ns' && v >= 1000) return `${raw} (${formatNs(v)})`;
  return raw;
}

/** The parameter table of one workload (name, default, meaning). */
export function workloadHelp(id: string): string {
  const def = getWorkload(id);
  const rows = Object.keys(def.defaults).map((k) => {
    const doc = def.params[k] as ParamDoc;
    const values = doc.values ? ` [${doc.values.join(' | ')}]` : '';
    return [k, showDefault(def.defaults[k]!, doc), doc.summary + values] as const;
  });
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  const lines = rows.map(([k, d, s]) => `  ${k.padEnd(w0)}  ${d.padEnd(w1)}  ${s}`);
  return `${def.name}: ${def.summary}\n\nParameters (--set key=value):\n${lines.join('\n')}\n\nSee docs/workloads.md for the event mapping.\n`;
}

/** `gmemlab workloads [<id>]`: the workload registry, one line each, or one workload's parameters. */
export const workloadsCommand: Command = {
  name: 'workloads',
  summary: 'list the workload generators (or one workload\'s parameters)',
  usage: 'Usage: gmemlab workloads [<id>]\n\nWithout an id: one line per workload with its default footprint. With an id: its parameters.\n',
  options: {},
  async run(args, io) {
    const [id, ...extra] = args.positionals;
    if (extra.length) fail(cliMessages.badArguments({}, 'workloads', `unexpected argument '${extra[0]}'`));
    if (id !== undefined) {
      io.stdout(workloadHelp(id));
      return 0;
    }
    const ids = workloadIds();
    const w = Math.max(...ids.map((i) => i.length));
    io.stdout(ids.map((i) => `${i.padEnd(w)}  ${getWorkload(i).summary}\n`).join(''));
    return 0;
  },
};
