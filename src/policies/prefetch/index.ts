import { onDemandPrefetch } from './none';
import { random4kPrefetch } from './random-4k';
import { sl64kPrefetch } from './sl-64k';
import { tbnPrefetch } from './tbn';
import type { PrefetchPolicyDef } from './types';

/**
 * Prefetch policy registry (compiler-checked: adding one = a file + a line here + the contract suite picks it
 * up). Ids are the `prefetch=` values of docs/cli.md §2.
 */
export const PREFETCH_POLICIES = {
  none: onDemandPrefetch,
  'random-4k': random4kPrefetch,
  'sl-64k': sl64kPrefetch,
  tbn: tbnPrefetch,
} satisfies Record<string, PrefetchPolicyDef<any>>;

export type PrefetchPolicyId = keyof typeof PREFETCH_POLICIES;
export const PREFETCH_POLICY_IDS = Object.keys(PREFETCH_POLICIES) as PrefetchPolicyId[];

export type { BlockFaultView, PrefetchEnv, PrefetchPolicy, PrefetchPolicyDef } from './types';
