import { fail } from '../../log/diagnostic';
import { cliMessages } from '../../log/messages/cli';
import { importerMessages } from '../../log/messages/importers';
import { Access, CPU, Flag, Op } from '../../trace/event';
import type { ImporterDef, ImportContext } from '../types';
import { RowCollector } from '../shared/rows';
import { scanJson, type JsonPath } from '../shared/json-scan';
import { isRecord } from '../shared/fields';
import { baseName, firstNonWs, headText } from '../shared/sniff';
import { SYNTHESIS_MODES } from '../pytorch-snapshot/map';
import { decodeKinetoEvent, type KinetoRecord } from './records';

export type KinetoOptions = {
  synthesis: string;
  allocKind: string;
  cpuAllocs: string;
  kernels: boolean;
  compactDevices: boolean;
};

/** Output version of this importer (bump when the events for the same input change). */
const IMPORTER_VERSION = 1;

/**
 * PyTorch profiler (Kineto) Chrome trace, `.json` or `.json.gz` (docs/trace-formats.md B). `[memory]` instant
 * events are caching-allocator block allocations and frees; `gpu_memcpy` → `copy`, `gpu_memset` → `marker`,
 * `kernel` → `kernel_begin`/`kernel_end`. Events are not time-ordered in the file: they are sorted stably.
 */
export const kinetoImporter = {
  name: 'kineto' as const,
  summary: 'PyTorch profiler (Kineto) Chrome trace (.json/.json.gz): [memory] allocs/frees, memcpy, memset, kernels',
  version: IMPORTER_VERSION,
  defaults: { synthesis: 'touch-on-alloc', allocKind: 'managed', cpuAllocs: 'host', kernels: true, compactDevices: true },
  options: {
    synthesis: { summary: 'access synthesis for device blocks, as for pytorch-snapshot', values: SYNTHESIS_MODES },
    allocKind: { summary: 'allocation kind of device [memory] blocks', values: ['managed', 'device'] },
    cpuAllocs: { summary: 'CPU [memory] events: host allocations, or dropped', values: ['host', 'drop'] },
    kernels: { summary: 'emit kernel_begin/kernel_end for GPU kernels' },
    compactDevices: { summary: 'renumber the GPUs that occur densely from dev0 (device 1 of a rank-1 trace becomes dev0); the mapping is in the metadata' },
  },
  sniff(head) {
    const c = firstNonWs(head);
    if (c !== 0x7b && c !== 0x5b) return false;
    const t = headText(head);
    return t.includes('"traceEvents"') || (c === 0x5b && /"ph"\s*:/.test(t) && /"ts"\s*:/.test(t));
  },
  async *read(input, opts, ctx) {
    check(opts);
    ctx.meta.importer = `kineto@${IMPORTER_VERSION}`;
    ctx.meta.source = baseName(input.path);
    ctx.meta.synthesis = opts.synthesis;
    const recs: KinetoRecord[] = [];
    const top: Record<string, unknown> = {};
    let baseRaw: string | undefined;
    let sawEvents = false;
    const select = (p: JsonPath, kind: string): 'descend' | 'capture' | 'raw' | 'skip' => {
      if (p.length === 0) return 'descend';
      if (typeof p[0] === 'number') return p.length === 1 ? 'capture' : 'skip'; // bare-array form
      if (p[0] === 'traceEvents') return p.length === 1 ? (kind === 'array' ? 'descend' : 'capture') : 'capture';
      if (p[0] === 'baseTimeNanoseconds') return 'raw';
      if (p[0] === 'deviceProperties' || p[0] === 'distributedInfo' || p[0] === 'schemaVersion') return 'capture';
      return 'skip';
    };
    for await (const it of scanJson(input.chunks(), ctx.file, select)) {
      const p = it.path;
      const isEvent = (p[0] === 'traceEvents' && p.length === 2) || (typeof p[0] === 'number' && p.length === 1);
      if (isEvent) {
        sawEvents = true;
        const r = decodeKinetoEvent(it.value, { file: ctx.file, line: it.loc.line, col: it.loc.col }, ctx);
        if (r && !(r.kind === 'mem' && r.cpu && opts.cpuAllocs === 'drop') && !(r.kind === 'kernel' && !opts.kernels)) recs.push(r);
      } else if (p[0] === 'baseTimeNanoseconds') baseRaw = it.text;
      else if (p.length === 1 && typeof p[0] === 'string') top[p[0]] = it.value;
      if (p[0] === 'traceEvents' && p.length === 1) fail(importerMessages.badField({ file: ctx.file, line: it.loc.line, col: it.loc.col, field: 'traceEvents' }, 'a list of events', 'another value'));
    }
    if (!sawEvents && !('traceEvents' in top)) {
      fail(importerMessages.notThisFormat({ file: ctx.file, line: 1, col: 1 }, 'Chrome trace', 'an object with traceEvents, or an array of events', 'neither'));
    }
    yield* mapRecords(recs, top, baseRaw, opts, ctx);
  },
} satisfies ImporterDef<KinetoOptions>;

function check(opts: Readonly<KinetoOptions>): void {
  if (!SYNTHESIS_MODES.includes(opts.synthesis as never)) fail(cliMessages.badValue({}, 'kineto option synthesis', SYNTHESIS_MODES.join(' | '), opts.synthesis));
  if (opts.allocKind !== 'managed' && opts.allocKind !== 'device') fail(cliMessages.badValue({}, 'kineto option allocKind', 'managed | device', opts.allocKind));
  if (opts.cpuAllocs !== 'host' && opts.cpuAllocs !== 'drop') fail(cliMessages.badValue({}, 'kineto option cpuAllocs', 'host | drop', opts.cpuAllocs));
}

function* mapRecords(recs: KinetoRecord[], top: Record<string, unknown>, baseRaw: string | undefined, opts: Readonly<KinetoOptions>, ctx: ImportContext) {
  // stable time order of the records (the file is not sorted)
  recs.sort((a, b) => a.ts - b.ts);
  const t0 = recs.length ? recs[0]!.ts : 0;
  // device numbering
  const ids = new Set<number>();
  for (const r of recs) if (!(r.kind === 'mem' && r.cpu)) ids.add(r.device);
  const sorted = [...ids].sort((a, b) => a - b);
  const agentOf = new Map<number, number>(sorted.map((d, i) => [d, (opts.compactDevices ? i : d) + 1]));
  ctx.meta.device_map = sorted.map((d) => `dev${agentOf.get(d)! - 1}=gpu${d}`).join(' ');
  const props = Array.isArray(top.deviceProperties) ? top.deviceProperties : [];
  ctx.meta.devices = sorted
    .map((d) => {
      const p = props.find((x) => isRecord(x) && x.id === d);
      return isRecord(p) && typeof p.name === 'string' ? `${p.name}` : `gpu${d}`;
    })
    .join(',');
  for (const d of sorted) {
    const p = props.find((x) => isRecord(x) && x.id === d);
    if (isRecord(p) && typeof p.totalGlobalMem === 'number') ctx.meta[`capacity_bytes.dev${agentOf.get(d)! - 1}`] = String(p.totalGlobalMem);
  }
  if (isRecord(top.distributedInfo) && typeof top.distributedInfo.rank === 'number') ctx.meta.rank = String(top.distributedInfo.rank);
  if (baseRaw !== undefined && /^\d+$/.test(baseRaw)) {
    ctx.meta.kineto_base_time_ns = baseRaw;
    ctx.meta.origin_unix_ns = (BigInt(baseRaw) + usToNsBig(t0)).toString();
  } else if (t0 > 1e15) ctx.meta.origin_unix_ns = usToNsBig(t0).toString(); // ts are µs since the Unix epoch
  ctx.meta.origin_trace_us = String(t0);

  const rows = new RowCollector(ctx.strings);
  const b = rows.builder;
  const kind = opts.allocKind === 'device' ? Flag.device : Flag.managed;
  // live blocks by address; CPU and GPU addresses are separate spaces (GPUs share one unified space)
  const liveCpu = new Map<number, number>();
  const liveDev = new Map<number, number>();
  let memEvents = 0;
  let preexisting = 0;
  for (const r of recs) {
    const t = Math.round((r.ts - t0) * 1000);
    if (r.kind === 'mem') {
      memEvents++;
      const agent = r.cpu ? CPU : agentOf.get(r.device)!;
      const live = r.cpu ? liveCpu : liveDev;
      const k = r.addr;
      if (r.bytes > 0) {
        if (live.has(k)) ctx.log.add(importerMessages.overlap({ ...r.where }, `allocation at 0x${r.addr.toString(16)}`));
        live.set(k, r.bytes);
        const i = b.addRow(Op.alloc, t, agent, r.addr, r.bytes);
        b.cols.flags[i] = r.cpu ? Flag.host : kind;
        rows.flush();
        if (!r.cpu && opts.synthesis !== 'none') {
          const j = b.addRow(Op.access, t, agent, r.addr, r.bytes);
          b.cols.access[j] = Access.w;
          b.cols.flags[j] = Flag.synthetic;
          rows.flush();
        }
      } else if (r.bytes < 0) {
        const size = -r.bytes;
        if (!live.delete(k)) {
          ctx.log.add(importerMessages.unmatchedFree({ ...r.where }, `free of 0x${r.addr.toString(16)}`));
          const i = b.addRow(Op.alloc, 0, agent, r.addr, size);
          b.cols.flags[i] = (r.cpu ? Flag.host : kind) | Flag.preexisting;
          rows.flush();
          preexisting++;
        }
        if (!r.cpu && opts.synthesis === 'touch-on-alloc-and-free') {
          const j = b.addRow(Op.access, t, agent, r.addr, size);
          b.cols.access[j] = Access.r;
          b.cols.flags[j] = Flag.synthetic;
          rows.flush();
        }
        b.addRow(Op.free, t, agent, r.addr, size);
        rows.flush();
      }
    } else if (r.kind === 'copy') {
      const dev = agentOf.get(r.device)!;
      const from = r.dir === 'HtoD' || r.dir === 'HtoH' ? CPU : dev;
      const to = r.dir === 'DtoH' || r.dir === 'HtoH' ? CPU : dev;
      const i = b.addRow(Op.copy, t, from, NaN, r.bytes);
      b.cols.target[i] = to;
      if (Number.isNaN(r.bytes)) b.cols.flags[i] = Flag.size_unknown;
      rows.flush();
      ctx.observe('copy', { tNs: t, durNs: Math.round(r.dur * 1000), direction: r.dir, bytes: Number.isNaN(r.bytes) ? '' : r.bytes, agent: `dev${dev - 1}` });
    } else if (r.kind === 'memset') {
      const i = b.addRow(Op.marker, t, agentOf.get(r.device)!, NaN, r.bytes);
      b.cols.label[i] = ctx.strings.intern('memset');
      rows.flush();
    } else {
      const agent = agentOf.get(r.device)!;
      const i = b.addRow(Op.kernelBegin, t, agent, NaN, NaN);
      b.cols.label[i] = ctx.strings.intern(r.name);
      rows.flush();
      const j = b.addRow(Op.kernelEnd, t + Math.round(r.dur * 1000), agent, NaN, NaN);
      b.cols.label[j] = b.cols.label[i]!;
      rows.flush();
    }
  }
  if (memEvents === 0) ctx.log.add(importerMessages.noMemoryEvents({ file: ctx.file }, '[memory] events (profile with profile_memory=True)'));
  if (preexisting > 0) ctx.log.add(importerMessages.preexisting({ file: ctx.file }, preexisting, 'allocations'));
  yield* rows.sorted();
}

/** µs (possibly fractional) → ns as an exact BigInt (for origins beyond 2^53 ns). */
function usToNsBig(us: number): bigint {
  const whole = Math.trunc(us);
  return BigInt(whole) * 1000n + BigInt(Math.round((us - whole) * 1000));
}
