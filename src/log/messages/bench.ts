import { defineMessage } from '../diagnostic';

/** Messages of the benchmark runner (`npm run bench`, `gmemlab bench`). */
export const benchMessages = {
  unknownBenchmark: defineMessage(
    'bench.unknown',
    'error',
    'Name benchmarks by their file name without `.bench.ts`; run `npm run bench -- --list` for the list.',
    (name: string, known: readonly string[]) => ({ message: `no benchmark named '${name}'`, expected: `one of ${known.join(', ')}` }),
    ['rendr', ['render', 'npm-start']],
  ),
  badModule: defineMessage(
    'bench.bad-module',
    'error',
    'A benchmark file must `export default` an object with `name`, `summary` and `run(ctx)` (src/bench/types.ts).',
    (what: string) => ({ message: `not a benchmark: ${what}` }),
    ['default export has no run() function'],
  ),
  failed: defineMessage(
    'bench.failed',
    'error',
    'The benchmark crashed; its error output is shown above the table. Other benchmarks still ran.',
    (name: string, reason: string) => ({ message: `benchmark '${name}' failed: ${reason}` }),
    ['render', 'exit code 1'],
  ),
} as const;
