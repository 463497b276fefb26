import type { Command } from '../command';
import { fail } from '../../log/diagnostic';
import { cliMessages } from '../../log/messages/cli';
import { importerList } from '../../importers/index';
import type { ImporterDef } from '../../importers/types';

/** The formats `formats` lists: every registered importer, in `--from auto` sniffing order. */
export function listedFormats(): readonly ImporterDef<any>[] {
  return importerList();
}

/** One line per format: id, summary. */
export function formatLines(defs: readonly ImporterDef<any>[]): string {
  const w = Math.max(...defs.map((d) => d.name.length));
  return defs.map((d) => `${d.name.padEnd(w)}  ${d.summary}\n`).join('');
}

/** The options of one format: name, default, allowed values or unit, meaning. */
export function optionLines(def: ImporterDef<any>): string {
  const names = Object.keys(def.options);
  let s = `${def.name} (version ${def.version}): ${def.summary}\n`;
  if (!names.length) return s + '  (no options)\n';
  const w = Math.max(...names.map((n) => n.length));
  for (const n of names) {
    const doc = def.options[n]!;
    const dflt = (def.defaults as Record<string, unknown>)[n];
    const extra = doc.values ? ` (${doc.values.join(' | ')})` : doc.unit ? ` (${doc.unit})` : '';
    s += `  ${n.padEnd(w)}  default ${JSON.stringify(dflt)}${extra}: ${doc.summary}\n`;
  }
  return s;
}

/** `gmemlab formats [<format>]`: the input formats (docs/cli.md §1), one line each; with a name, its options. */
export const formatsCommand: Command = {
  name: 'formats',
  summary: 'list the input formats (--from ids), one line each; `formats <id>` shows its options',
  usage: 'gmemlab formats [<format>]\n\nLists the input formats accepted by --from. With a format id, prints that importer\'s options and defaults.\n',
  options: {},
  async run(args, io) {
    const defs = listedFormats();
    const [name, ...rest] = args.positionals;
    if (rest.length) fail(cliMessages.badArguments({}, 'formats', `expected at most one format id, got ${args.positionals.length}`));
    if (name === undefined) {
      io.stdout(formatLines(defs));
      return 0;
    }
    const def = defs.find((d) => d.name === name);
    if (!def) fail(cliMessages.badValue({}, 'formats <format>', defs.map((d) => d.name).join(', '), name));
    io.stdout(optionLines(def!));
    return 0;
  },
};
