import { defineMessage } from '../diagnostic';

/** Messages about the published reference tables (datasets/reference/) and `gmemlab figures`. */
export const figureMessages = {
  referenceMissing: defineMessage(
    'figures.reference-missing',
    'error',
    'The reference tables live in datasets/reference/ of the project; restore the file from git or pass the folder that holds them.',
    (name: string, dir: string) => ({ message: `reference table '${name}' not found in ${dir}` }),
    ['isca19-uvmsmart-runtimes', 'datasets/reference'],
  ),
  referenceHeader: defineMessage(
    'figures.reference-header',
    'error',
    'The header of a reference table must list the columns its loader expects (src/analysis/reference.ts); fix the header or the loader together.',
    (expected: readonly string[], found: readonly string[]) => ({
      message: 'unexpected columns',
      expected: expected.join(','),
      found: found.join(','),
    }),
    [['size_bytes', 'time_us'], ['size', 'time']],
  ),
  referenceCell: defineMessage(
    'figures.reference-cell',
    'error',
    'Published numbers are transcribed by hand: correct the cell (numbers without units or thousands separators; empty only where the column allows it).',
    (expected: string, found: string) => ({ message: 'bad cell', expected, found }),
    ['a number', '"1,180"'],
  ),
  referenceRow: defineMessage(
    'figures.reference-row',
    'error',
    'A reference row lacks the published value a figure compares against; add it to the table (with its source) or drop the comparison.',
    (table: string, what: string) => ({ message: `${table} has no row for ${what}` }),
    ['isca19-uvmsmart-runtimes', 'config no-oversub-tbn, benchmark bfs'],
  ),
  unknownFigure: defineMessage(
    'figures.unknown-figure',
    'error',
    'Run `gmemlab figures --list` for the figure ids.',
    (name: string, known: readonly string[]) => ({ message: `unknown figure '${name}'`, expected: `one of ${known.join(', ')}`, found: JSON.stringify(name) }),
    ['isca', ['isca19-prefetchers', 'gtx1080ti-transfer']],
  ),
  unknownClaim: defineMessage(
    'figures.unknown-claim',
    'error',
    'The claim ids are the `claim` column of datasets/reference/rfc-thread-claims.csv that has an experiment in src/figures/debate/.',
    (name: string, known: readonly string[]) => ({ message: `unknown debate claim '${name}'`, expected: `one of ${known.join(', ')}`, found: JSON.stringify(name) }),
    ['cow', ['cow-round-trip', 'huge-pages-must']],
  ),
} as const;
