import type { EventBatch } from '../../trace/batch';
import { CPU, Op } from '../../trace/event';
import * as state from './state';
import type { GmemState } from './state';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): the loops read a local copy.
const OP_ACCESS = Op.access;
const AGENT_CPU = CPU;
const { KIND_GMEM, MODE_EXCLUSIVE } = state;
/** Scratch of `warmRows` and `warmSlots` (calls never nest): frames, the frames' list neighbours. */
const frames = new Int32Array(256);
const prevs = new Int32Array(256);
const nexts = new Int32Array(256);
/** Where the loaded values go, so that the compiler keeps the loads; never read for results. */
let sink = 0;

/**
 * `SystemModel.warmRows` for GMEM: a speed hint that writes no state of the model's semantics. The hit path of
 * an access row reads three things, each found through the one before — the unit index entry of the row's unit
 * (its slot), the slot's record (its frame), the frame's links in the recency list — so a row waits for three cache misses
 * one after another, and the next row's misses start only after that (its path is too long for the
 * processor to run ahead). Here each stage is a short loop over up to 64 rows, whose misses are in flight
 * together; the rows then find those lines in cache. The links read are those of device 0's list (the
 * single-device case the hot path is for); rows that are not its hits read lines they do not use, which
 * costs nothing but the loads. (Measured in docs/decisions.md "Realistic scale, round 5".)
 * The slots found are kept (state.ts `warmSlots`), so that `deviceHitRows` does not look its rows up a second time:
 * a row gets a slot only when it passes the tests of `rowHitFrame` that no hit can change.
 */
export function warmRows(g: GmemState, b: EventBatch, from: number, to: number): void {
  const t = g.t;
  const invU = g.invU;
  const allocs = g.allocs;
  const { op, va, bytes, agent } = b;
  const m = Math.min(to - from, g.warmSlots.length);
  // the slots are kept for deviceHitRows (state.ts warmSlots): a row gets one only when it passes rowHitFrame's
  // tests that no hit can change (a device access within one unit of one live GMEM-kind allocation, exclusive mode). They are
  // state-table.ts hitCandidateSlot, written out here with the row-invariant loads hoisted: calling it per row made
  // the simulation of an all-hit trace ~10 % slower (2e7 rows: 0.86–0.87 → 0.95–0.99 s)
  const slots = g.warmSlots;
  const candidates = g.mode === MODE_EXCLUSIVE;
  const nDev = g.nDev;
  for (let k = 0; k < m; k++) {
    const i = from + k;
    let s = -1;
    if (candidates && op[i] === OP_ACCESS) {
      const v = va[i]!;
      const n = bytes[i]!;
      const end = v + n;
      const ag = agent[i]!;
      const u0 = Math.floor(v * invU);
      if (ag !== AGENT_CPU && ag - 1 < nDev && n > 0 && u0 === Math.floor((end - 1) * invU)) {
        const a = allocs.find(v);
        if (a !== undefined && end <= a.end && a.value.kind === KIND_GMEM) s = t.find(u0);
      }
    }
    slots[k] = s;
  }
  g.warmBatch = b;
  g.warmFrom = from;
  g.warmRows = m;
  g.warmAllocs = allocs.version;
  g.warmRemovals = t.removals;
  for (let k = 0; k < m; k++) {
    const s = slots[k]!;
    frames[k] = s >= 0 ? t.frameOf(s) : -1;
  }
  const list = g.touchLists[0];
  if (list == null) return;
  let acc = 0;
  for (let k = 0; k < m; k++) {
    const f = frames[k]!;
    if (f >= 0) acc += list.prevOf(f);
  }
  sink = (sink + acc) | 0;
}

/**
 * The same hint for a range operation's visit (ranges.ts `forUnitsIn`): before slots `slots[from..to)` are visited,
 * load what a visit that discards a unit reads — the slot's record, cold record and key, then (for a unit on a
 * device) device 0's pool entry and list links of its frame, then the links of the frame's two list neighbours
 * (unlinking writes them). A free of millions of units visits them in unit order, which is random in slot and
 * frame order: each visit waited for some six cache misses one after another. Reads only.
 */
export function warmSlots(g: GmemState, ordered: Int32Array, from: number, to: number): void {
  const t = g.t;
  const key = t.key;
  const m = Math.min(to - from, frames.length);
  let acc = 0;
  for (let k = 0; k < m; k++) {
    const s = ordered[from + k]!;
    frames[k] = t.frameOf(s);
    acc += t.refsOf(s) + key[s]!;
  }
  const list = g.touchLists[0];
  const pool = g.pools[0];
  if (list == null || pool === undefined) {
    sink = (sink + acc) | 0;
    return;
  }
  for (let k = 0; k < m; k++) {
    const f = frames[k]!;
    if (f >= 0 && f < pool.frames) {
      prevs[k] = list.prevOf(f); // -2 for a frame outside the list
      nexts[k] = list.nextOf(f);
      acc += pool.holder[f]!;
    } else prevs[k] = nexts[k] = -1;
  }
  for (let k = 0; k < m; k++) {
    const p = prevs[k]!;
    const n = nexts[k]!;
    if (p >= 0) acc += list.nextOf(p);
    if (n >= 0) acc += list.prevOf(n);
  }
  sink = (sink + acc) | 0;
}
