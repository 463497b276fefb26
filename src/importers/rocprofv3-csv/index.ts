import { fail } from '../../log/diagnostic';
import { importerMessages } from '../../log/messages/importers';
import { Flag, Op } from '../../trace/event';
import type { ImporterDef } from '../types';
import { structural } from '../shared/context';
import { csvRecords } from '../shared/csv-records';
import { RowCollector } from '../shared/rows';
import { baseName, firstLine } from '../shared/sniff';
import { bindAgents, parseAgentMap } from './agent-map';

export type Rocprofv3Options = { agentMap: string };

const ALLOC_COLUMNS = ['Kind', 'Operation', 'Agent_Id', 'Allocation_Size', 'Address', 'Start_Timestamp', 'End_Timestamp'] as const;
const COPY_COLUMNS = ['Kind', 'Direction', 'Source_Agent_Id', 'Destination_Agent_Id', 'Start_Timestamp', 'End_Timestamp'] as const;
/** What an agent-id cell may hold: rocprofiler-sdk writes `"Agent N"` (allocation traces, and copy traces of recent
 * releases) or the bare integer N (copy traces of earlier releases). */
const AGENT_ID_FORMS = 'an agent id: "Agent <n>" or an integer <n>';

/** The agent number of a cell in either form (`AGENT_ID_FORMS`), or undefined. */
function agentId(text: string): number | undefined {
  const m = /^(?:Agent )?(\d{1,9})$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

interface Row {
  readonly line: number;
  readonly start: bigint;
  readonly end: bigint;
  readonly op: 'alloc' | 'free' | 'copy';
  readonly agentId: number;
  readonly targetId: number;
  readonly va: number;
  readonly bytes: number;
  readonly direction: string;
}

/** Output version of this importer (bump when the events for the same input change). */
const IMPORTER_VERSION = 1;

/**
 * rocprofv3 `--memory-allocation-trace` and `--memory-copy-trace` CSV files (docs/trace-formats.md G); the kind of
 * file is read from its header. ALLOCATE → `alloc` (agent and kind from `agentMap`), FREE → `free` of the
 * allocation at that address (size from its ALLOCATE), copies → `copy` with `flags=size_unknown` (the file
 * has no byte count) plus a duration observation. Timestamps are absolute ns, rebased to the first row.
 */
export const rocprofv3Importer = {
  name: 'rocprofv3-csv' as const,
  summary: 'AMD rocprofv3 memory-allocation / memory-copy trace CSV',
  version: IMPORTER_VERSION,
  defaults: { agentMap: '0=cpu:pinned_host' },
  options: {
    agentMap: { summary: 'rocprof agent id → canonical agent and allocation kind, e.g. 0=cpu:pinned_host,2=dev0:device; unlisted ids become dev0, dev1, … (kind device) in id order' },
  },
  sniff(head) {
    const h = firstLine(head);
    // the allocation trace has an Address; the scratch-memory trace (Operation, Allocation_Size, no Address) is rocprofv3-scratch
    return /"?Kind"?,/.test(h) && ((h.includes('Operation') && h.includes('Allocation_Size') && h.includes('Address')) || (h.includes('Direction') && h.includes('Source_Agent_Id')));
  },
  async *read(input, opts, ctx) {
    const agentMap = parseAgentMap(String(opts.agentMap));
    ctx.meta.importer = `rocprofv3-csv@${IMPORTER_VERSION}`;
    ctx.meta.source = baseName(input.path);
    let header: string[] | undefined;
    let kind: 'alloc' | 'copy' = 'alloc';
    let col: Record<string, number> = {};
    const rows: Row[] = [];
    let ignored = 0;
    for await (const l of csvRecords(input, ctx)) {
      const cells = l.cells;
      const where = { file: ctx.file, line: l.line };
      if (!header) {
        header = cells;
        col = Object.fromEntries(cells.map((c, i) => [c, i]));
        const isCopy = cells.includes('Direction');
        kind = isCopy ? 'copy' : 'alloc';
        const need: readonly string[] = isCopy ? COPY_COLUMNS : ALLOC_COLUMNS;
        const missing = need.filter((c) => !(c in col));
        const scratch = cells.includes('Queue_Id') && !cells.includes('Address') ? ' (a scratch-memory trace: import it with --from rocprofv3-scratch)' : '';
        if (missing.length) fail(importerMessages.notThisFormat({ ...where, col: 1 }, 'rocprofv3 memory trace CSV', `a header with ${need.join(', ')}`, `no ${missing.join(', ')}${scratch}`));
        ctx.meta.rocprof_trace = isCopy ? 'memory_copy' : 'memory_allocation';
        continue;
      }
      const cell = (name: string): string => cells[col[name]!]!;
      const big = (name: string): bigint | undefined => {
        const v = cell(name);
        if (/^\d{1,20}$/.test(v)) return BigInt(v);
        structural(ctx, importerMessages.badField({ ...where, field: name }, 'a timestamp in ns', JSON.stringify(v.slice(0, 30))));
        return undefined;
      };
      const start = big('Start_Timestamp');
      const end = big('End_Timestamp');
      if (start === undefined || end === undefined) continue;
      if (kind === 'copy') {
        const s = agentId(cell('Source_Agent_Id'));
        const d = agentId(cell('Destination_Agent_Id'));
        if (s === undefined || d === undefined) {
          const field = s === undefined ? 'Source_Agent_Id' : 'Destination_Agent_Id';
          structural(ctx, importerMessages.badField({ ...where, field }, AGENT_ID_FORMS, JSON.stringify(cell(field).slice(0, 30))));
          continue;
        }
        rows.push({ line: l.line, start, end, op: 'copy', agentId: s, targetId: d, va: NaN, bytes: NaN, direction: cell('Direction') });
        continue;
      }
      const operation = cell('Operation');
      if (operation !== 'MEMORY_ALLOCATION_ALLOCATE' && operation !== 'MEMORY_ALLOCATION_FREE') {
        ignored++;
        continue;
      }
      const addrText = cell('Address');
      if (!/^(0x)?[0-9a-fA-F]{1,16}$/.test(addrText) || parseInt(addrText, 16) >= 2 ** 53) {
        structural(ctx, importerMessages.badField({ ...where, field: 'Address' }, 'a hex address < 2^53', JSON.stringify(addrText.slice(0, 30))));
        continue;
      }
      const va = parseInt(addrText, 16);
      if (operation === 'MEMORY_ALLOCATION_FREE') {
        rows.push({ line: l.line, start, end, op: 'free', agentId: -1, targetId: -1, va, bytes: NaN, direction: '' });
        continue;
      }
      const agent = agentId(cell('Agent_Id'));
      const size = cell('Allocation_Size');
      if (agent === undefined || !/^\d{1,15}$/.test(size) || Number(size) <= 0) {
        const ok = agent !== undefined;
        structural(ctx, importerMessages.badField({ ...where, field: ok ? 'Allocation_Size' : 'Agent_Id' }, ok ? 'a size > 0 in bytes' : AGENT_ID_FORMS, JSON.stringify((ok ? size : cell('Agent_Id')).slice(0, 30))));
        continue;
      }
      rows.push({ line: l.line, start, end, op: 'alloc', agentId: agent, targetId: -1, va, bytes: Number(size), direction: '' });
    }
    if (!header) fail(importerMessages.unexpectedEnd({ file: ctx.file, line: 1 }, 'a rocprofv3 CSV header'));
    if (ignored) ctx.log.add(importerMessages.ignoredRecord({ file: ctx.file }, `${ignored} allocation row(s) of other operations`));
    const ids: number[] = [];
    for (const r of rows) {
      if (r.agentId >= 0) ids.push(r.agentId);
      if (r.targetId >= 0) ids.push(r.targetId);
    }
    const agents = bindAgents(agentMap, ids);
    ctx.meta.agent_map = [...agents].sort((a, b) => a[0] - b[0]).map(([id, b]) => `${id}=${b.agent === 0 ? 'cpu' : `dev${b.agent - 1}`}`).join(',');
    let t0: bigint | undefined;
    for (const r of rows) if (t0 === undefined || r.start < t0) t0 = r.start;
    if (t0 !== undefined) ctx.meta.origin_clock_ns = t0.toString();
    const ns = (v: bigint, line: number): number => {
      const d = v - t0!;
      if (d >= 2n ** 53n || d < 0n) fail(importerMessages.tooLarge({ file: ctx.file, line }, 'timestamp after rebasing', d.toString()));
      return Number(d);
    };
    // allocations are matched in time order
    const order = rows.map((_r, i) => i).sort((a, b) => (rows[a]!.start < rows[b]!.start ? -1 : rows[a]!.start > rows[b]!.start ? 1 : a - b));
    const out = new RowCollector(ctx.strings);
    const b = out.builder;
    const live = new Map<number, { agent: number; bytes: number }>();
    for (const k of order) {
      const r = rows[k]!;
      const t = ns(r.start, r.line);
      if (r.op === 'alloc') {
        const ag = agents.get(r.agentId)!;
        if (live.has(r.va)) ctx.log.add(importerMessages.overlap({ file: ctx.file, line: r.line }, `allocation at 0x${r.va.toString(16)}`));
        live.set(r.va, { agent: ag.agent, bytes: r.bytes });
        const i = b.addRow(Op.alloc, t, ag.agent, r.va, r.bytes);
        b.cols.flags[i] = ag.kind;
      } else if (r.op === 'free') {
        const a = live.get(r.va);
        if (!a) {
          ctx.log.add(importerMessages.ignoredRecord({ file: ctx.file, line: r.line }, `FREE of 0x${r.va.toString(16)}, which was not allocated in this trace (size unknown)`));
          continue;
        }
        live.delete(r.va);
        b.addRow(Op.free, t, a.agent, r.va, a.bytes);
      } else {
        const i = b.addRow(Op.copy, t, agents.get(r.agentId)!.agent, NaN, NaN);
        b.cols.target[i] = agents.get(r.targetId)!.agent;
        b.cols.flags[i] = Flag.size_unknown;
        ctx.observe('copy', { tNs: t, durNs: ns(r.end, r.line) - t, direction: r.direction, sourceAgentId: r.agentId, destinationAgentId: r.targetId });
      }
      out.flush();
    }
    ctx.meta.devices = [...new Set([...agents.values()].filter((x) => x.agent > 0).map((x) => `dev${x.agent - 1}`))].sort().join(',');
    yield* out.sorted();
  },
} satisfies ImporterDef<Rocprofv3Options>;
