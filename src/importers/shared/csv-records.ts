import type { InputFile } from '../../io/input';
import { importerMessages } from '../../log/messages/importers';
import type { ImportContext } from '../types';
import { structural } from './context';
import { splitCsvLine } from './csv-line';
import { readLines } from './lines';

/** One well-formed line of a CSV: its text, cells and 1-based line number (the first one is the header). */
export interface CsvRecord {
  readonly text: string;
  readonly cells: string[];
  readonly line: number;
}

/**
 * The non-blank lines of a CSV export (rocprofv3 and the like: RFC 4180 quoting, no embedded line breaks)
 * as cells. The first well-formed line is the header; a line with an unterminated quote, or a later line
 * whose cell count differs from the header's, is reported as a structural problem (thrown in strict mode)
 * and skipped, and `onMalformed` is called for it (to count drops).
 */
export async function* csvRecords(input: InputFile, ctx: ImportContext, onMalformed?: () => void): AsyncGenerator<CsvRecord> {
  let width = -1;
  for await (const l of readLines(input.chunks(), ctx.file)) {
    if (l.text.trim() === '') continue;
    const cells = splitCsvLine(l.text);
    const where = { file: ctx.file, line: l.line };
    if (!cells) {
      structural(ctx, importerMessages.syntax(where, 'CSV line', 'a closing quote', JSON.stringify(l.text.slice(0, 60))));
      onMalformed?.();
      continue;
    }
    if (width < 0) {
      width = cells.length;
      yield { text: l.text, cells, line: l.line };
      continue;
    }
    if (cells.length !== width) {
      structural(ctx, importerMessages.syntax(where, 'CSV row', `${width} cells`, `${cells.length}`));
      onMalformed?.();
      continue;
    }
    yield { text: l.text, cells, line: l.line };
  }
}
