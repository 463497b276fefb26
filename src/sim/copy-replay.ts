import type { LinkTimeline } from '../model/link-timeline';
import { Cause } from './clock';
import type { EventBatch } from '../trace/batch';
import { CPU, Flag, NO_AGENT } from '../trace/event';
import type { SystemEnv } from './system';
import type { Reporter } from './reporter';

/**
 * Replay a `copy` row that has a destination address as a link transfer (cudaMemcpy-style), for systems where
 * such a copy has no residency meaning of its own (uvm, hmm-svm, gpuvm-sparse, iommu-dma; the engine's default
 * `copy` hook): host→device books the H2D link and counts a migration (docs/cli.md §4: "a migration is one
 * contiguous transfer, bytes exact"), device→host the D2H link, device→device a copy at device memory
 * bandwidth. `flags=async` copies only occupy the link; others block until done. A copy without a byte count is
 * skipped with a warning.
 */
export function replayCopy(env: SystemEnv, link: LinkTimeline, b: EventBatch, i: number, rep: Reporter): void {
  const bytes = b.bytes[i]!;
  if (!(bytes > 0)) {
    rep.copySizeUnknown();
    return;
  }
  const c = env.counters;
  const dir = transfer(env, link, b, i, bytes);
  if (dir === 'h2d') {
    c.migrationsH2D++;
    c.bytesH2D += bytes;
  } else if (dir === 'd2h') {
    c.migrationsD2H++;
    c.bytesD2H += bytes;
  }
}

/**
 * A `copy` row WITHOUT a destination address (what Nsight, Kineto and rocprof record for cudaMemcpy /
 * hipMemcpy: a direction and a size, no address): the application's own explicit copy. It costs the same under
 * every memory manager, so the engine replays it for every system the same way — the same link transfer as
 * `replayCopy` (same direction rules, async rule and waits) — and counts it apart from the migrations a
 * manager causes: `explicitCopies` / `explicitCopyBytes`, never `migrations*` / `bytes*` (docs/systems.md
 * §Explicit copies in traces). A copy without a byte count is skipped with a warning.
 */
export function replayExplicitCopy(env: SystemEnv, b: EventBatch, i: number): void {
  const bytes = b.bytes[i]!;
  if (!(bytes > 0)) {
    env.report.copySizeUnknown();
    return;
  }
  const c = env.counters;
  c.explicitCopies++;
  c.explicitCopyBytes += bytes;
  transfer(env, env.link, b, i, bytes);
}

/**
 * Book the transfer of copy row `i` and wait for it unless async; returns its link direction, `d2d` for a
 * device-to-device copy (device memory bandwidth), or `none` for host to host.
 */
function transfer(env: SystemEnv, link: LinkTimeline, b: EventBatch, i: number, bytes: number): 'h2d' | 'd2h' | 'd2d' | 'none' {
  const from = b.agent[i]!;
  const to = b.target[i] === NO_AGENT ? from : b.target[i]!;
  const async = (b.flags[i]! & Flag.async) !== 0;
  const clock = env.clock;
  if (from === CPU && to === CPU) return 'none';
  if (from !== CPU && to !== CPU) {
    if (!async) clock.charge(Cause.transfer, bytes / env.platform.device.memory.bandwidthBytesPerNs);
    return 'd2d';
  }
  const dir = from === CPU ? 'h2d' : 'd2h';
  const end = link.book(clock.nowNs, bytes, dir);
  if (!async) clock.waitUntil(end, Cause.transfer);
  return dir;
}
