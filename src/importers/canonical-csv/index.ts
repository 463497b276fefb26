import { fail } from '../../log/diagnostic';
import { importMessages } from '../../log/messages/trace';
import type { EventBatch } from '../../trace/batch';
import { readCanonicalCsv } from '../../trace/canonical-csv/read';
import { DEFAULT_MAX_LINE_BYTES } from '../../trace/canonical-csv/records';
import { readMappedCsv } from '../../trace/map/read';
import { loadMapSpec } from '../../trace/map/spec';
import { sortByTime } from '../../trace/sort';
import type { ImporterDef } from '../types';
import { sniffCanonicalCsv } from './sniff';

/** Options of the `csv` importer. */
export interface CsvImportOptions extends Record<string, number | boolean | string> {
  maxLineBytes: number;
  sort: boolean;
  map: string;
}

/**
 * `csv`: gmemlab's canonical CSV (`gmemlab-events` v1, docs/trace-formats.md part 1), read by the streaming
 * fast reader; with `map`, any CSV whose columns a map spec translates (`--map`, docs/import.md), read
 * with papaparse. A canonical file's metadata lines pass through unchanged (so import → write CSV
 * reproduces it byte for byte); a mapped file gets `source`, `importer` and `map` metadata.
 */
export const csvImporter = {
  name: 'csv' as const,
  summary: 'gmemlab canonical CSV (gmemlab-events v1); any other CSV through --map',
  version: 1,
  defaults: { maxLineBytes: DEFAULT_MAX_LINE_BYTES, sort: false, map: '' },
  options: {
    maxLineBytes: { summary: 'longest line accepted; longer ones are errors (a guard against non-CSV input)', unit: 'bytes' },
    sort: { summary: 'sort rows by t_ns (stable) instead of rejecting decreasing times; holds the trace in memory' },
    map: { summary: 'map spec (JSON text or a file path) translating a foreign CSV; see docs/import.md' },
  },
  sniff: (head) => sniffCanonicalCsv(head),
  async *read(input, opts, ctx) {
    // a limit of 0 bytes made every line "longer than the reader limit" at line 1 of the file, not an option error
    if (!(Number(opts.maxLineBytes) > 0)) fail(importMessages.badOption({}, 'csv', 'maxLineBytes', 'a size > 0 such as 64MiB', String(opts.maxLineBytes)));
    let src: AsyncIterable<EventBatch>;
    if (opts.map) {
      src = readMappedCsv(input, loadMapSpec(opts.map), {
        file: ctx.file, strict: ctx.strict, log: ctx.log, strings: ctx.strings, meta: ctx.meta, maxLineBytes: opts.maxLineBytes, sorted: !opts.sort,
      });
    } else {
      src = readCanonicalCsv(input.chunks(), {
        file: ctx.file, strict: ctx.strict, log: ctx.log, strings: ctx.strings, meta: ctx.meta, maxLineBytes: opts.maxLineBytes, checkOrder: !opts.sort,
      });
    }
    if (!opts.sort) return yield* src;
    const all: EventBatch[] = [];
    for await (const b of src) all.push(b);
    yield* sortByTime(all, ctx.strings);
  },
} satisfies ImporterDef<CsvImportOptions>;
