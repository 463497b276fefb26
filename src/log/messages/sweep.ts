import { defineMessage } from '../diagnostic';

/** Messages about sweep specifications (sweep.json) and sweep result files. */
export const sweepMessages = {
  badJson: defineMessage('sweep.bad-json', 'error', 'Fix the JSON syntax at the position shown (strict JSON: double quotes, no trailing commas, no comments).', (reason: string) => ({
    message: `not valid JSON: ${reason}`,
  })),
  unknownField: defineMessage('sweep.unknown-field', 'error', 'Check the spelling; docs/analysis.md lists the fields of a sweep file.', (name: string, known: readonly string[]) => ({
    message: `unknown field '${name}'`,
    expected: `one of ${known.join(', ')}`,
    found: JSON.stringify(name),
  })),
  missingField: defineMessage('sweep.missing-field', 'error', 'Add the field; docs/analysis.md has an example sweep file.', (name: string) => ({
    message: `missing required field '${name}'`,
  })),
  badValue: defineMessage('sweep.bad-value', 'error', 'Use a value of the expected form (docs/analysis.md, "Sweep file").', (expected: string, found: string) => ({
    message: 'bad value',
    expected,
    found,
  })),
  empty: defineMessage('sweep.empty', 'error', 'Every list in the sweep (traces, systems, profiles, oversub, seeds, grid and scale values) must have at least one entry.', () => ({
    message: 'the sweep expands to no runs',
  })),
  resultsUnreadable: defineMessage(
    'sweep.results-unreadable',
    'error',
    'The existing results file cannot be resumed from. Move it away (or delete it) to start afresh, or pass another -o path.',
    (reason: string) => ({ message: `cannot resume from this results file: ${reason}` }),
  ),
  badOutput: defineMessage('sweep.bad-output', 'error', 'Name the results file with a .csv or .json extension.', (found: string) => ({
    message: 'results file must end in .csv or .json',
    expected: 'a path ending in .csv or .json',
    found: JSON.stringify(found),
  })),
  workersNeedRefs: defineMessage(
    'sweep.workers-need-refs',
    'error',
    'Give the trace as a file or a workload reference ({ "workload": id }) so each worker thread can stream it, or run with workers: 1.',
    (name: string, maxEvents: number) => ({ message: `trace '${name}' is held in memory and has more than ${maxEvents} rows, too many to share with worker threads` }),
  ),
} as const;
