import { openAtomicWriter, writeChunk } from '../../io/atomic';
import type { EventBatch } from '../batch';
import {
  ACCESS_NAMES, ADVICE_NAMES, agentName, CSV_COLUMNS, flagsToTokens, NO_AGENT, Op, OP_CSV_NAMES,
} from '../event';
import type { TraceMeta } from '../trace';
import { RowEncoder } from './encode';

/**
 * Canonical CSV writer (`gmemlab-events` v1). The output is canonical: the same events and metadata always
 * give the same bytes (fixed column order, `0x` lowercase hex addresses, decimal integers, empty cells for
 * "not given", `count` only when ≠ 1, flags in declaration order, RFC 4180 quoting only where needed, LF).
 */

/** The `# format=` value of canonical CSV files. */
export const FORMAT_ID = 'gmemlab-events';
/** The canonical CSV format version written in the `# version=` line. */
export const FORMAT_VERSION = '1';

/** The metadata lines, `format` and `version` first, then `meta` in its own order. */
export function metaLines(meta: TraceMeta): string {
  let s = `# format=${FORMAT_ID}\n# version=${FORMAT_VERSION}\n`;
  for (const [k, v] of Object.entries(meta)) {
    if (k === 'format' || k === 'version') continue;
    s += `# ${k}=${v.replace(/[\r\n]/g, ' ')}\n`;
  }
  return s;
}

/** The header line the writer emits (all columns, `CSV_COLUMNS` order). */
export const HEADER_LINE = CSV_COLUMNS.join(',') + '\n';

function num(x: number): string {
  return Number.isNaN(x) ? '' : String(x);
}

function text(s: string): string {
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Rows of one batch as CSV text (no header). The readable reference implementation; the writer uses the
 * byte-level `RowEncoder` (encode.ts), which produces the same bytes without per-row garbage.
 */
export function batchToCsv(b: EventBatch): string {
  const parts: string[] = new Array(b.length);
  for (let i = 0; i < b.length; i++) {
    const op = b.op[i]!;
    const va = b.va[i]!;
    const code = b.code[i]!;
    const count = b.count[i]!;
    const res = b.resource[i]!;
    const lab = b.label[i]!;
    parts[i] =
      `${b.tNs[i]},${OP_CSV_NAMES[op]},${agentName(b.agent[i]!)},` +
      `${Number.isNaN(va) ? '' : '0x' + va.toString(16)},${num(b.bytes[i]!)},` +
      `${b.access[i] ? ACCESS_NAMES[b.access[i]!] : ''},${op === Op.advise && code ? ADVICE_NAMES[code] : ''},` +
      `${b.target[i] === NO_AGENT ? '' : agentName(b.target[i]!)},${flagsToTokens(b.flags[i]!)},` +
      `${res ? text(b.strings.get(res)) : ''},${num(b.offsetBytes[i]!)},${count === 1 ? '' : count},` +
      `${num(b.pageBytes[i]!)},${num(b.durNs[i]!)},${lab ? text(b.strings.get(lab)) : ''}\n`;
  }
  return parts.join('');
}

/**
 * Stream batches to `target` as canonical CSV, atomically: on any error the target is untouched.
 * `meta` is read after the first batch has been pulled, so a `TraceReader`'s own meta can be passed.
 * Returns the number of rows written.
 */
export async function writeCanonicalCsv(
  batches: AsyncIterable<EventBatch> | Iterable<EventBatch>,
  meta: TraceMeta | (() => TraceMeta),
  target: string,
): Promise<number> {
  const w = openAtomicWriter(target);
  const enc = new RowEncoder();
  let rows = 0;
  let headerDone = false;
  try {
    for await (const b of batches as AsyncIterable<EventBatch>) {
      if (!headerDone) {
        headerDone = true;
        await writeChunk(w.stream, metaLines(typeof meta === 'function' ? meta() : meta) + HEADER_LINE);
      }
      // a copy: the encoder reuses its buffer while the stream may still hold this chunk
      if (b.length) await writeChunk(w.stream, Buffer.from(enc.encode(b)));
      rows += b.length;
    }
    if (!headerDone) await writeChunk(w.stream, metaLines(typeof meta === 'function' ? meta() : meta) + HEADER_LINE);
    await w.commit();
    return rows;
  } catch (e) {
    await w.abort();
    throw e;
  }
}
