/**
 * Streaming through uvm (issue 15: "1e8-event streamed run through uvm with peak RSS ≤ 512 MiB"): the stream of
 * stream-rss.bench.ts through uvm with its defaults, in a process of its own so the peak RSS is uvm's
 * (src/bench/stream.ts).
 */
import type { Benchmark } from '../../src/bench/types';
import { streamRows } from '../../src/bench/stream';

const bench: Benchmark = {
  name: 'stream-rss-uvm',
  summary: 'the same 1e8-event page-mix stream through uvm (driver defaults): events/s and peak RSS (goal <= 512 MiB)',
  run: (ctx) => streamRows('uvm', 'stream-rss (uvm)', ctx),
};

export default bench;
