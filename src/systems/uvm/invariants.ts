import * as pageMask from '../../model/page-mask';
import * as deviceMemory from './device-memory';
import type { UvmState } from './state';

const { maskTest, maskWeight } = pageMask;
const { PAGE_BYTES, UNTRACKED } = deviceMemory;

/**
 * Debug mode only (`SystemModel.checkInvariants`, called by the engine after every row and at the end): a full
 * check (`checkAll`) after every row while it costs at most `INVARIANT_VISITS_PER_ROW` visits (every test trace),
 * else once the rows since the last one have earned its cost — and always the call after `finish`.
 */
export function checkInvariants(s: UvmState): void {
  // a full check visits every live VA block's mask words, plus its pages' frames at 4 KiB granularity
  if (s.invariants.due(s.blocks.count * (s.words + (s.mem.mode === 'page' ? s.ppb : 0)))) checkAll(s);
}

/**
 * Residency masks agree with the per-block counts, frames and chunks; no residency on pages that do not exist;
 * duplicates only when read-mostly; pinned pages never on the device; no pending faults outside a batch; the
 * per-block `full` flag and the `anyAdvice` shortcut agree with the masks; device memory within capacity; host
 * bytes conserved.
 */
export function checkAll(s: UvmState): void {
  const bl = s.blocks;
  const w = s.words;
  const mem = s.mem;
  let pages = 0;
  let chunkBytes = 0;
  let host = 0;
  let untracked = 0;
  bl.forEachSlot((slot) => {
    const o = slot * s.stride;
    const d = maskWeight(bl.dev, o, w);
    if (d !== bl.devPages[slot]) throw new Error(`uvm: block ${slot} devPages ${bl.devPages[slot]} ≠ mask ${d}`);
    pages += d;
    host += maskWeight(bl.cpu, o, w) * PAGE_BYTES;
    // a block exists only while a managed allocation has pages in its window, and knows exactly those pages
    const want = new Uint32Array(w);
    s.fillManagedPages(bl.key[slot]!, want, 0);
    for (let k = 0; k < w; k++) if (bl.exists[o + k] !== want[k]) throw new Error(`uvm: block ${slot} (window ${bl.key[slot]}) exists mask ≠ its live managed allocations' pages`);
    if (maskWeight(want, 0, w) === 0) throw new Error(`uvm: block ${slot} (window ${bl.key[slot]}) holds no live managed page`);
    const full = maskWeight(bl.exists, o, w) === s.ppb ? 1 : 0;
    if (bl.full[slot] !== full) throw new Error(`uvm: block ${slot} full flag ${bl.full[slot]} ≠ ${full} from its exists mask`);
    if (s.anyAdvice === false && (maskWeight(bl.readMostly, o, w) | maskWeight(bl.accessedBy, o, w)) !== 0) throw new Error(`uvm: block ${slot} has advice bits before any advice`);
    for (let k = 0; k < w; k++) {
      const x = o + k;
      if ((bl.dev[x]! | bl.cpu[x]! | bl.pinned[x]!) & ~bl.exists[x]!) throw new Error(`uvm: block ${slot} has residency on pages that do not exist`);
      if (bl.dev[x]! & bl.cpu[x]! & ~bl.readMostly[x]!) throw new Error(`uvm: block ${slot} duplicated pages without read-mostly`);
      if (bl.dev[x]! & bl.pinned[x]!) throw new Error(`uvm: block ${slot} pinned page resident on the device`);
      if (s.batchN === 0 && bl.pend[x]) throw new Error(`uvm: pending faults outside a batch`);
    }
    if (mem.mode === 'chunk') {
      if (bl.chunk[slot] !== UNTRACKED && (d > 0) !== (bl.chunk[slot]! >= 0)) throw new Error(`uvm: block ${slot} has ${d} device pages and chunk ${bl.chunk[slot]}`);
      chunkBytes += bl.chunkBytes[slot]!;
    } else {
      for (let p = 0; p < s.ppb; p++) {
        const f = bl.frame[slot * s.ppb + p]!;
        if (f === UNTRACKED) {
          if (maskTest(bl.dev, o, p)) untracked++; // valid without a frame (device-sync.ts)
        } else if (maskTest(bl.dev, o, p) !== f >= 0) throw new Error(`uvm: block ${slot} page ${p} frame ${f} vs residency`);
        if (f >= 0 && mem.owner[f] !== slot * s.ppb + p) throw new Error(`uvm: frame ${f} owner mismatch`);
      }
    }
  });
  // driver mode: every root chunk in use (a full block's own, or a split one shared by short blocks) is 2 MiB
  const used = mem.mode === 'page' ? (pages - untracked) * PAGE_BYTES : mem.roots ? mem.unitsInUse * mem.roots.rootBytes : chunkBytes;
  if (used !== mem.usedBytes) throw new Error(`uvm: usedBytes ${mem.usedBytes} ≠ ${used}`);
  if (mem.usedBytes + mem.deviceAllocBytes + mem.kernelBytes > mem.capacityBytes) throw new Error(`uvm: ${mem.usedBytes + mem.deviceAllocBytes} B resident > capacity`);
  if (host !== s.hostBytes) throw new Error(`uvm: hostBytes ${s.hostBytes} ≠ ${host}`);
  // host memory bounds every driver-mode path that takes host pages (evict.ts hostTakes); UVMSmart's write-back at a
  // device synchronize (device-sync.ts) has no host limit, as GPGPU-Sim has none
  if (s.p.faultCost === 'batch' && s.hostBytes > s.env.platform.host.dramBytes) {
    throw new Error(`uvm: hostBytes ${s.hostBytes} > host.dramBytes ${s.env.platform.host.dramBytes}`);
  }
}
