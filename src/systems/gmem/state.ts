import { ResourceExtents } from '../shared/bind-attributes';
import { unitCosts, type UnitCosts } from '../../model/cost';
import type { FramePool } from '../../model/frame-pool';
import { IntervalSet } from '../../model/interval-set';
import { LogicalTable } from '../../model/logical-table';
import { VmaSet } from '../../model/vma';
import type { IntrusiveList } from '../../policies/eviction/intrusive-list';
import type { EvictionPolicy } from '../../policies/types';
import type { CauseCode } from '../../sim/clock';
import type { SystemEnv } from '../../sim/system';
import { InvariantBudget } from '../../sim/invariant-budget';
import { GmemExtra } from './extra';
import type { PageTableCharge } from './page-tables';
import type { GmemParams } from './params';

/** Allocation kinds as GMEM sees them (docs/cli.md §6). */
export const KIND_GMEM = 1; // managed, peer_shared: GMEM-managed demand paging
export const KIND_DEVICE = 2; // device: resident from alloc, pinned
export const KIND_HOST = 3; // host, pinned_host: stays on the CPU; device accesses are remote

/** VMA tags. */
export const TAG_NONE = 0; // PROT_NONE reservation
export const TAG_PEER = 1;
export const TAG_DEVICE = 2;
export const TAG_HOST = 3;

/** MMU mode of every `gm_context` of the run. */
export const MODE_EXCLUSIVE = 0;
export const MODE_SHARE = 1;
export const MODE_REPLICATE = 2;

/** Cause slots per prefetch work item (the size of `Cause`). */
export const CAUSES = 8;

export interface AllocInfo {
  readonly kind: number;
  readonly peer: boolean;
  /** Created by a `map` op (§11) rather than `alloc`. */
  readonly mapping: boolean;
  readonly resource: number;
  /** Byte offset into `resource` of a `map` range (aliasing: src/systems/shared/bind-attributes.ts). */
  readonly offset?: number;
  /** Home device index of a `device` allocation. */
  readonly home: number;
}

/**
 * The state of one GMEM run (docs/gmem-model.md §1–§7, §10–§11), shared by every behaviour file: one address
 * space (`gm_as`) with one context per device (`gm_context`, all in the run's MMU mode), a logical page table
 * per migration unit, a frame pool and a victim policy per device, host DRAM as the swap backup with its own
 * capacity. Created once per run by `GmemModel`; the behaviours are plain functions taking it first
 * (state-table.ts, residency.ts, ranges.ts, hmadvise.ts, cow-protect.ts, invariants.ts).
 *
 * Every cost is a term of `UnitCosts` (from the resolved profile). Time goes to causes: fault service and
 * zero-fills → fault; link transfers on fault paths → transfer; eviction (write-back and unmap) → evict;
 * CPU shootdowns and device TLB invalidations charged on their own → invalidate; peer_map/peer_unmap, DMA
 * map/unmap, mmap/munmap/mprotect, peer VA calls → map; SHARE/REPLICATE remote accesses → remote.
 */
export class GmemState {
  readonly U: number;
  /** 1 / unitBytes (exact: unitBytes is a power of two), so unit numbers need no division. */
  readonly invU: number;
  readonly clock: SystemEnv['clock'];
  readonly cn: SystemEnv['counters'];
  readonly c: UnitCosts;
  readonly nDev: number;
  readonly mode: number;
  /** Sized for the units the trace is expected to touch (`env.touchedBytesHint`), so it rarely grows by copying. */
  readonly t: LogicalTable;
  /** Per device (filled by `attachDevices`, residency.ts). */
  readonly pools: FramePool[] = [];
  readonly policies: EvictionPolicy[] = [];
  /** Per device: the policy's `touchList` (EvictionPolicy.touchList), or null: a hit's touch without a megamorphic call. */
  readonly touchLists: (IntrusiveList | null)[] = [];
  readonly pts: PageTableCharge[] = [];
  readonly wiredFrames: number[][] = [];
  readonly resident: Int32Array;
  readonly allocs = new IntervalSet<AllocInfo>();
  readonly reservations = new IntervalSet<number>();
  readonly vmas = new VmaSet();
  readonly liveResources = new Map<number, number>();
  /** Bound byte ranges per backing object (aliasing by resource and offset). */
  readonly extents = new ResourceExtents();
  readonly hostCap: number;
  readonly isPeer: boolean;
  readonly x = new GmemExtra();
  readonly where: { file: string };
  hostUnits = 0;
  /** Host pages kept by the forked child (COW breaks, discarded COW units). */
  childUnits = 0;
  peerVaUsed = 0;
  // conservation bookkeeping (checkInvariants)
  dataUnits = 0;
  devIn = 0;
  devOut = 0;
  // range-operation context
  rangePtes = 0;
  readonly rangeDev: Int32Array;
  /**
   * What the last `warmRows` (warm-rows.ts) found for rows `warmFrom + k` of `warmBatch`, k < `warmRows`: the
   * slot of a row that may be a row-3 hit (-1 for any other row), valid while no allocation and no slot has
   * changed since (`warmAllocs`, `warmRemovals`), so `deviceHitRows` does not look the row up again.
   */
  readonly warmSlots = new Int32Array(256);
  warmBatch: object | undefined = undefined;
  warmFrom = 0;
  warmRows = 0;
  warmAllocs = -1;
  warmRemovals = -1;
  // prefetch timing context
  inPrefetch = false;
  item = 0;
  readonly linkAcc = new Float64Array(CAUSES);
  readonly itemAcc: Float64Array;
  readonly migrating: number[] = [];
  /** Incremented whenever a unit may have become evictable (unpin): PolicyEnv.evictableEpoch. */
  evictableEpoch = 0;
  /** Splits + merges of the VMA change the last `addRange` made. */
  vmaSplitsPending = 0;
  /** Debug mode only (invariants.ts): when the full check runs. */
  readonly invariants = new InvariantBudget();

  constructor(
    readonly p: Readonly<GmemParams>,
    readonly env: SystemEnv,
  ) {
    const plat = env.platform;
    this.U = p.unitBytes;
    this.invU = 1 / p.unitBytes;
    this.t = new LogicalTable(initialSlots(env.touchedBytesHint, p.unitBytes));
    this.clock = env.clock;
    this.cn = env.counters;
    this.c = unitCosts(plat, this.U);
    this.nDev = plat.host.devices;
    this.mode = p.mode === 'share' ? MODE_SHARE : p.mode === 'replicate' ? MODE_REPLICATE : MODE_EXCLUSIVE;
    this.hostCap = Math.floor(plat.host.dramBytes / this.U);
    this.isPeer = plat.device.capability.peer;
    this.resident = new Int32Array(this.nDev);
    this.rangeDev = new Int32Array(this.nDev);
    this.itemAcc = new Float64Array(p.prefetchWorkers * CAUSES);
    this.where = { file: env.traceName };
  }
}

/**
 * Logical-table slots to start with: one per unit the trace is expected to touch (a hint: the table still grows
 * past it), at least 1024 and at most 2^22 (~117 MiB of records up front: a table that needs more reached that
 * size by doubling anyway).
 */
export function initialSlots(touchedBytes: number, unitBytes: number): number {
  const units = Math.ceil(touchedBytes / unitBytes);
  return Number.isFinite(units) ? Math.min(1 << 22, Math.max(1024, units)) : 1024;
}

// ---- time -------------------------------------------------------------------------------------------

/** Charge `ns` to `cause`; inside a prefetch, accumulate per work item (software) or on the link. */
export function charge(g: GmemState, cause: CauseCode, ns: number, link = false): void {
  if (!g.inPrefetch) g.clock.charge(cause, ns);
  else if (link) g.linkAcc[cause]! += ns;
  else g.itemAcc[g.item * CAUSES + cause]! += ns;
}
