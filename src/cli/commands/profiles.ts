import { listPlatforms, platformParts } from '../../profiles/index';
import { placeholderFields, resolvePlatform } from '../../profiles/resolve';
import { formatBytes } from '../../units';
import { fail } from '../../log/diagnostic';
import { cliMessages } from '../../log/messages/cli';
import type { Command } from '../command';

/** `gmemlab profiles`: one line per platform preset (docs/cli.md §1). */
export const profilesCommand: Command = {
  name: 'profiles',
  summary: 'list the hardware platform presets',
  usage: 'gmemlab profiles\n\nList the platform presets --profile accepts: id, device, link, host, capacity and the count of placeholder (P) values.\n',
  options: {},
  async run(args, io) {
    // `gmemlab profiles uvm` printed the whole list as if the argument were a filter
    if (args.positionals.length > 0) fail(cliMessages.badArguments({}, 'profiles', `unexpected argument '${args.positionals[0]}' (this lists every preset)`));
    const rows = listPlatforms().map((p) => {
      const parts = platformParts(p);
      const r = resolvePlatform(p.id);
      return [p.id, `${parts.device.id} + ${parts.link.id} + ${parts.host.id}`, formatBytes(r.device.memory.capacityBytes), `${placeholderFields(r).length} P`, p.summary];
    });
    const w = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c]!.length)));
    io.stdout(rows.map((r) => r.map((cell, c) => (c < 4 ? cell.padEnd(w[c]!) : cell)).join('  ')).join('\n') + '\n');
    return 0;
  },
};
