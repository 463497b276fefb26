import * as pageMask from '../../model/page-mask';
import type { EventBatch } from '../../trace/batch';
import * as ev from '../../trace/event';
import * as deviceMemory from './device-memory';
import * as evictMod from './evict';
import * as stateMod from './state';
import type { PageTables } from './page-tables';
import type { UvmState } from './state';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { maskClearRange, maskRangeEmpty, popcount32 } = pageMask;
const { Flag } = ev;
const { PAGE_BYTES } = deviceMemory;
const { MANAGED } = stateMod;
const { evictFor, evictionOom } = evictMod;

// Allocations (the driver's `uvm_va_range.c`: a managed range; its VA blocks are created on first use,
// UvmState.blockAt; `cudaMalloc` memory is device memory from the start) and their free, which forgets the range's
// pages.

/**
 * Block slots an allocation reserves room for at most (2^16: 128 GiB of 2 MiB windows, ~90 MiB of tables with page
 * frames), so an allocation of realistic size grows the tables once; a larger one costs memory only as its blocks are
 * created.
 */
const RESERVE_BLOCKS = 1 << 16;

export function alloc(s: UvmState, b: EventBatch, i: number): void {
  const va = b.va[i]!;
  const bytes = b.bytes[i]!;
  const flags = b.flags[i]!;
  const id = s.allocs.addRow(b, i, s.rep);
  if (id < 0) return;
  if (flags & Flag.device) {
    const need = Math.ceil(bytes / PAGE_BYTES) * PAGE_BYTES;
    if (s.mem.headroom(1) < need && !evictFor(s, need, 1)) {
      evictionOom(s, b.tNs[i]!, b.agent[i]!, va, need);
      s.failedDeviceAllocs.add(id); // cudaMalloc fails: no memory is taken
      return;
    }
    s.mem.deviceAllocBytes += need; // cudaMalloc memory: resident from alloc, never evicted
    return;
  }
  if (!(flags & MANAGED)) return;
  const k0 = Math.floor(va / s.blockBytes);
  const k1 = Math.floor((va + bytes - 1) / s.blockBytes);
  s.blocks.anchor(k0);
  // room for the blocks it may use, up to RESERVE_BLOCKS (a larger one grows the tables as its blocks are created)
  s.blocks.reserve(Math.min(k1 - k0 + 1, RESERVE_BLOCKS));
  // blocks of the range that exist already (another allocation's pages share the window) gain its pages
  for (const k of k0 === k1 ? [k0] : [k0, k1]) {
    const slot = s.blocks.find(k);
    if (slot < 0) continue;
    s.fillManagedPages(k, s.blocks.exists, slot * s.stride);
    s.blocks.updateFull(slot);
  }
  const pt = s.pageTables;
  if (pt) {
    // every window of the range holds managed memory from now on; the first and last may have had some already
    changeWindows(s, pt, k0, k1, id, 1);
    reservePageTables(s, pt);
  }
}

/**
 * Page tables of the windows `[k0, k1]` an allocation (`id`) brings into use (`sign` 1) or leaves (−1): each window no
 * other live managed allocation shares. Only the first and last window can be shared (allocations do not overlap).
 */
function changeWindows(s: UvmState, pt: PageTables, k0: number, k1: number, id: number, sign: 1 | -1): void {
  let a = k0;
  let b = k1;
  if (s.managedIn(k0, id)) a++;
  if (k1 > k0 && s.managedIn(k1, id)) b--;
  if (a <= b) pt.changeBlocks(a, b, sign);
}

/**
 * Hold the page tables' kernel root chunks (page-tables.ts): more when the VA blocks in use need them (the driver
 * allocates them with eviction, uvm_mmu.c:885-887; when even that fails it falls back to sysmem, :557-566: then
 * they take nothing), fewer when blocks went away.
 */
function reservePageTables(s: UvmState, pt: PageTables): void {
  const want = pt.rootChunkBytes(s.blockBytes);
  const more = want - s.mem.kernelBytes;
  if (more > 0 && s.mem.headroom(1) < more && !evictFor(s, more, 1)) return;
  s.mem.kernelBytes = want;
}

export function free(s: UvmState, b: EventBatch, i: number): void {
  const va = b.va[i]!;
  const id = s.allocs.removeRow(b, i, s.rep);
  if (id < 0) return;
  const flags = s.allocs.flags[id]!;
  const bytes = s.allocs.bytes[id]!;
  if (flags & Flag.device) {
    if (!s.failedDeviceAllocs.delete(id)) s.mem.deviceAllocBytes -= Math.ceil(bytes / PAGE_BYTES) * PAGE_BYTES;
    return;
  }
  if (!(flags & MANAGED)) return;
  forgetRange(s, va, bytes);
  const pt = s.pageTables;
  if (pt) {
    changeWindows(s, pt, Math.floor(va / s.blockBytes), Math.floor((va + bytes - 1) / s.blockBytes), id, -1);
    reservePageTables(s, pt);
  }
}

/** Forget the pages of a freed managed range; a block left without live pages is released. */
function forgetRange(s: UvmState, va: number, bytes: number): void {
  const bl = s.blocks;
  const r = s.opWalk;
  r.start(va, va + bytes);
  while (r.next()) {
    const slot = r.slot;
    if (slot < 0) continue;
    const base = r.base;
    let p0 = r.firstPage;
    let p1 = r.endPage;
    // A page the freed range covers only partly stays while another managed allocation still uses it
    // (sub-page allocations, e.g. a caching allocator's 512-byte blocks, share pages).
    if (r.isFirst && p0 < p1 && managedOn(s, base + p0 * PAGE_BYTES)) p0++;
    if (r.isLast && p0 < p1 && managedOn(s, base + (p1 - 1) * PAGE_BYTES)) p1--;
    if (p0 >= p1) continue;
    const o = slot * s.stride;
    dropPages(s, slot, p0, p1);
    maskClearRange(bl.exists, o, p0, p1);
    bl.full[slot] = 0;
    if (maskRangeEmpty(bl.exists, o, 0, s.ppb)) {
      s.mem.removeBlock(slot);
      bl.release(slot);
    } else if (bl.devPages[slot] === 0) s.mem.removeBlock(slot);
  }
}

/** True when a live managed allocation overlaps the page starting at `pageVa`. */
function managedOn(s: UvmState, pageVa: number): boolean {
  for (const it of s.allocs.ranges.overlapping(pageVa, pageVa + PAGE_BYTES)) if (s.allocs.flags[it.value]! & MANAGED) return true;
  return false;
}

/**
 * `dropPage` for every existing page of `[p0, p1)` of `slot`, a word of 32 pages at a time (a free of a large
 * range forgets millions of pages); the same effects in the same order per kind (page frames released in
 * ascending page order).
 */
function dropPages(s: UvmState, slot: number, p0: number, p1: number): void {
  const bl = s.blocks;
  const o = slot * s.stride;
  const base = slot * s.ppb;
  const pageMode = s.mem.mode === 'page';
  const thr = s.thr;
  const advised = s.anyAdvice;
  for (let k = p0 >>> 5; k <= (p1 - 1) >>> 5; k++) {
    const lo = k * 32;
    const a = p0 > lo ? p0 - lo : 0;
    const b = p1 < lo + 32 ? p1 - lo : 32;
    const range = ((b === 32 ? 0xffffffff : (1 << b) - 1) & ~(a === 0 ? 0 : (1 << a) - 1)) >>> 0;
    const m = (bl.exists[o + k]! & range) >>> 0;
    if (m === 0) continue;
    const d = (bl.dev[o + k]! & m) >>> 0;
    if (d !== 0) {
      bl.dev[o + k] = (bl.dev[o + k]! & ~d) >>> 0;
      bl.devPages[slot]! -= popcount32(d);
      if (pageMode) {
        for (let x = d; x !== 0; ) {
          const bit = x & -x;
          x = (x ^ bit) >>> 0;
          s.mem.removePage(slot, lo + (31 - Math.clz32(bit)));
        }
      }
    }
    const c = (bl.cpu[o + k]! & m) >>> 0;
    if (c !== 0) {
      bl.cpu[o + k] = (bl.cpu[o + k]! & ~c) >>> 0;
      s.hostBytes -= popcount32(c) * PAGE_BYTES;
    }
    const pn = (bl.pinned[o + k]! & m) >>> 0;
    if (pn !== 0) {
      bl.pinned[o + k] = (bl.pinned[o + k]! & ~pn) >>> 0;
      bl.pinnedCount[slot]! -= popcount32(pn);
    }
    // advice masks and preferred locations are all zero until some advice was applied (state.ts anyAdvice)
    if (advised) {
      bl.readMostly[o + k] = (bl.readMostly[o + k]! & ~m) >>> 0;
      bl.accessedBy[o + k] = (bl.accessedBy[o + k]! & ~m) >>> 0;
    }
    if (m === 0xffffffff) {
      if (advised) bl.prefLoc.fill(0, base + lo, base + lo + 32);
      if (thr) thr.resetRange(base + lo, base + lo + 32);
    } else {
      for (let x = m; x !== 0; ) {
        const bit = x & -x;
        x = (x ^ bit) >>> 0;
        const id = base + lo + (31 - Math.clz32(bit));
        if (advised) bl.prefLoc[id] = 0;
        if (thr) thr.reset(id);
      }
    }
  }
}
