import * as pageMask from '../../model/page-mask';
import * as clockMod from '../../sim/clock';
import type { EventBatch } from '../../trace/batch';
import * as ev from '../../trace/event';
import * as deviceMemory from './device-memory';
import * as evictMod from './evict';
import * as migrateMod from './migrate';
import * as stateMod from './state';
import type { UvmState } from './state';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { Cause } = clockMod;
const { maskClear, maskNextSet, maskSet, maskTest, maskWeight, maskZero } = pageMask;
const { Advice, ADVICE_NAMES, CPU, NO_AGENT } = ev;
const { PAGE_BYTES } = deviceMemory;
const { DEV, MANAGED, isManagedRange } = stateMod;
const { evictFor, evictionOom, evictPages, hostOomAt, hostTakes, writeBackBytes } = evictMod;
const { collapseToHost, migrateIn } = migrateMod;

// Hints: cudaMemPrefetchAsync (the driver's `uvm_migrate.c`, `uvm_api_migrate`) and cudaMemAdvise
// (`uvm_policy.c`: read-mostly, preferred location, accessed-by).

/**
 * `prefetch` rows (cudaMemPrefetchAsync): migrate the range to the target. With `prefetchAsync` the
 * transfers only occupy the link; a later device access to a block still in flight waits for it.
 */
export function prefetch(s: UvmState, b: EventBatch, i: number): void {
  const target = b.target[i]!;
  const va = b.va[i]!;
  const end = va + b.bytes[i]!;
  const async = s.p.prefetchAsync;
  if (target !== CPU && target !== DEV) return s.rep.singleDevice(b.tNs[i]!, target, va);
  const a = s.allocAt(va);
  // no VA range at the address: uvm_migrate fails the call (NV_ERR_INVALID_ADDRESS → cudaErrorInvalidValue), the
  // program goes on; no access is skipped, so it is no fault-error (revision 9: before, it was one, and a run whose
  // trace prefetched memory it never allocated was `error` under uvm and `ok` under every other system)
  if (a < 0) return s.rep.rejectedPrefetch(va);
  if (!(s.allocs.flags[a]! & MANAGED)) return;
  const bl = s.blocks;
  const w = s.words;
  const aEnd = Math.min(end, s.allocs.end(a));
  let waitEnd = s.env.clock.nowNs;
  const r = s.opWalk;
  // to the device: its blocks are created (it migrates every page); to the CPU: only blocks that exist hold pages
  // on the device
  r.start(va, aEnd, target === DEV);
  while (r.next()) {
    const slot = r.slot;
    if (slot < 0) {
      if (target !== DEV) continue;
      s.tooManyBlocks(b.tNs[i]!, b.agent[i]!, r.firstVa);
      break;
    }
    const p0 = r.firstPage;
    const p1 = r.endPage;
    const o = slot * s.stride;
    const want = s.scratch;
    maskZero(want, 0, w);
    for (let p = p0; p < p1; p++) {
      if (!maskTest(bl.exists, o, p) || maskTest(bl.pinned, o, p)) continue;
      if (target === DEV ? !maskTest(bl.dev, o, p) : maskTest(bl.dev, o, p) && !maskTest(bl.cpu, o, p)) maskSet(want, 0, p);
    }
    const n = maskWeight(want, 0, w);
    if (n === 0) continue;
    if (target === DEV) {
      const need = s.mem.bytesFor(slot, n, want);
      bl.busy[slot] = 1;
      const ok = s.mem.headroom(s.p.preEvictAt) >= need || evictFor(s, need, s.p.preEvictAt);
      bl.busy[slot] = 0;
      if (!ok) {
        evictionOom(s, s.env.clock.nowNs, DEV, r.base + p0 * PAGE_BYTES, need);
        continue;
      }
      if (!async) s.env.clock.charge(Cause.fault, s.env.platform.device.fault.perPageNs * n);
      migrateIn(s, slot, want, want, s.out.fill(0), 0, s.env.clock.nowNs - s.throttleWaitNs, async);
      if (!async && s.lastTransferEnd > waitEnd) waitEnd = s.lastTransferEnd;
    } else {
      evictPagesAsPrefetch(s, slot, want, async);
    }
  }
  if (!async) s.env.clock.waitUntil(waitEnd, Cause.transfer);
}

/** Prefetch to the host: like an eviction of the range, not counted as one. */
function evictPagesAsPrefetch(s: UvmState, slot: number, pages: Uint32Array, async: boolean): void {
  const bytes = writeBackBytes(s, slot, pages);
  if (!hostTakes(s, bytes)) {
    // the migration to the CPU needs host pages (evict.ts hostTakes): it fails, the pages stay on the device
    hostOomAt(s, s.env.clock.nowNs, CPU, slot, maskNextSet(pages, 0, 0, s.ppb), bytes);
    return;
  }
  evictPages(s, slot, pages, !async, false);
}

export function advise(s: UvmState, b: EventBatch, i: number): void {
  const code = b.code[i]!;
  const va = b.va[i]!;
  const end = va + b.bytes[i]!;
  const target = b.target[i]!;
  const ok = code === Advice.read_mostly || code === Advice.unset_read_mostly || code === Advice.preferred_location
    || code === Advice.unset_preferred_location || code === Advice.accessed_by || code === Advice.unset_accessed_by;
  if (!ok) {
    s.ignoredAdvice++;
    s.rep.ignoredAdvice(ADVICE_NAMES[code] ?? String(code));
    return;
  }
  // advice that sets something creates the blocks it applies to (the driver keeps it in the range's policy, which a
  // block created later reads: the same pages end up advised); advice that clears has nothing to clear in a block
  // not created yet
  const sets = code === Advice.read_mostly || code === Advice.accessed_by || (code === Advice.preferred_location && target !== NO_AGENT);
  if (sets) s.anyAdvice = true;
  const r = s.opWalk;
  for (const it of s.allocs.ranges.overlapping(va, end)) {
    if (!isManagedRange(s.allocs.flags[it.value]!)) continue;
    r.start(Math.max(va, it.start), Math.min(end, it.end), sets);
    while (r.next()) {
      const slot = r.slot;
      if (slot < 0) {
        if (!sets) continue;
        return s.tooManyBlocks(b.tNs[i]!, b.agent[i]!, r.firstVa);
      }
      adviseBlock(s, code, target, slot, r.firstPage, r.endPage);
    }
  }
}

/** Advice `code` (to `target`) on the pages `[p0, p1)` of block `slot` that exist. */
function adviseBlock(s: UvmState, code: number, target: number, slot: number, p0: number, p1: number): void {
  const bl = s.blocks;
  const o = slot * s.stride;
  for (let p = p0; p < p1; p++) {
    if (!maskTest(bl.exists, o, p)) continue;
    switch (code) {
      case Advice.read_mostly:
        maskSet(bl.readMostly, o, p);
        break;
      case Advice.unset_read_mostly:
        maskClear(bl.readMostly, o, p);
        if (maskTest(bl.dev, o, p) && maskTest(bl.cpu, o, p)) collapseToHost(s, slot, p);
        break;
      case Advice.preferred_location:
        bl.prefLoc[slot * s.ppb + p] = target === NO_AGENT ? 0 : target + 1;
        if (target === CPU) s.anyHostPref = true;
        break;
      case Advice.unset_preferred_location:
        bl.prefLoc[slot * s.ppb + p] = 0;
        break;
      case Advice.accessed_by:
        maskSet(bl.accessedBy, o, p);
        break;
      case Advice.unset_accessed_by:
        maskClear(bl.accessedBy, o, p);
        break;
    }
  }
}
