import type { EvictionPolicy, EvictionPolicyDef, PolicyEnv } from '../types';

/**
 * `random`: evict a uniformly random resident slot (UVMSmart `eviction_policy = 3`, "Random-4K" at 4 KiB
 * granularity). Resident slots live in a dense array (swap-remove, O(1)); the draw is taken when residency
 * changes, so `victim()` is pure: it starts at `draw mod n` and returns the first evictable slot from there
 * (wrapping), or -1. UVMSmart scans forward without wrapping and gives up at the end of its list; wrapping
 * avoids a spurious "nothing evictable".
 */
export const randomEviction: EvictionPolicyDef<Record<string, never>> = {
  name: 'random',
  summary: 'uniformly random resident slot (draw refreshed on every insert/remove; victim() is pure)',
  defaults: {},
  params: {},
  create(_params, env: PolicyEnv): EvictionPolicy {
    const dense = new Int32Array(env.slots);
    const pos = new Int32Array(env.slots).fill(-1);
    const rng = env.rng;
    let n = 0;
    let draw = 0;
    return {
      onInsert(slot: number): void {
        if (pos[slot]! >= 0) return;
        pos[slot] = n;
        dense[n++] = slot;
        draw = rng.uint32();
      },
      onTouch(): void {},
      onRemove(slot: number): void {
        const i = pos[slot]!;
        if (i < 0) return;
        const last = dense[--n]!;
        dense[i] = last;
        pos[last] = i;
        pos[slot] = -1;
        draw = rng.uint32();
      },
      victim(): number {
        if (n === 0) return -1;
        const start = draw % n;
        for (let k = 0; k < n; k++) {
          let i = start + k;
          if (i >= n) i -= n;
          const s = dense[i]!;
          if (env.isEvictable(s)) return s;
        }
        return -1;
      },
    };
  },
};
