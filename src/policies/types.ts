import type { Rng } from '../sim/rng';
import type { ParamDoc, ParamValue } from '../params';
import type { IntrusiveList } from './eviction/intrusive-list';

/**
 * Eviction policies own ORDERING METADATA ONLY (docs/architecture.md §5, libCacheSim style): the system owns the
 * fault/evict/insert loop and residency state; the policy only answers "which slot next". Slots are the
 * system's eviction granules (a 4 KiB frame, a 2 MiB root chunk, a whole buffer), numbered 0..slots-1.
 */

/** Why a resident slot was touched (policies decide which reasons refresh recency). */
export const TouchReason = { access: 0, markHot: 1, willneed: 2, prefetch: 3 } as const;
export type TouchReasonCode = (typeof TouchReason)[keyof typeof TouchReason];

export interface EvictionPolicy {
  /** Slot became resident at simulated time `tNs`. */
  onInsert(slot: number, tNs: number): void;
  /** A resident slot was touched. */
  onTouch(slot: number, tNs: number, why: TouchReasonCode): void;
  /** Slot left residency (evicted, freed or discarded). */
  onRemove(slot: number): void;
  /**
   * The slot to evict next: resident and evictable per `env.isEvictable`, or -1 if none is.
   * Pure: calling it twice without other calls in between returns the same slot and changes nothing
   * (randomised policies draw from a stream advanced only by `onInsert`/`onRemove`, or are otherwise
   * deterministic for a seed). The system evicts, then calls `onRemove`.
   */
  victim(tNs: number): number;
  /**
   * Optional, for a system's per-hit path: when present, `onTouch(slot, tNs, why)` is exactly
   * `touchList.touch(slot)` (a member moves to the newest end, a non-member is ignored) for every time and
   * reason, and a system may make that call instead. It is one monomorphic, inlinable call where `onTouch`
   * through this interface is a megamorphic call once one process has run several policies (the benchmark
   * does), with the time boxed as a heap number on every hit. test/policies/contract.test.ts checks the
   * equivalence for every policy that has one.
   */
  readonly touchList?: IntrusiveList;
}

/** What a policy may read: capacity, the seeded RNG, and the system's view of evictability. */
export interface PolicyEnv {
  /** Number of slots (device capacity in eviction granules). */
  readonly slots: number;
  readonly rng: Rng;
  /** False for pinned, WILLNEED, wired or in-flight slots. Must be cheap. */
  isEvictable(slot: number): boolean;
  /**
   * Optional: the group a slot belongs to (a small non-negative integer, e.g. the system's id for the 2 MiB
   * large page holding a 4 KiB frame), fixed while the slot is resident. Policies that order by group
   * (UVMSmart SL-64K / TBN eviction order) require it; others ignore it.
   */
  groupOf?(slot: number): number;
  /**
   * Optional: the eviction unit a slot belongs to (a non-negative integer, e.g. the id of the 64 KiB basic block
   * holding a 4 KiB frame), fixed while the slot is resident. Policies that order units rather than slots
   * (`large-page-lru`: UVMSmart's LRU list holds one entry per basic block for SL-64K / TBN) use it; without it a
   * slot is its own unit.
   */
  unitOf?(slot: number): number;
  /**
   * Optional: a count the system increments whenever a resident slot may have become evictable (an unpin).
   * With it, a policy may remember that the oldest part of its order is unevictable between calls and skip
   * it (`ListOrderPolicy.victim`); without it, every `victim()` walks from the oldest slot.
   */
  evictableEpoch?(): number;
}

export interface EvictionPolicyDef<P extends Record<string, ParamValue> = Record<string, ParamValue>> {
  readonly name: string;
  readonly summary: string;
  readonly defaults: Readonly<P>;
  readonly params: Readonly<Record<keyof P & string, ParamDoc>>;
  create(params: Readonly<P>, env: PolicyEnv): EvictionPolicy;
}
