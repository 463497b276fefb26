/**
 * Streaming (issue 15): a 1e8-event page-mix trace streamed through gmem-paper configured as a plain LRU — the
 * system with the most per-unit state (4 KiB units) — at 50 % of the first 2e7 events' distinct pages: events/s and
 * the peak RSS of this benchmark's own process (goal ≤ 512 MiB; src/bench/stream.ts). uvm: stream-rss-uvm.
 */
import type { Benchmark } from '../../src/bench/types';
import { streamRows } from '../../src/bench/stream';

const bench: Benchmark = {
  name: 'stream-rss',
  summary: 'a 1e8-event page-mix trace streamed through gmem-paper (plain LRU, 4 KiB units): events/s and peak RSS (goal <= 512 MiB)',
  run: (ctx) => streamRows('gmem-paper:victim=lru:accessBitsRefresh=true:chargePageTables=false', 'stream-rss', ctx),
};

export default bench;
