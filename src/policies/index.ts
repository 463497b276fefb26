import { fifo } from './eviction/fifo';
import { lru } from './eviction/lru';
import type { EvictionPolicyDef } from './types';

/**
 * Eviction policy registry (compiler-checked; key = `name`). Systems take a victim policy by name (e.g.
 * `--set gmem-paper.victim=fifo`). Adding a policy: a file in `eviction/`, one line here, and it must pass
 * the policy contract suite (test/policies/).
 */
export const EVICTION_POLICIES = {
  lru,
  fifo,
} satisfies Record<string, EvictionPolicyDef<any>>;

export type EvictionPolicyName = keyof typeof EVICTION_POLICIES;

/** Names of the registered eviction policies. */
export const EVICTION_POLICY_NAMES = Object.keys(EVICTION_POLICIES) as EvictionPolicyName[];

/** The policy definition named `name`, or undefined. */
export function evictionPolicy(name: string): EvictionPolicyDef<any> | undefined {
  return (EVICTION_POLICIES as Record<string, EvictionPolicyDef<any>>)[name];
}
