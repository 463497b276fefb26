import { EVICTION_POLICIES } from '../../src/policies/index';
import type { EvictionPolicyDef } from '../../src/policies/types';

/**
 * Every registered eviction policy with its defaults, plus the parameter settings worth checking separately.
 * A policy added to the registry is covered by the contract suite without touching this file.
 */
export const EVICTION_CONTRACT_SUBJECTS: ReadonlyArray<{ def: EvictionPolicyDef<any>; params?: Record<string, number>; label?: string }> = [
  ...Object.values(EVICTION_POLICIES).map((def) => ({ def: def as EvictionPolicyDef<any> })),
  { def: EVICTION_POLICIES['reserved-lru'], params: { reservedFraction: 0 }, label: ' f=0' },
  { def: EVICTION_POLICIES['reserved-lru'], params: { reservedFraction: 0.5 }, label: ' f=0.5' },
  { def: EVICTION_POLICIES['large-page-lru'], params: { reservedFraction: 0.2 }, label: ' f=0.2' },
];
