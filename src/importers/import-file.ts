import { fail } from '../log/diagnostic';
import { importMessages } from '../log/messages/trace';
import { ArrowTraceWriter } from '../trace/arrow/write';
import type { EventBatch } from '../trace/batch';
import { writeCanonicalCsv } from '../trace/canonical-csv/write';
import { openTrace, type OpenedTrace, type OpenTraceOptions } from './open';
import { TraceSummarizer, type TraceSummary } from '../trace/summary';

/** Output kinds of `import -o`, by file extension. */
export type ImportOutputKind = 'csv' | 'arrow';

/** `.csv` → canonical CSV, `.arrow` → Arrow IPC; anything else is `import.bad-output`. */
export function outputKindOf(target: string): ImportOutputKind {
  if (/\.csv$/i.test(target)) return 'csv';
  if (/\.arrow$/i.test(target)) return 'arrow';
  return fail(importMessages.badOutput({}, target));
}

/**
 * The `import` command as a function: open `file` (format detection, validation, semantic checks),
 * stream it once, optionally writing canonical events to `output` (CSV or Arrow, atomically: when the
 * read fails, e.g. at the first structural error in strict mode, no output file exists afterwards), and
 * return the summary of that same pass.
 */
export async function importFile(
  file: string,
  opts: OpenTraceOptions = {},
  output?: string,
): Promise<{ summary: TraceSummary; trace: OpenedTrace }> {
  const kind = output === undefined ? null : outputKindOf(output);
  const trace = await openTrace(file, opts);
  const reader = trace.read();
  const summarizer = new TraceSummarizer();
  async function* tapped(): AsyncGenerator<EventBatch> {
    for await (const b of reader) {
      summarizer.update(b);
      yield b;
    }
  }
  if (kind === 'csv') await writeCanonicalCsv(tapped(), () => reader.meta, output!);
  else if (kind === 'arrow') {
    const w = ArrowTraceWriter.open(output!);
    try {
      for await (const b of tapped()) await w.write(b);
      await w.finish(reader.meta, reader.log);
    } catch (e) {
      await w.abort();
      throw e;
    }
  } else for await (const b of tapped()) void b;
  return { summary: summarizer.result(file, reader), trace };
}
