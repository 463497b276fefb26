import { FramePool, WIRED } from '../../model/frame-pool';
import { UnitBit, UnitState } from '../../model/logical-table';
import { evictionPolicy } from '../../policies/index';
import type { EvictionPolicy } from '../../policies/types';
import { Cause, type CauseCode } from '../../sim/clock';
import * as outcomes from './outcomes';
import { DRIVER_CHUNK_BYTES, LeastRecentlyMigratedInto } from './driver-victim';
import { PageTableCharge } from './page-tables';
import * as state from './state';
import type { GmemState } from './state';

/*
 * Residency: device frames (one pool and victim policy per device context), mapping a unit in and out of
 * them, eviction to host memory (row 8), wired page-table frames, and host memory as the swap backup.
 */

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths read local copies.
const { charge } = state;
const { oom } = outcomes;
const C_EVICT = Cause.evict;
const C_TRANSFER = Cause.transfer;
const C_MAP = Cause.map;
const { CPU: ST_CPU, DEVICE } = UnitState;
const { PTE, WILLNEED, PINNED, COW, MIGRATING } = UnitBit;

/** gm_as_attach: one context per device (frame pool, victim policy, page tables), at program start. */
export function attachDevices(g: GmemState): void {
  const frames = Math.floor(g.env.platform.device.memory.capacityBytes / g.U);
  const def = g.p.victim === 'driver' ? undefined : evictionPolicy(g.p.victim)!;
  const unitsPerChunk = Math.max(1, DRIVER_CHUNK_BYTES / g.U);
  for (let d = 0; d < g.nDev; d++) {
    const pool = new FramePool(frames);
    const t = g.t;
    g.pools.push(pool);
    const env = {
      slots: frames,
      rng: g.env.rng.fork(),
      isEvictable: (f: number) => {
        const s = pool.holder[f]!;
        return s >= 0 && (t.bitsOf(s) & (PINNED | WILLNEED)) === 0;
      },
      evictableEpoch: () => g.evictableEpoch,
      // the 2 MiB chunk of the unit a frame holds (victim=driver orders chunks, not units)
      groupOf: (f: number) => Math.floor(t.key[pool.holder[f]!]! / unitsPerChunk),
    };
    // victim=driver: the driver's order (only nvidia-uvm today, validated in params.ts)
    const policy: EvictionPolicy = def ? def.create(def.defaults, env) : new LeastRecentlyMigratedInto(env);
    g.policies.push(policy);
    g.touchLists.push(policy.touchList ?? null);
    const pt = new PageTableCharge(g.U, g.p.chargePageTables);
    g.pts.push(pt);
    g.wiredFrames.push([]);
    wire(g, d, pt.framesNeeded);
    // gm_as_attach → pmap_create, once per device context at program start
    charge(g, C_MAP, g.c.pmapCreateNs);
    g.x.pmapCreates++;
  }
}

// ---- mapping units in and out of device frames ------------------------------------------------------

/** Map slot `s` on device `dv` in frame `f` (the frame is already taken for `s`). */
export function install(g: GmemState, s: number, dv: number, f: number, u: number): void {
  const t = g.t;
  t.setState(s, DEVICE);
  // with one device the owner is device 0 from the slot's creation (LogicalTable.create) and never changes: the
  // owner word is in the cold record, one more cache line per migration that nothing then reads
  if (g.nDev !== 1) t.setOwner(s, dv);
  t.setFrame(s, f);
  g.pts[dv]!.map(u);
  g.resident[dv]!++;
  g.devIn++;
  g.policies[dv]!.onInsert(f, g.clock.nowNs);
}

/** Unmap slot `s` from its device (frame, policy, page tables); state is left to the caller. */
export function detach(g: GmemState, s: number): void {
  const t = g.t;
  const dv = g.nDev === 1 ? 0 : t.ownerOf(s); // one device: its owner (install), without the cold record's line
  const f = t.frameOf(s);
  g.policies[dv]!.onRemove(f);
  g.pools[dv]!.release(f);
  t.setFrame(s, -1);
  g.resident[dv]!--;
  g.devOut++;
  const pt = g.pts[dv]!;
  if (pt.enabled) pt.unmap(t.key[s]!); // the key is another cache line: read only when tables are charged
  if (pt.framesHeld > pt.framesNeeded) unwire(g, dv, pt.framesHeld - pt.framesNeeded);
}

/** peer_unmap(copy=true): dmaMap + D2H + peerUnmap (one device TLB invalidation) + dmaUnmap. */
export function peerUnmapCopy(g: GmemState, s: number, swCause: CauseCode): void {
  const c = g.c;
  const cn = g.cn;
  charge(g, swCause, c.dmaMapNs + c.peerUnmapNs + c.dmaUnmapNs);
  charge(g, swCause === C_EVICT ? C_EVICT : C_TRANSFER, c.d2hNs, true);
  cn.migrationsD2H++;
  cn.bytesD2H += g.U;
  cn.unmapOps++;
  cn.tlbInvalidations++;
  detach(g, s);
}

// ---- frames and eviction ----------------------------------------------------------------------------

/**
 * A free frame of device `dv` for slot `s` (unit `u`), evicting victims as needed (row 8), including the
 * page-table frames mapping `u` needs. -1 (with an `oom` event) when no evictable victim remains or host
 * memory cannot take the victim.
 */
export function frameFor(g: GmemState, dv: number, s: number, u: number): number {
  const pool = g.pools[dv]!;
  const pt = g.pts[dv]!;
  for (;;) {
    const need = 1 + pt.extraFramesToMap(u);
    if (pool.free >= need) break;
    const v = g.policies[dv]!.victim(g.clock.nowNs);
    if (v < 0) {
      oom(g, 'device', dv + 1, u, 'no free frame and no evictable unit');
      return -1;
    }
    if (!evict(g, dv, v, u)) return -1;
  }
  const extra = pt.extraFramesToMap(u);
  if (extra > 0) wire(g, dv, extra);
  return pool.alloc(s);
}

/** Row 8: evict the unit in frame `f` of device `dv` to host memory (no CPU PTE). */
function evict(g: GmemState, dv: number, f: number, forUnit: number): boolean {
  const t = g.t;
  const s = g.pools[dv]!.holder[f]!;
  if (s < 0 || (t.bitsOf(s) & (PINNED | WILLNEED)) !== 0) {
    throw new Error(`internal: eviction policy '${g.p.victim}' chose frame ${f} holding ${s < 0 ? 'no unit' : 'a pinned/WILLNEED unit'}`);
  }
  if (!hostReserve(g)) {
    oom(g, 'host', dv + 1, forUnit, 'no host memory to take an evicted unit');
    return false;
  }
  g.cn.evictions++;
  peerUnmapCopy(g, s, C_EVICT);
  t.setState(s, ST_CPU);
  t.andBits(s, ~PTE);
  if (g.inPrefetch) {
    t.orBits(s, MIGRATING);
    g.migrating.push(s);
  }
  return true;
}

function wire(g: GmemState, dv: number, n: number): void {
  const pool = g.pools[dv]!;
  const pt = g.pts[dv]!;
  const list = g.wiredFrames[dv]!;
  for (let i = 0; i < n; i++) {
    const f = pool.alloc(WIRED);
    if (f < 0) break;
    list.push(f);
    pt.framesHeld++;
  }
  let total = 0;
  for (const p of g.pts) total += p.framesHeld;
  if (total > g.x.pageTableFramesPeak) g.x.pageTableFramesPeak = total;
}

function unwire(g: GmemState, dv: number, n: number): void {
  const list = g.wiredFrames[dv]!;
  for (let i = 0; i < n && list.length > 0; i++) {
    g.pools[dv]!.release(list.pop()!);
    g.pts[dv]!.framesHeld--;
  }
}

// ---- host memory ------------------------------------------------------------------------------------

export function hostReserve(g: GmemState): boolean {
  if (g.hostUnits >= g.hostCap) return false;
  g.hostUnits++;
  const b = g.hostUnits * g.U;
  if (b > g.x.hostPeakBytes) g.x.hostPeakBytes = b;
  return true;
}

/** The unit's host page leaves; a COW-shared page stays with the forked child. */
export function hostRelease(g: GmemState, s: number): void {
  if ((g.t.bitsOf(s) & COW) !== 0) {
    g.childUnits++;
    g.t.andBits(s, ~COW);
  } else g.hostUnits--;
}

/** REPLICATE: a CPU mapping is installed in every device's table too (decision D). */
export function replicaInstall(g: GmemState): void {
  g.x.replicaInstalls += g.nDev;
  g.cn.mapOps += g.nDev;
  charge(g, C_MAP, g.nDev * g.c.peerMapNs);
}
