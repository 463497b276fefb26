import { defineMessage } from '../diagnostic';

/** Messages of the notebook runner (`npm start`, the notebook test) and `npm run notebook`. */
export const notebookMessages = {
  cellFailed: defineMessage(
    'notebook.cell-failed',
    'error',
    'Fix the cell (its error text follows the message), or run the notebook interactively with `npm run notebook`. Output on stderr counts as a failure: notebooks must run quietly.',
    (cell: number, kind: 'error' | 'stderr', source: string) => ({
      message: `cell ${cell} ${kind === 'error' ? 'raised an exception' : 'wrote to stderr'}`,
      found: JSON.stringify(source.length > 60 ? `${source.slice(0, 60)}…` : source),
    }),
    [3, 'stderr', "await show(chart, { name: 'live-bytes' });"],
  ),
  nbconvertFailed: defineMessage(
    'notebook.nbconvert-failed',
    'error',
    'Jupyter could not execute the notebook (kernel did not start, died, or timed out); the last lines of its log follow the message.',
    (reason: string) => ({ message: `jupyter nbconvert failed: ${reason}` }),
    ['exit code 1'],
  ),
  jupyterMissing: defineMessage(
    'notebook.jupyter-missing',
    'error',
    'Install Debian\'s Jupyter: `apt-get install -y --no-install-recommends jupyter-nbconvert jupyter-notebook` (npm start does it when run as root).',
    (path: string) => ({ message: `Jupyter not found at ${path}` }),
    ['/usr/bin/jupyter'],
  ),
  noNotebooks: defineMessage(
    'notebook.none-selected',
    'error',
    'Name notebooks by a part of their file name, e.g. `npm start -- tour`; without names every notebook in notebooks/ runs.',
    (filters: readonly string[], available: readonly string[]) => ({
      message: `no notebook matches ${filters.map((f) => JSON.stringify(f)).join(', ')}`,
      expected: `one of ${available.join(', ') || '(none)'}`,
    }),
    [['tuor'], ['tour']],
  ),
} as const;
