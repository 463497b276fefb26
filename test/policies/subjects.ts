import { largePageLruEviction } from '../../src/policies/eviction/large-page-lru';
import { randomEviction } from '../../src/policies/eviction/random';
import { reservedLruEviction } from '../../src/policies/eviction/reserved-lru';
import type { EvictionPolicyDef } from '../../src/policies/types';

/** Every eviction policy the contract suite checks, with the parameter settings worth checking separately. */
export const EVICTION_CONTRACT_SUBJECTS: ReadonlyArray<{ def: EvictionPolicyDef<any>; params?: Record<string, number>; label?: string }> = [
  { def: randomEviction },
  { def: reservedLruEviction },
  { def: reservedLruEviction, params: { reservedFraction: 0 }, label: ' f=0' },
  { def: reservedLruEviction, params: { reservedFraction: 0.5 }, label: ' f=0.5' },
  { def: largePageLruEviction },
  { def: largePageLruEviction, params: { reservedFraction: 0.2 }, label: ' f=0.2' },
];
