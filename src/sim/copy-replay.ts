import type { LinkTimeline } from '../model/link-timeline';
import { Cause } from './clock';
import type { EventBatch } from '../trace/batch';
import { CPU, Flag, NO_AGENT } from '../trace/event';
import type { SystemEnv } from './system';
import type { Reporter } from './reporter';

/**
 * Replay an explicit `copy` row as a link transfer (cudaMemcpy-style), for systems where a copy has no
 * residency meaning (uvm, hmm-svm, gpuvm-sparse): host→device books the H2D link and counts a migration
 * (docs/cli.md §4: "a migration is one contiguous transfer, bytes exact"), device→host the D2H link,
 * device→device a copy at device memory bandwidth. `flags=async` copies only occupy the link; others block
 * until done. A copy without a byte count is skipped with a warning.
 */
export function replayCopy(env: SystemEnv, link: LinkTimeline, b: EventBatch, i: number, rep: Reporter): void {
  const bytes = b.bytes[i]!;
  if (!(bytes > 0)) {
    rep.copySizeUnknown();
    return;
  }
  const from = b.agent[i]!;
  const to = b.target[i] === NO_AGENT ? from : b.target[i]!;
  const async = (b.flags[i]! & Flag.async) !== 0;
  const c = env.counters;
  const clock = env.clock;
  if (from === CPU && to === CPU) return;
  if (from !== CPU && to !== CPU) {
    if (!async) clock.charge(Cause.transfer, bytes / env.platform.device.memory.bandwidthBytesPerNs);
    return;
  }
  const dir = from === CPU ? 'h2d' : 'd2h';
  const end = link.book(clock.nowNs, bytes, dir);
  if (dir === 'h2d') {
    c.migrationsH2D++;
    c.bytesH2D += bytes;
  } else {
    c.migrationsD2H++;
    c.bytesD2H += bytes;
  }
  if (!async) clock.waitUntil(end, Cause.transfer);
}
