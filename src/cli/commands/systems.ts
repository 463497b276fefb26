import { listSystemPresets } from '../../systems/index';
import { fail } from '../../log/diagnostic';
import { cliMessages } from '../../log/messages/cli';
import type { Command } from '../command';

/** `gmemlab systems`: one line per system preset, then (with --params) each model's parameters. */
export const systemsCommand: Command = {
  name: 'systems',
  summary: 'list the system presets and their parameters',
  usage: 'gmemlab systems [--params]\n\nList the presets --system accepts, one line each; --params adds every parameter with its preset value and meaning.\n',
  options: { params: { type: 'boolean' } },
  async run(args, io) {
    // `gmemlab systems uvm` printed the whole list as if the argument were a filter
    if (args.positionals.length > 0) fail(cliMessages.badArguments({}, 'systems', `unexpected argument '${args.positionals[0]}' (this lists every preset)`));
    const presets = listSystemPresets();
    const w = Math.max(...presets.map((p) => p.name.length));
    const lines: string[] = [];
    for (const p of presets) {
      lines.push(`${p.name.padEnd(w)}  ${p.summary}`);
      if (args.values.params) {
        const values = { ...p.def.defaults, ...p.params };
        for (const [k, doc] of Object.entries(p.def.params)) {
          const allowed = doc.values ? ` (${doc.values.join('|')})` : doc.unit ? ` [${doc.unit}]` : '';
          lines.push(`${''.padEnd(w)}    ${k}=${String(values[k])}${allowed}: ${doc.summary}`);
        }
      }
    }
    io.stdout(lines.join('\n') + '\n');
    return 0;
  },
};
