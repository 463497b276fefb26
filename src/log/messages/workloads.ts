import { defineMessage, quote } from '../diagnostic';

/** Messages about workload generators (`gmemlab generate`, `workloadTrace`): printed as `argument: …`. */
export const workloadMessages = {
  unknownWorkload: defineMessage(
    'workloads.unknown',
    'error',
    'Run `gmemlab workloads` for the list of workload generators.',
    (name: string, known: readonly string[]) => ({
      message: `unknown workload ${quote(name)}; known workloads are ${known.join(', ')}`,
    }),
  ),
  unknownParam: defineMessage(
    'workloads.unknown-param',
    'error',
    'Run `gmemlab workloads <id>` for the parameters of a workload and their defaults.',
    (workload: string, key: string, known: readonly string[]) => ({
      message: `workload '${workload}' has no parameter ${quote(key)}; its parameters are ${known.join(', ')}`,
    }),
  ),
  badParam: defineMessage(
    'workloads.bad-param',
    'error',
    'Run `gmemlab workloads <id>` for the meaning, unit and range of each parameter.',
    (workload: string, key: string, expected: string, found: string) => ({
      message: `bad value for parameter '${key}' of workload '${workload}'`,
      expected,
      found: quote(found),
    }),
  ),
  badSeed: defineMessage(
    'workloads.bad-seed',
    'error',
    'Use a whole number from 0 to 4294967295.',
    (found: string) => ({
      message: 'bad seed',
      expected: 'an integer in [0, 2^32)',
      found: quote(found),
    }),
  ),
} as const;
