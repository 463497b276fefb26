import * as pageMask from '../../model/page-mask';
import { transferNs } from '../../model/link';
import { grown } from '../../io/typed-arrays';
import { PREFETCH_POLICIES } from '../../policies/prefetch/index';
import * as clockMod from '../../sim/clock';
import * as deviceMemory from './device-memory';
import * as sharedRoots from './shared-roots';
import * as stateMod from './state';
import type { UvmPrefetch } from './params';
import type { UvmState } from './state';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { Cause } = clockMod;
const { PAGE_BYTES } = deviceMemory;
const { SHARED_ROOT } = sharedRoots;
const { popcount32 } = pageMask;

// Eviction when device memory is needed (the driver's `uvm_pmm_gpu.c`: `pick_and_evict_root_chunk` evicts the
// root chunk at the head of `va_block_used`; the ISCA'19 variants evict pages). The victim order is the
// eviction variant's (evictions.ts, device-memory.ts); this file moves the victims' pages to the host.

/**
 * Evict until `need` bytes fit under `fraction × capacity`. Eviction needed to fit the full capacity is
 * synchronous (the clock waits for the write-back); eviction beyond it (pre-eviction, `preEvictAt` < 1) only
 * occupies the D2H link. Returns false when nothing more can be evicted, or when host memory cannot take the next
 * victim's write-back (`hostTakes`; the victim stays): the caller reports either with `evictionOom`.
 */
export function evictFor(s: UvmState, need: number, fraction: number): boolean {
  const mem = s.mem;
  s.hostShortBytes = 0;
  while (mem.headroom(fraction) < need) {
    const sync = mem.headroom(1) < need;
    const slot = mem.victimPages(s.env.clock.nowNs);
    if (slot < 0 && slot !== SHARED_ROOT) return mem.headroom(1) >= need;
    // a victim writes back at most a VA block or a shared root chunk (`victimBoundBytes`): with that much room in
    // host memory its exact write-back need not be counted
    if (!hostTakes(s, s.victimBoundBytes)) {
      const wb = slot === SHARED_ROOT ? sharedRootWriteBackBytes(s, mem.victimRoot) : writeBackBytes(s, slot, mem.victimMask);
      if (!hostTakes(s, wb)) {
        s.hostShortBytes = wb; // the victim stays; the caller reports a host OOM (evictionOom)
        return false;
      }
    }
    if (slot === SHARED_ROOT) evictSharedRoot(s, mem.victimRoot, sync);
    else evictPages(s, slot, mem.victimMask, sync, true);
    if (s.preSlot >= 0) need -= firstTransferLands(s);
    if (!sync) s.backgroundEvictions++;
    if (!s.p.prefetchOnOversub) s.prefetchOn = false;
    else if (s.p.oversubPrefetch !== 'same' && s.prefetchKind !== s.p.oversubPrefetch) switchPrefetcher(s, s.p.oversubPrefetch);
  }
  return true;
}

/**
 * Whether host memory can take `bytes` more (the victim's write-back, a CPU fault's migration). Host memory is the
 * platform's `host.dramBytes`, without swap, as for gmem-* (residency.ts hostReserve). The driver (595.45.04) backs an
 * evicted page with a CPU page it allocates: uvm_va_block_evict_chunks makes the pages resident on the CPU
 * (uvm_va_block.c:12999-13006, UVM_MAKE_RESIDENT_CAUSE_EVICTION) → block_populate_pages (:4820) → block_alloc_cpu_chunk
 * (:1508-1543) → uvm_cpu_chunk_alloc_page with GFP_KERNEL | GFP_HIGHUSER (uvm_pmm_sysmem.c:427-456, uvm_linux.h:120).
 * Those pages are the driver's and not swappable. When the allocation fails the eviction fails
 * (evict_root_chunk_from_va_block returns its status, uvm_pmm_gpu.c:1157-1189, :1319-1321), and so does the fault
 * service that needed the memory: `evictFor` then keeps the bytes in `hostShortBytes`, so its caller reports a host
 * OOM (`evictionOom`) instead of a device one.
 */
export function hostTakes(s: UvmState, bytes: number): boolean {
  return s.hostBytes + bytes <= s.hostCapBytes;
}

/** The host OOM at page `p` of block `slot` (time `tNs`, for `agent`): host memory could not take `bytes` for it. */
export function hostOomAt(s: UvmState, tNs: number, agent: number, slot: number, p: number, bytes: number): void {
  s.rep.oom(tNs, agent, s.blocks.key[slot]! * s.blockBytes + p * PAGE_BYTES, 'host', bytes);
}

/**
 * The OOM of a failed eviction, reported by the caller once it gives up (`evictFor` returned false): host memory when
 * the last `evictFor` stopped because the host could not take a victim's pages, else device memory.
 */
export function evictionOom(s: UvmState, tNs: number, agent: number, va: number, needBytes: number): void {
  if (s.hostShortBytes > 0) s.rep.oom(tNs, agent, va, 'host', s.hostShortBytes);
  else s.rep.oom(tNs, agent, va, 'device', needBytes);
}

/** Bytes that evicting `pages` of `slot` writes back to the host: its device-resident pages without a host copy. */
export function writeBackBytes(s: UvmState, slot: number, pages: Uint32Array): number {
  const bl = s.blocks;
  const o = slot * s.stride;
  let n = 0;
  for (let k = 0; k < s.words; k++) n += popcount32((pages[k]! & bl.dev[o + k]! & ~bl.cpu[o + k]!) >>> 0);
  return n * PAGE_BYTES;
}

function sharedRootWriteBackBytes(s: UvmState, root: number): number {
  const roots = s.mem.roots!;
  const n = roots.rootBlocks(root);
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const slot = roots.rootSlots[i]!;
    roots.piecesMask(root, slot, s.mem.victimMask);
    bytes += writeBackBytes(s, slot, s.mem.victimMask);
  }
  return bytes;
}

/**
 * Evict a shared root chunk (driver mode): every VA block with a sub-chunk in it, one block at a time, in sub-chunk
 * order (`evict_root_chunk`, uvm_pmm_gpu.c:1291-1330: `find_and_retain_va_block_to_evict` walks the root's chunks,
 * `evict_root_chunk_from_va_block` evicts that block's chunks in the root); then the root is free (shared-roots.ts).
 * Each block is one eviction.
 */
function evictSharedRoot(s: UvmState, root: number, sync: boolean): void {
  const roots = s.mem.roots!;
  const n = roots.rootBlocks(root);
  for (let i = 0; i < n; i++) {
    const slot = roots.rootSlots[i]!;
    roots.piecesMask(root, slot, s.mem.victimMask);
    evictPages(s, slot, s.mem.victimMask, sync, true);
    roots.free(slot, root);
  }
}

/**
 * UVMSmart mode, after a fault service's first victim: UVMSmart picks the next victim only when the running write-back
 * ends (its pages still count as staged for write, gpu-sim.cc:3093-3106 with `should_evict_page`, cuda-sim/memory.cc:
 * 259-262, while its frames were freed when it started, :3141-3156), and the read lane meanwhile starts the service's
 * first transfer if the free frames cover it (:3276); when it lands its pages join the LRU list (`refresh_valid_pages`,
 * :3197), so the next victim's reservation count includes them. If the first transfer (`s.preSlot`) lands before the
 * victim's write-back ends, its pages take their frames now; returns the bytes they took (the caller needs that much
 * less). Only the first transfer is followed: later ones wait for frames the later victims free.
 */
function firstTransferLands(s: UvmState): number {
  const slot = s.preSlot;
  s.preSlot = -1;
  const nowNs = s.env.clock.nowNs;
  const h2dFree = s.link.freeAt('h2d');
  const landNs = (h2dFree > nowNs ? h2dFree : nowNs) + transferNs(s.link.link, (s.preB - s.preA) * PAGE_BYTES, 'h2d');
  if (landNs > s.link.freeAt('d2h')) return 0;
  let bytes = 0;
  for (let p = s.preA; p < s.preB; p++) if (s.mem.insertPage(slot, p, nowNs)) bytes += PAGE_BYTES;
  return bytes;
}

/** Switch the device-fault prefetcher after the first eviction (`oversubPrefetch`, UVMSmart `hwprefetch_oversub`). */
export function switchPrefetcher(s: UvmState, kind: UvmPrefetch): void {
  const def = PREFETCH_POLICIES[kind];
  const params = kind === 'tbn' ? stateMod.tbnParams(s.p) : {};
  s.prefetcher = def.create(params as never, { rng: s.env.rng.fork() });
  s.prefetchKind = kind;
}

/**
 * Move `pages` (a block-local mask) of `slot` from the device to the host: write-back of every page that
 * has no host copy, in contiguous runs; one device TLB invalidation; frames/chunk released.
 */
export function evictPages(s: UvmState, slot: number, pages: Uint32Array, sync: boolean, countEviction: boolean): void {
  const env = s.env;
  const c = env.counters;
  const bl = s.blocks;
  const words = s.words;
  const o = slot * s.stride;
  const nowNs = env.clock.nowNs;
  // UVMSmart (faultCost=far-fault) frees a victim's frames when its write-back is scheduled on the write lane, so
  // the fault waits for the write-back to start (gpgpu-sim_UVMSmart gpu-sim.cc:3131–3156, :3276; helper I's study);
  // the driver copies the victim out before it reuses the chunk: the fault waits for the end
  const freeAt = s.link.freeAt('d2h');
  const startNs = freeAt > nowNs ? freeAt : nowNs;
  const wb = s.runMask;
  let moved = 0;
  for (let k = 0; k < words; k++) {
    const ev = (pages[k]! & bl.dev[o + k]!) >>> 0;
    if (ev === 0) {
      wb[k] = 0;
      continue;
    }
    const w = (ev & ~bl.cpu[o + k]!) >>> 0; // pages without a valid host copy are written back
    wb[k] = w;
    bl.cpu[o + k] = (bl.cpu[o + k]! | w) >>> 0;
    s.hostBytes += popcount32(w) * PAGE_BYTES;
    bl.dev[o + k] = (bl.dev[o + k]! & ~ev) >>> 0;
    moved += popcount32(ev);
    if (s.mem.mode === 'page') {
      let x = ev;
      while (x !== 0) {
        const bit = x & -x;
        x ^= bit;
        s.mem.removePage(slot, k * 32 + (31 - Math.clz32(bit)));
      }
    }
  }
  bl.devPages[slot]! -= moved;
  let end = nowNs;
  const runs = s.runs;
  runs.reset(wb, 0, words);
  // UVMSmart mode, a fault service's own eviction: record when each write-back starts (and frees its frames)
  // instead of waiting for it; pages that need no write-back are free at once (see UvmState.gating)
  const gate = sync && s.gating;
  if (gate) gateFreed(s, nowNs, moved - popcountMask(wb, words));
  for (let r = runs.next(); r >= 0; r = runs.next()) {
    const bytes = (runs.end - r) * PAGE_BYTES;
    const busy = s.link.freeAt('d2h');
    const e = s.link.book(nowNs, bytes, 'd2h');
    if (gate) gateFreed(s, busy > nowNs ? busy : nowNs, runs.end - r);
    if (e > end) end = e;
    c.migrationsD2H++;
    c.bytesD2H += bytes;
  }
  if (bl.devPages[slot] === 0 && s.mem.mode === 'chunk') s.mem.removeBlock(slot, countEviction); // an eviction keeps the root chunk with the PMM (device-memory.ts pmaHeld)
  if (countEviction) {
    c.evictions++;
    s.evictedPages += moved;
    if (moved > 0 && bl.devPages[slot] === 0) s.emptiedBlocks++;
  }
  s.invalidateDeviceTlb();
  if (sync && !gate) env.clock.waitUntil(s.p.faultCost === 'far-fault' ? startNs : end, Cause.evict);
}

function popcountMask(m: Uint32Array, words: number): number {
  let n = 0;
  for (let k = 0; k < words; k++) n += popcount32(m[k]!);
  return n;
}

/** Append `pages` frames freed at `atNs` to the service's free-frame timeline (UvmState.gating). */
function gateFreed(s: UvmState, atNs: number, pages: number): void {
  if (pages <= 0) return;
  if (s.gateN === s.gateAtNs.length) {
    s.gateAtNs = grown(s.gateAtNs, s.gateN * 2);
    s.gatePages = grown(s.gatePages, s.gateN * 2);
  }
  s.gateAtNs[s.gateN] = atNs;
  s.gatePages[s.gateN++] = pages;
}
