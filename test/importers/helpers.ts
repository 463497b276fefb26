import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openInput } from '../../src/io/input';
import { createImportContext, type CollectingImportContext } from '../../src/importers/shared/context';
import type { ImporterDef } from '../../src/importers/types';
import type { EventBatch } from '../../src/trace/batch';
import { batchesToEvents } from '../../src/trace/batch';
import { OP_NAMES, type TraceEvent } from '../../src/trace/event';
import { PROJECT_ROOT } from '../../src/version';

/** The shared samples folder, resolved from the project root (`../shared/trace-samples`). */
export const SAMPLES = join(PROJECT_ROOT, '..', 'shared', 'trace-samples');
/** Hand-written fixtures committed with the tests. */
export const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures');

/** Path of a sample, or undefined when the samples folder (or that sample) is absent. */
export function sample(rel: string): string | undefined {
  const p = join(SAMPLES, rel);
  return existsSync(p) ? p : undefined;
}

/** Skip reason when a sample is absent (one line, as the acceptance asks). */
export function absent(rel: string): string | false {
  return sample(rel) ? false : `sample ${rel} absent (../shared/trace-samples not present)`;
}

export interface Imported {
  readonly batches: EventBatch[];
  readonly ctx: CollectingImportContext;
  /** Rows per op name (only ops that occur). */
  readonly counts: Record<string, number>;
  readonly rows: number;
}

/** Import `path` with `def` (defaults merged with `opts`) through a real ImportContext. */
export async function importWith(def: ImporterDef<any>, path: string, opts: Record<string, unknown> = {}, strict = true): Promise<Imported> {
  const ctx = createImportContext(path, { strict });
  const input = await openInput(path);
  const batches: EventBatch[] = [];
  for await (const b of def.read(input, { ...def.defaults, ...opts }, ctx)) batches.push(b);
  const counts: Record<string, number> = {};
  let rows = 0;
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      const n = OP_NAMES[b.op[i]!]!;
      counts[n] = (counts[n] ?? 0) + 1;
    }
    rows += b.length;
  }
  return { batches, ctx, counts, rows };
}

/** All rows in authoring form. */
export function events(r: Imported): TraceEvent[] {
  return batchesToEvents(r.batches);
}

/** True when every row's tNs is >= the previous one (across batches). */
export function timeOrdered(batches: readonly EventBatch[]): boolean {
  let last = -Infinity;
  for (const b of batches) {
    for (let i = 0; i < b.length; i++) {
      if (b.tNs[i]! < last) return false;
      last = b.tNs[i]!;
    }
  }
  return true;
}
