import type { Command } from '../command';

/**
 * A registry entry that loads its command's module on first use of anything but `name` and `summary`, so
 * `gmemlab --help` and a command's own run load only what they need (the figures command alone pulls in
 * vega and arquero: ~0.4 s of CPU at every start when loaded eagerly). `summary` repeats the command's own;
 * test/cli/commands/index.test.ts checks that each entry matches the command it loads.
 */
function lazy(name: string, summary: string, load: () => Command): Command {
  let cmd: Command | undefined;
  const get = (): Command => (cmd ??= load());
  return {
    name,
    summary,
    get usage() {
      return get().usage;
    },
    get options() {
      return get().options;
    },
    run: (args, io) => get().run(args, io),
  };
}

/* eslint-disable @typescript-eslint/no-require-imports */
/**
 * The command registry (docs/cli.md §1). Adding a command: a file in this folder exporting a `Command`, one line
 * here (its name, its summary, and how to load it), a test in test/cli/.
 */
export const commands: readonly Command[] = [
  lazy('bench', 'run the benchmark suite; writes out/bench.csv', () => (require('./bench') as typeof import('./bench')).benchCommand),
  lazy('generate', 'generate a seeded workload trace (canonical CSV; .gz compresses)', () => (require('./generate') as typeof import('./generate')).generateCommand),
  lazy('workloads', "list the workload generators (or one workload's parameters)", () => (require('./workloads') as typeof import('./workloads')).workloadsCommand),
  lazy('import', 'read a trace in any supported format, validate it, write canonical events, print a summary', () => (require('./import') as typeof import('./import')).importCommand),
  lazy('inspect', 'summarise a trace: footprint, op mix, agents, VA span, time span, warnings', () => (require('./inspect') as typeof import('./inspect')).inspectCommand),
  lazy('formats', 'list the input formats (--from ids), one line each; `formats <id>` shows its options', () => (require('./formats') as typeof import('./formats')).formatsCommand),
  lazy('run', 'simulate a trace through systems on a hardware profile', () => (require('./run') as typeof import('./run')).runCommand),
  lazy('profiles', 'list the hardware platform presets', () => (require('./profiles') as typeof import('./profiles')).profilesCommand),
  lazy('systems', 'list the system presets and their parameters', () => (require('./systems') as typeof import('./systems')).systemsCommand),
  lazy('sweep', 'run traces × systems × profiles × parameter grids; resumable results file', () => (require('./sweep') as typeof import('./sweep')).sweepCommand),
  lazy('sweep-task', 'run one array task of a Slurm sweep directory (used by job.sbatch; docs/slurm.md)', () => (require('./sweep-slurm') as typeof import('./sweep-slurm')).sweepTaskCommand),
  lazy('figures', 'regenerate the reproduced paper figures and reproduction-summary.csv', () => (require('./figures') as typeof import('./figures')).figuresCommand),
];
/* eslint-enable @typescript-eslint/no-require-imports */
