import type { PrefetchPolicyDef } from './types';

/**
 * `on-demand` (UVMSmart `hardware_prefetch = 0`): migrate only the faulted pages. The ISCA'19 baseline whose
 * slowdown (30–43x in docs/reference-results.md §1) shows what prefetching buys.
 */
export const onDemandPrefetch: PrefetchPolicyDef<Record<string, never>> = {
  name: 'none',
  summary: 'on-demand paging: only faulted pages migrate',
  defaults: {},
  params: {},
  create() {
    return { choose: () => 0 };
  },
};
