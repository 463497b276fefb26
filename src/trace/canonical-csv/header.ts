import { fail } from '../../log/diagnostic';
import { csvMessages } from '../../log/messages/trace';
import { CSV_COLUMNS } from '../event';
import { Col, colKindOf, makeLayout, type ColKind, type ColumnLayout } from './columns';

/**
 * Parse the header row of a canonical CSV: every name must be a canonical column (docs/trace-formats.md part 1)
 * or start with `x_` (carried, ignored); no duplicates; `t_ns` and `op` present. Column order is free.
 * Header problems are fatal in both strict and lenient mode (no row can be read without the header).
 * Names are trimmed of surrounding spaces.
 */
export function parseHeader(names: readonly string[], cols: readonly number[], file: string, line: number): ColumnLayout {
  const kinds: ColKind[] = [];
  const seen = new Map<string, number>();
  names.forEach((raw, f) => {
    const name = raw.trim();
    const col = cols[f]!;
    if (name.startsWith('x_')) {
      kinds.push(Col.ignored);
      return;
    }
    const k = colKindOf(name);
    if (k < 0) fail(csvMessages.unknownColumn({ file, line, col, field: name }, name, CSV_COLUMNS));
    const first = seen.get(name);
    if (first !== undefined) fail(csvMessages.duplicateColumn({ file, line, col, field: name }, name, first));
    seen.set(name, col);
    kinds.push(k as ColKind);
  });
  for (const req of ['t_ns', 'op'] as const) {
    if (!seen.has(req)) fail(csvMessages.missingColumn({ file, line, field: req }, req, 'which every row requires'));
  }
  return makeLayout(kinds, names.map((n) => n.trim()));
}
