import * as pageMask from '../../model/page-mask';
import type { PrefetchPolicy } from '../../policies/prefetch/index';
import * as ev from '../../trace/event';
import type { UvmState } from './state';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { maskRangeEmpty, popcount32 } = pageMask;
const { CPU } = ev;

// The prefetch region of a faulting block (the driver's `uvm_perf_prefetch.c`: the density tree over the
// block's pages; the policies themselves are src/policies/prefetch), sanitised against the block's state.

/**
 * Run `policy` for block `slot` toward processor `dest` (`resident` = dest's residency masks, faulted =
 * `pend`) into `out`, then sanitise: only pages that exist and are not faulted, resident, pinned or
 * thrashing; toward the device, never pages whose preferred location is the host.
 */
export function choosePrefetch(s: UvmState, slot: number, policy: PrefetchPolicy, resident: Uint32Array, out: Uint32Array, dest: number): number {
  const bl = s.blocks;
  const w = s.words;
  const o = slot * s.stride;
  const v = s.view;
  let first = -1;
  let last = -1;
  let hasThr = false;
  let firstFault = -1;
  // per-page thrashing state is read only once some page ever reached the threshold
  const thr = s.thr !== null && s.thr.detections !== 0;
  // pinned bits are read only once some page was ever pinned (migrate.ts pinToHost counts remoteMaps)
  const pinned = s.remoteMaps !== 0;
  const resV = v.resident;
  const faultV = v.faulted;
  const thrV = v.thrashing;
  // a block whose pages all exist (the common case) is not read from `exists` (blocks.ts full)
  const all = bl.full[slot] === 1 && w * 32 === s.ppb;
  for (let k = 0; k < w; k++) {
    resV[k] = resident[o + k]!;
    const f = bl.pend[o + k]!;
    faultV[k] = f;
    if (f !== 0 && firstFault < 0) firstFault = k * 32 + (31 - Math.clz32(f & -f));
    const pin = pinned ? bl.pinned[o + k]! : 0;
    const t = thr ? (pin | thrashingWord(s, slot, k)) >>> 0 : pin >>> 0;
    thrV[k] = t;
    if (t) hasThr = true;
    const e = all ? 0xffffffff : bl.exists[o + k]!;
    if (e !== 0) {
      if (first < 0) first = k * 32 + (31 - Math.clz32(e & -e));
      last = k * 32 + (31 - Math.clz32(e));
    }
  }
  if (first < 0) return 0;
  v.firstPage = first;
  v.endPage = last + 1;
  v.hasThrashing = hasThr;
  // first touch of a block whose preferred location is `dest`: populate the whole block (no preferred location
  // is set before any advice: state.ts anyAdvice)
  const pref = firstFault >= 0 && s.anyAdvice ? bl.prefLoc[slot * s.ppb + firstFault]! : 0;
  const hostPref = dest !== CPU && blockHasHostPref(s, slot);
  if (pref === dest + 1 && bl.devPages[slot] === 0 && maskRangeEmpty(bl.cpu, o, 0, s.ppb)) {
    for (let k = 0; k < w; k++) out[k] = bl.exists[o + k]!;
  } else {
    const chosen = policy.choose(v, out);
    // every prefetcher chooses only pages of [firstPage, endPage) that are neither faulted, resident nor thrashing, and
    // returns how many (the contract, types.ts; test/policies/contract.test.ts): in a block whose pages all exist and
    // with no page preferring the host, the pass below would change nothing
    if (all && !hostPref) return chosen;
  }
  let n = 0;
  for (let k = 0; k < w; k++) {
    let x = (out[k]! & (all ? 0xffffffff : bl.exists[o + k]!) & ~v.faulted[k]! & ~v.resident[k]! & ~v.thrashing[k]!) >>> 0;
    if (x !== 0 && hostPref) x = dropHostPreferred(s, slot, k, x);
    out[k] = x;
    n += popcount32(x);
  }
  return n;
}

function thrashingWord(s: UvmState, slot: number, k: number): number {
  const t = s.thr!;
  let x = 0;
  const base = slot * s.ppb + k * 32;
  const lim = Math.min(32, s.ppb - k * 32);
  const ev = t.events;
  const th = t.cfg.threshold;
  for (let j = 0; j < lim; j++) if (ev[base + j]! >= th) x |= 1 << j;
  return x >>> 0;
}

function blockHasHostPref(s: UvmState, slot: number): boolean {
  if (!s.anyHostPref) return false;
  const base = slot * s.ppb;
  const pl = s.blocks.prefLoc;
  for (let p = 0; p < s.ppb; p++) if (pl[base + p] === CPU + 1) return true;
  return false;
}

function dropHostPreferred(s: UvmState, slot: number, k: number, x: number): number {
  const base = slot * s.ppb + k * 32;
  for (let j = 0; j < 32; j++) if (x & (1 << j) && s.blocks.prefLoc[base + j] === CPU + 1) x &= ~(1 << j);
  return x >>> 0;
}
