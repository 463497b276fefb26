/**
 * The baseline every simulation benchmark measures itself against (scripts/bench/sim.bench.ts for GMEM,
 * scripts/bench/systems.bench.ts for the comparison systems), shared so both report ratios to the same loop:
 * a streamed trace of device accesses over a fixed page sequence, and the limit a simulator can reach on it —
 * a bare typed-array LRU over dense page ids — and the naive one, a Map-based LRU.
 *
 * The trace: one peer_shared allocation of 128 MiB (32,768 pages) and device accesses of 64 bytes whose page
 * comes from a precomputed 2^20-entry sequence (95 % from a 20,000-page hot set, 5 % uniform), cycled; it is
 * generated batch by batch into ONE reused buffer (consumers process a batch fully before asking for the
 * next, so reuse is safe and nothing accumulates).
 */
import { BatchBuilder, type EventBatch } from '../trace/batch';
import { Access, Flag, Op } from '../trace/event';
import { StringTable } from '../trace/strings';
import type { Trace, TraceReader } from '../trace/trace';
import { DiagnosticLog } from '../log/collector';
import { Rng } from '../sim/rng';
import { MiB } from '../units';

export const PAGE = 4096;
export const BASE = 1024 * MiB;
export const FOOTPRINT = 128 * MiB;
export const PAGES = FOOTPRINT / PAGE;
const SEQ_BITS = 20;
const ROWS = 65_536;

/** The page sequence (page numbers in [0, PAGES)) the streamed trace cycles through. */
export function pageSequence(seed: number): Int32Array {
  const rng = new Rng(seed);
  const seq = new Int32Array(1 << SEQ_BITS);
  for (let i = 0; i < seq.length; i++) seq[i] = rng.next() < 0.95 ? rng.int(20_000) : rng.int(PAGES);
  return seq;
}

/**
 * A trace of one alloc then `accesses` dev0 accesses, generated batch by batch into ONE reused buffer
 * (consumers process a batch fully before asking for the next, so reuse is safe and nothing accumulates).
 */
export function streamedTrace(seq: Int32Array, accesses: number): Trace {
  const mask = seq.length - 1;
  return {
    name: `generated:${accesses}`,
    read(): TraceReader {
      const strings = new StringTable();
      const log = new DiagnosticLog();
      return {
        meta: {},
        strings,
        log,
        async *[Symbol.asyncIterator]() {
          const head = new BatchBuilder(strings, 1);
          const i0 = head.addRow(Op.alloc, 0, 0, BASE, FOOTPRINT);
          head.cols.flags[i0] = Flag.peer_shared;
          yield head.take();
          const b = new BatchBuilder(strings, ROWS);
          for (let r = 0; r < ROWS; r++) b.addRow(Op.access, 0, 1, 0, 64);
          b.cols.access.fill(Access.r);
          b.length = ROWS;
          const full = b.take();
          const va = full.va as Float64Array;
          const t = full.tNs as Float64Array;
          let k = 0;
          for (let done = 0; done < accesses; ) {
            const n = Math.min(ROWS, accesses - done);
            for (let r = 0; r < n; r++, k++) {
              va[r] = BASE + seq[k & mask]! * PAGE;
              t[r] = k + 1;
            }
            yield n === ROWS ? full : sliceBatch(full, n);
            done += n;
          }
        },
      };
    },
  };
}

/** The first `n` rows of `b` (views, no copy). */
function sliceBatch(b: EventBatch, n: number): EventBatch {
  const o: Record<string, unknown> = { length: n, strings: b.strings };
  for (const [k, v] of Object.entries(b)) if (ArrayBuffer.isView(v)) o[k] = (v as Uint8Array).subarray(0, n);
  return o as unknown as EventBatch;
}

/** The limit: dense page ids, intrusive LRU over Int32Arrays, same frames. Returns misses. */
export async function bareLru(trace: Trace, frames: number): Promise<number> {
  return bareLruOver(trace, frames, BASE, PAGES);
}

/**
 * The bare LRU kernel of docs/bench-trace.md over any trace whose accesses are 4 KiB pages `p` at
 * `baseVa + p · PAGE`, p < `vaPages`: prev/next/key `Int32Array`s over slots, a direct `Int32Array(vaPages)`
 * page → slot index, a miss counter and nothing else. Returns misses.
 */
export async function bareLruOver(trace: Trace, frames: number, baseVa: number, vaPages: number): Promise<number> {
  const BASE = baseVa;
  const ACCESS = Op.access; // a local: imported bindings compile to getter calls under tsx (CommonJS interop)
  const slotOf = new Int32Array(vaPages).fill(-1);
  const pageOf = new Int32Array(frames);
  const prev = new Int32Array(frames);
  const next = new Int32Array(frames);
  let head = -1;
  let tail = -1;
  let used = 0;
  let misses = 0;
  for await (const b of trace.read()) {
    const { op, va } = b;
    for (let i = 0; i < b.length; i++) {
      if (op[i] !== ACCESS) continue;
      const p = Math.floor((va[i]! - BASE) / PAGE);
      let s = slotOf[p]!;
      if (s >= 0) {
        if (s === head) continue;
        // unlink, push front
        const ps = prev[s]!;
        const ns = next[s]!;
        next[ps] = ns;
        if (ns >= 0) prev[ns] = ps;
        else tail = ps;
      } else {
        misses++;
        if (used < frames) s = used++;
        else {
          s = tail;
          tail = prev[s]!;
          next[tail] = -1;
          slotOf[pageOf[s]!] = -1;
        }
        slotOf[p] = s;
        pageOf[s] = p;
        if (head < 0) {
          head = tail = s;
          prev[s] = next[s] = -1;
          continue;
        }
      }
      prev[s] = -1;
      next[s] = head;
      prev[head] = s;
      head = s;
    }
  }
  return misses;
}

/**
 * What a naive simulator does: a JS Map as an insertion-ordered LRU keyed by page number (delete + set on a
 * hit moves the page to the back). Same frames and page sequence as `bareLru`, so the miss counts agree.
 * Returns misses.
 */
export async function mapLru(trace: Trace, frames: number): Promise<number> {
  const m = new Map<number, true>();
  let misses = 0;
  for await (const b of trace.read()) {
    for (let i = 0; i < b.length; i++) {
      if (b.op[i] !== Op.access) continue;
      const p = Math.floor(b.va[i]! / PAGE);
      if (m.has(p)) {
        m.delete(p);
        m.set(p, true);
        continue;
      }
      misses++;
      if (m.size >= frames) m.delete(m.keys().next().value as number);
      m.set(p, true);
    }
  }
  return misses;
}
