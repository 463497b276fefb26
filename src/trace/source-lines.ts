import type { EventBatch } from './batch';

/**
 * Source line numbers of batch rows, for messages about events found after parsing (the semantic checker
 * names `file:line` when the importer recorded where each row came from). Kept beside the batch in a
 * WeakMap so `EventBatch` stays a plain columnar type and batches without lines cost nothing.
 */
const lines = new WeakMap<EventBatch, Uint32Array>();

/** Record that row `i` of `batch` came from line `rowLines[i]` (1-based) of the source. */
export function setSourceLines(batch: EventBatch, rowLines: Uint32Array): void {
  lines.set(batch, rowLines);
}

/** The 1-based source line of row `i`, or undefined when the importer did not record lines. */
export function sourceLineOf(batch: EventBatch, i: number): number | undefined {
  const l = lines.get(batch);
  return l ? l[i] : undefined;
}
