import { runBenchSuite } from '../../bench/runner';
import type { Command } from '../command';

/** `gmemlab bench` (docs/cli.md §1): the benchmark suite, same as `npm run bench`. */
export const benchCommand: Command = {
  name: 'bench',
  summary: 'run the benchmark suite; writes out/bench.csv',
  usage: `Usage: gmemlab bench [--quick] [--list] [-o <file.csv>] [<name>…]

Runs scripts/bench/<name>.bench.ts (all, or those named), each in its own process, prints one table
(group, metric, value, unit, baseline, ratio, goal, note) and writes the rows with the machine's
description to out/bench.csv. --quick uses tiny inputs (a smoke run; writes out/bench-quick.csv).
`,
  options: { quick: { type: 'boolean' }, list: { type: 'boolean' }, out: { type: 'string', short: 'o' } },
  async run(args, io) {
    const v = args.values;
    return runBenchSuite(
      { names: args.positionals, quick: v.quick === true, list: v.list === true, ...(typeof v.out === 'string' ? { out: v.out } : {}) },
      { stdout: io.stdout, stderr: io.stderr },
    );
  },
};
