import type { EventBatch } from '../../trace/batch';
import type { SystemEnv, SystemModel } from '../../sim/system';
import * as cowProtect from './cow-protect';
import * as advice from './hmadvise';
import * as invariants from './invariants';
import type { GmemParams } from './params';
import * as ranges from './ranges';
import * as residency from './residency';
import { GmemState } from './state';
import * as stateTable from './state-table';
import * as warm from './warm-rows';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hooks call local copies.
const { accessRow, copyRow, deviceHitRows } = stateTable;
const { allocRange, freeRange, reserveRange, releaseRange, mapRange, unmapRange } = ranges;
const { hmadvise, prefetchRange } = advice;
const { protectRange, fork: forkCow } = cowProtect;
const { checkInvariants } = invariants;
const { warmRows } = warm;

/**
 * The GMEM model (docs/gmem-model.md §1–§7, §10–§11): the engine's hooks (src/sim/system.ts), each delegating to
 * the behaviour files over one shared per-run state (state.ts):
 * - state-table.ts — accesses and faults: the COHERENT_EXCLUSIVE state-table rows, cross-device faults,
 *   SHARE / REPLICATE remote accesses; the row-3 hits of consecutive rows (the engine's `deviceHits`);
 * - residency.ts — device frames, install/detach, eviction, wired page-table frames, host memory;
 * - ranges.ts — alloc/free and VMAs, range operations (discard + batched TLB work), §11 binds;
 * - hmadvise.ts — WILLNEED / PINNED / UNPIN, DONTNEED, PREFETCH;
 * - cow-protect.ts — mprotect and fork (copy-on-write);
 * - outcomes.ts — modelled failures; invariants.ts — debug checks;
 * - warm-rows.ts — the engine's speed hint (no semantics): loads the next rows' hit-path lines together.
 */
export class GmemModel implements SystemModel {
  /** The per-run state (behaviour files take it; tests read it). */
  readonly g: GmemState;

  constructor(p: Readonly<GmemParams>, env: SystemEnv) {
    this.g = new GmemState(p, env);
    residency.attachDevices(this.g);
  }

  /** GMEM serves every device (one `gm_dev` per agent). */
  readonly allDevices = true;

  /** A speed hint (no semantics; keeps its lookups for `deviceHits`): src/sim/system.ts `warmRows`. */
  warmRows(b: EventBatch, from: number, to: number): void {
    warmRows(this.g, b, from, to);
  }

  /** The hit path over consecutive rows: src/sim/system.ts `deviceHits`. */
  deviceHits(b: EventBatch, from: number, to: number): number {
    return deviceHitRows(this.g, b, from, to);
  }

  deviceAccess(b: EventBatch, i: number): void {
    accessRow(this.g, b, i);
  }

  cpuAccess(b: EventBatch, i: number): void {
    accessRow(this.g, b, i);
  }

  alloc(b: EventBatch, i: number): void {
    allocRange(this.g, b.va[i]!, b.bytes[i]!, b.flags[i]!, b.agent[i]!);
  }

  free(b: EventBatch, i: number): void {
    freeRange(this.g, b.va[i]!);
  }

  prefetch(b: EventBatch, i: number): void {
    prefetchRange(this.g, b.va[i]!, b.bytes[i]!, b.target[i]!);
  }

  advise(b: EventBatch, i: number): void {
    hmadvise(this.g, b.va[i]!, b.bytes[i]!, b.code[i]!, b.target[i]!);
  }

  reserve(b: EventBatch, i: number): void {
    reserveRange(this.g, b.va[i]!, b.bytes[i]!);
  }

  release(b: EventBatch, i: number): void {
    releaseRange(this.g, b.va[i]!);
  }

  map(b: EventBatch, i: number): void {
    mapRange(this.g, b.va[i]!, b.bytes[i]!, b.resource[i]!, b.flags[i]!, b.pageBytes[i]!, b.offsetBytes[i]!);
  }

  unmap(b: EventBatch, i: number): void {
    unmapRange(this.g, b.va[i]!, b.bytes[i]!);
  }

  /** A copy with a destination is a write of its bytes by the target agent; one without is ignored (warning). */
  copy(b: EventBatch, i: number): void {
    copyRow(this.g, b, i);
  }

  protect(b: EventBatch, i: number): void {
    protectRange(this.g, b.va[i]!, b.bytes[i]!, b.flags[i]!);
  }

  /** fork: every unit with data in host memory becomes copy-on-write shared with the (idle) child. */
  fork(): void {
    forkCow(this.g);
  }

  residentBytes(): number {
    const g = this.g;
    let n = 0;
    for (let d = 0; d < g.nDev; d++) n += g.resident[d]!;
    return n * g.U;
  }

  checkInvariants(): void {
    checkInvariants(this.g);
  }

  finish(): Readonly<Record<string, number>> {
    const g = this.g;
    g.invariants.checkAllNext(); // debug runs: the engine's check after `finish` is a full one
    g.x.vmaCount = g.vmas.peak;
    return g.x.toRecord();
  }
}
