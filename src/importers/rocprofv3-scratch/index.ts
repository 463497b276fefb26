import { fail } from '../../log/diagnostic';
import { cliMessages } from '../../log/messages/cli';
import { importerMessages } from '../../log/messages/importers';
import { Flag, Op } from '../../trace/event';
import type { ImporterDef } from '../types';
import { structural } from '../shared/context';
import { csvRecords } from '../shared/csv-records';
import { RowCollector } from '../shared/rows';
import { baseName, firstLine } from '../shared/sniff';
import { bindAgents, parseAgentMap } from '../rocprofv3-csv/agent-map';
import { columnIndex, scratchHeader, SCRATCH_RECORD_COMMAND } from './columns';

export type Rocprofv3ScratchOptions = { agentMap: string; reclaim: string; baseVa: number; alignBytes: number };

/** Output version of this importer (bump when the events for the same input change). */
const IMPORTER_VERSION = 1;

type Operation = 'alloc' | 'free' | 'reclaim';

interface Row {
  readonly line: number;
  readonly start: bigint;
  readonly op: Operation;
  /** rocprof agent id (`Agent N` or a bare N), or -1 with `gpu` set. */
  readonly agentId: number;
  /** `GPU N` (type-relative agent index): device N directly, or -1. */
  readonly gpu: number;
  readonly queue: string;
  /** The ALT bit of `Alloc_Flags` (an alternate scratch region of the queue, live beside the main one). */
  readonly alt: boolean;
  /** Allocation_Size (ALLOC rows); 0 when absent or zero. */
  readonly bytes: number;
}

/**
 * rocprofv3 `--scratch-memory-trace` CSV (`<pid>_scratch_memory_trace.csv`, docs/importers.md): the ROCr
 * runtime's scratch (per-queue private-segment) allocations. SCRATCH_MEMORY_ALLOC → `alloc` (kind `device`)
 * of `Allocation_Size` bytes at a synthesized address; SCRATCH_MEMORY_FREE → `free` of the live scratch
 * allocation of the same agent, queue and ALT flag; SCRATCH_MEMORY_ASYNC_RECLAIM → `free` as well (option
 * `reclaim`). The file has no addresses: allocations get consecutive `alignBytes`-aligned addresses from
 * `baseVa`, never reused, and the metadata says so (`synthesized_addresses=rocprofv3-scratch`). Times are
 * the rows' Start_Timestamp (absolute ns), rebased to the earliest row. Files without sizes (older
 * rocprofiler-sdk) hold nothing to simulate: exit 2 saying what they hold and how to record sizes.
 */
export const rocprofv3ScratchImporter = {
  name: 'rocprofv3-scratch' as const,
  summary: 'AMD rocprofv3 scratch-memory trace CSV (per-queue scratch as device allocations, synthesized addresses)',
  version: IMPORTER_VERSION,
  defaults: { agentMap: '0=cpu:pinned_host', reclaim: 'free', baseVa: 0x600000000000, alignBytes: 2 * 1024 * 1024 },
  options: {
    agentMap: { summary: 'rocprof agent id → canonical agent, as for rocprofv3-csv (e.g. 0=cpu,1=dev0); unlisted ids become dev0, dev1, … in id order' },
    reclaim: { summary: 'SCRATCH_MEMORY_ASYNC_RECLAIM: free the queue\'s live scratch (free) or only count the row (ignore)', values: ['free', 'ignore'] },
    baseVa: { summary: 'first synthesized address', unit: 'bytes' },
    alignBytes: { summary: 'alignment of synthesized addresses (each allocation starts on a multiple)', unit: 'bytes' },
  },
  sniff(head) {
    return scratchHeader(firstLine(head).replace(/^\ufeff|^\xef\xbb\xbf/, '')) !== undefined;
  },
  async *read(input, opts, ctx) {
    const agentMap = parseAgentMap(String(opts.agentMap));
    const align = Number(opts.alignBytes);
    const reclaimFrees = opts.reclaim !== 'ignore';
    const base = Number(opts.baseVa);
    if (!Number.isInteger(align) || align <= 0 || align > 2 ** 40) fail(cliMessages.badValue({}, 'rocprofv3-scratch option alignBytes', 'an integer number of bytes in 1 … 2^40', String(opts.alignBytes)));
    if (!Number.isInteger(base) || base < 0 || base >= 2 ** 52) fail(cliMessages.badValue({}, 'rocprofv3-scratch option baseVa', 'an integer address in 0 … 2^52', String(opts.baseVa)));
    ctx.meta.importer = `rocprofv3-scratch@${IMPORTER_VERSION}`;
    ctx.meta.source = baseName(input.path);
    ctx.meta.rocprof_trace = 'scratch_memory';
    let col: ReturnType<typeof columnIndex> | undefined;
    const rows: Row[] = [];
    const dropped = new Map<string, number>();
    const drop = (reason: string, n = 1): void => void dropped.set(reason, (dropped.get(reason) ?? 0) + n);
    for await (const l of csvRecords(input, ctx, () => drop('malformed lines'))) {
      const cells = l.cells;
      const where = { file: ctx.file, line: l.line };
      if (!col) {
        col = columnIndex(cells.map((c) => c.replace(/^\ufeff/, '')));
        if (!col) {
          fail(importerMessages.notThisFormat({ ...where, col: 1 }, 'rocprofv3 scratch-memory trace CSV', 'a header with Kind, Operation, Agent_Id, Queue_Id, Start_Timestamp, End_Timestamp', JSON.stringify(l.text.slice(0, 80))));
        }
        ctx.meta.rocprof_columns = col.hasSize ? 'with Allocation_Size' : 'without Allocation_Size';
        continue;
      }
      const operation = cells[col.operation]!;
      const op: Operation | undefined = operation === 'SCRATCH_MEMORY_ALLOC' ? 'alloc' : operation === 'SCRATCH_MEMORY_FREE' ? 'free' : operation === 'SCRATCH_MEMORY_ASYNC_RECLAIM' ? 'reclaim' : undefined;
      if (op === undefined) {
        drop(`rows of operation ${operation.slice(0, 40) || '(empty)'}`);
        continue;
      }
      const start = cells[col.start]!;
      if (!/^\d{1,20}$/.test(start)) {
        structural(ctx, importerMessages.badField({ ...where, field: 'Start_Timestamp' }, 'a timestamp in ns', JSON.stringify(start.slice(0, 30))));
        drop('records with bad fields');
        continue;
      }
      const agentText = cells[col.agent]!;
      const abs = /^(?:Agent\s*)?(\d{1,9})$/.exec(agentText);
      const gpu = /^GPU\s*(\d{1,9})$/.exec(agentText);
      if (!abs && !gpu) {
        structural(ctx, importerMessages.badField({ ...where, field: 'Agent_Id' }, '"Agent <n>", <n> or "GPU <n>"', JSON.stringify(agentText.slice(0, 30))));
        drop('records with bad fields');
        continue;
      }
      const queue = cells[col.queue]!;
      if (!/^\d{1,20}$/.test(queue)) {
        structural(ctx, importerMessages.badField({ ...where, field: 'Queue_Id' }, 'an integer queue id', JSON.stringify(queue.slice(0, 30))));
        drop('records with bad fields');
        continue;
      }
      let bytes = 0;
      if (col.size >= 0 && op === 'alloc') {
        const size = cells[col.size]!;
        if (!/^\d{1,16}$/.test(size) || Number(size) >= 2 ** 53) {
          structural(ctx, importerMessages.badField({ ...where, field: 'Allocation_Size' }, 'a size in bytes < 2^53', JSON.stringify(size.slice(0, 30))));
          drop('records with bad fields');
          continue;
        }
        bytes = Number(size);
      }
      const flagsText = col.flags >= 0 ? cells[col.flags]! : '';
      const alt = /^\d+$/.test(flagsText) ? (Number(flagsText) & 2) !== 0 : /ALT/i.test(flagsText);
      rows.push({ line: l.line, start: BigInt(start), op, agentId: abs ? Number(abs[1]) : -1, gpu: gpu ? Number(gpu[1]) : -1, queue, alt, bytes });
    }
    if (!col) fail(importerMessages.unexpectedEnd({ file: ctx.file, line: 1 }, 'a rocprofv3 scratch-memory CSV header'));
    const allocRows = rows.filter((r) => r.op === 'alloc');
    const sized = allocRows.filter((r) => r.bytes > 0).length;
    if (allocRows.length > 0 && sized === 0) {
      const queues = new Set(rows.map((r) => `${r.agentId}/${r.gpu}/${r.queue}`)).size;
      const holds = `${allocRows.length} SCRATCH_MEMORY_ALLOC, ${rows.filter((r) => r.op === 'free').length} SCRATCH_MEMORY_FREE and ${rows.filter((r) => r.op === 'reclaim').length} SCRATCH_MEMORY_ASYNC_RECLAIM rows on ${queues} queue(s) but no allocation sizes (${col.hasSize ? 'every Allocation_Size is 0' : 'no Allocation_Size column'})`;
      fail(importerMessages.nothingToSimulate({ file: ctx.file, line: 1, field: 'Allocation_Size' }, holds, SCRATCH_RECORD_COMMAND));
    }
    const ids = rows.filter((r) => r.agentId >= 0).map((r) => r.agentId);
    const agents = bindAgents(agentMap, ids);
    const agentOf = (r: Row): number => {
      if (r.gpu >= 0) return r.gpu + 1;
      const a = agents.get(r.agentId)!.agent;
      if (a === 0) fail(importerMessages.badField({ file: ctx.file, line: r.line, field: 'Agent_Id' }, 'a GPU agent (scratch memory is device memory; check agentMap)', `Agent ${r.agentId}, mapped to cpu`));
      return a;
    };
    const seen = new Set(ids);
    if (seen.size) ctx.meta.agent_map = [...agents].filter(([id]) => seen.has(id)).sort((a, b) => a[0] - b[0]).map(([id, b]) => `${id}=${b.agent === 0 ? 'cpu' : `dev${b.agent - 1}`}`).join(',');
    let t0: bigint | undefined;
    for (const r of rows) if (t0 === undefined || r.start < t0) t0 = r.start;
    if (t0 !== undefined) ctx.meta.origin_clock_ns = t0.toString();
    ctx.meta.synthesized_addresses = 'rocprofv3-scratch';
    ctx.meta.synthesized_layout = `consecutive ${align}-byte-aligned addresses from 0x${base.toString(16)}, never reused`;
    // rows are matched in time order (stable: equal times keep file order)
    const order = rows.map((_r, i) => i).sort((a, b) => (rows[a]!.start < rows[b]!.start ? -1 : rows[a]!.start > rows[b]!.start ? 1 : a - b));
    const out = new RowCollector(ctx.strings);
    const b = out.builder;
    /** Live scratch per agent/queue/ALT: its address and size. */
    const live = new Map<string, { va: number; bytes: number; agent: number }>();
    /** Agent/queue/ALT keys whose scratch an ASYNC_RECLAIM released (a later FREE of it is expected). */
    const reclaimed = new Set<string>();
    let next = base;
    let replaced = 0;
    const free = (key: string, t: number, flags: number): void => {
      const a = live.get(key)!;
      live.delete(key);
      const i = b.addRow(Op.free, t, a.agent, a.va, a.bytes);
      b.cols.flags[i] = flags;
      out.flush();
    };
    for (const k of order) {
      const r = rows[k]!;
      const d = r.start - t0!;
      if (d >= 2n ** 53n) fail(importerMessages.tooLarge({ file: ctx.file, line: r.line }, 'timestamp after rebasing', d.toString()));
      const t = Number(d);
      const agent = agentOf(r);
      const key = `${agent}/${r.queue}/${r.alt ? 'alt' : 'main'}`;
      if (r.op === 'alloc') {
        if (r.bytes === 0) {
          drop('SCRATCH_MEMORY_ALLOC rows of size 0');
          continue;
        }
        if (live.has(key)) {
          // one scratch region per queue (and ALT flag): the FREE of the old one is missing
          free(key, t, Flag.synthetic);
          replaced++;
        }
        reclaimed.delete(key);
        const va = next;
        next += Math.ceil(r.bytes / align) * align;
        if (next >= 2 ** 53) fail(importerMessages.tooLarge({ file: ctx.file, line: r.line }, 'synthesized address', next.toString()));
        live.set(key, { va, bytes: r.bytes, agent });
        const i = b.addRow(Op.alloc, t, agent, va, r.bytes);
        b.cols.flags[i] = Flag.device | Flag.synthetic;
        b.cols.label[i] = ctx.strings.intern(`scratch q${r.queue}${r.alt ? ' alt' : ''}`);
        out.flush();
      } else if (r.op === 'free') {
        if (live.has(key)) free(key, t, 0);
        else if (reclaimed.delete(key)) drop('SCRATCH_MEMORY_FREE rows after an ASYNC_RECLAIM (already released)');
        else drop('SCRATCH_MEMORY_FREE rows without a live allocation on their queue (allocated before the trace; size unknown)');
      } else if (reclaimFrees && live.has(key)) {
        free(key, t, 0);
        reclaimed.add(key);
      } else drop(reclaimFrees ? 'SCRATCH_MEMORY_ASYNC_RECLAIM rows without a live allocation on their queue' : 'SCRATCH_MEMORY_ASYNC_RECLAIM rows (reclaim=ignore)');
    }
    if (replaced) ctx.log.add(importerMessages.scratchReplaced({ file: ctx.file }, replaced));
    for (const [reason, n] of dropped) ctx.log.add(importerMessages.ignoredRecord({ file: ctx.file }, `${n} ${reason}`));
    const devices = [...new Set(rows.map(agentOf))].sort((x, y) => x - y).map((a) => `dev${a - 1}`);
    if (devices.length) ctx.meta.devices = devices.join(',');
    yield* out.sorted();
  },
} satisfies ImporterDef<Rocprofv3ScratchOptions>;
