import { fail } from '../../log/diagnostic';
import { cliMessages } from '../../log/messages/cli';
import { importerMessages } from '../../log/messages/importers';
import { Access, CPU, Flag, Op } from '../../trace/event';
import type { ImporterDef, ImportContext } from '../types';
import { RowCollector } from '../shared/rows';
import { structural } from '../shared/context';
import { scanJson, type JsonPath } from '../shared/json-scan';
import { isRecord } from '../shared/fields';
import { numberGpus } from '../shared/devices';
import { PRODUCER_KEY, ROCPROF_CHROME } from '../shared/producer';
import { baseName, firstNonWs, headText } from '../shared/sniff';
import { SYNTHESIS_MODES } from '../pytorch-snapshot/map';
import { LEGACY_ALIGN_BYTES, LEGACY_BASE_VA, LEGACY_LAYOUT, LEGACY_REGION_BYTES, LegacyAllocations } from './legacy';
import { decodeKinetoEvent, ignoredCategory, type KinetoRecord } from './records';

export type KinetoOptions = {
  synthesis: string;
  allocKind: string;
  cpuAllocs: string;
  kernels: boolean;
  compactDevices: boolean;
};

/** Output version of this importer (bump when the events for the same input change). */
const IMPORTER_VERSION = 3;

/**
 * PyTorch profiler (Kineto) Chrome trace, `.json` or `.json.gz` (docs/trace-formats.md B, docs/importers.md).
 * `[memory]` instant events are caching-allocator block allocations and frees (without `Addr`, PyTorch ≤ 1.9:
 * identity reconstructed at synthesized addresses, legacy.ts); `gpu_memcpy`/`Memcpy` → `copy`,
 * `gpu_memset`/`Memset` → `marker`, `kernel`/`Kernel` → `kernel_begin`/`kernel_end`. Events are not
 * time-ordered in the file: they are sorted stably. Everything not read is counted by reason (infos).
 */
export const kinetoImporter = {
  name: 'kineto' as const,
  summary: 'PyTorch profiler (Kineto) Chrome trace (.json/.json.gz), every era: [memory] allocs/frees, memcpy, memset, kernels',
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
    const ignored = new Map<string, number>();
    const dropped = { cpuAllocs: 0, kernels: 0 };
    let rocprofMarks = 0;
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
        if (!r) {
          const why = ignoredCategory(it.value);
          ignored.set(why, (ignored.get(why) ?? 0) + 1);
          if (rocprofMark(it.value)) rocprofMarks++;
        } else if (r.kind === 'mem' && r.cpu && opts.cpuAllocs === 'drop') dropped.cpuAllocs++;
        else if (r.kind === 'kernel' && !opts.kernels) dropped.kernels++;
        else recs.push(r);
      } else if (p[0] === 'baseTimeNanoseconds') baseRaw = it.text;
      else if (p.length === 1 && typeof p[0] === 'string') top[p[0]] = it.value;
      if (p[0] === 'traceEvents' && p.length === 1) fail(importerMessages.badField({ file: ctx.file, line: it.loc.line, col: it.loc.col, field: 'traceEvents' }, 'a list of events', 'another value'));
    }
    if (!sawEvents && !('traceEvents' in top)) {
      fail(importerMessages.notThisFormat({ file: ctx.file, line: 1, col: 1 }, 'Chrome trace', 'an object with traceEvents, or an array of events', 'neither'));
    }
    reportDropped(ignored, dropped, ctx);
    // a Chrome trace written by rocprof v1/v2 (`--hip-trace`/`--sys-trace`): HIP API calls and copies, no memory events
    if (rocprofMarks > 0 && recs.length === 0) ctx.meta[PRODUCER_KEY] = ROCPROF_CHROME;
    yield* mapRecords(recs, top, baseRaw, opts, ctx);
  },
} satisfies ImporterDef<KinetoOptions>;

function check(opts: Readonly<KinetoOptions>): void {
  if (!SYNTHESIS_MODES.includes(opts.synthesis as never)) fail(cliMessages.badValue({}, 'kineto option synthesis', SYNTHESIS_MODES.join(' | '), opts.synthesis));
  if (opts.allocKind !== 'managed' && opts.allocKind !== 'device') fail(cliMessages.badValue({}, 'kineto option allocKind', 'managed | device', opts.allocKind));
  if (opts.cpuAllocs !== 'host' && opts.cpuAllocs !== 'drop') fail(cliMessages.badValue({}, 'kineto option cpuAllocs', 'host | drop', opts.cpuAllocs));
}

/**
 * What only rocprof v1/v2 writes in its Chrome JSON (rocprofiler `bin/tblextr.py`, `label_json`): process names `CPU HIP API`
 * and `COPY`, and `args.BeginNs` / `EndNs` as decimal strings. Kineto writes neither.
 */
function rocprofMark(e: unknown): boolean {
  if (!isRecord(e) || !isRecord(e.args)) return false;
  if (e.ph === 'M') return e.name === 'process_name' && (e.args.name === 'CPU HIP API' || e.args.name === 'COPY');
  return typeof e.args.BeginNs === 'string';
}

/**
 * The dropped-by-reason part of the summary: one info per reason, with its count. Events of categories gmemlab
 * does not replay (CPU operators, runtime calls, flows, metadata) only take time, which stays in the gaps.
 */
function reportDropped(ignored: ReadonlyMap<string, number>, dropped: { cpuAllocs: number; kernels: number }, ctx: ImportContext): void {
  if (ignored.size > 0) {
    const total = [...ignored.values()].reduce((a, b) => a + b, 0);
    const byCat = [...ignored].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const shown = byCat.slice(0, 8).map(([c, n]) => `${c} ${n}`).join(', ');
    ctx.log.add(importerMessages.ignoredRecord({ file: ctx.file }, `${total} events not replayed (CPU-side or bookkeeping; their time stays in the gaps): ${shown}${byCat.length > 8 ? `, … ${byCat.length - 8} more categories` : ''}`));
  }
  if (dropped.cpuAllocs > 0) ctx.log.add(importerMessages.ignoredRecord({ file: ctx.file }, `${dropped.cpuAllocs} CPU [memory] events (option cpuAllocs=drop)`));
  if (dropped.kernels > 0) ctx.log.add(importerMessages.ignoredRecord({ file: ctx.file }, `${dropped.kernels} kernel events (option kernels=false)`));
}

function* mapRecords(recs: KinetoRecord[], top: Record<string, unknown>, baseRaw: string | undefined, opts: Readonly<KinetoOptions>, ctx: ImportContext) {
  // stable time order of the records (the file is not sorted)
  recs.sort((a, b) => a.ts - b.ts);
  const t0 = recs.length ? recs[0]!.ts : 0;
  // device numbering
  const ids = new Set<number>();
  for (const r of recs) if (!(r.kind === 'mem' && r.cpu)) ids.add(r.device);
  const { gpus: sorted, agentOf, deviceMap } = numberGpus(ids, Boolean(opts.compactDevices));
  ctx.meta.device_map = deviceMap;
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
  // events without Addr (PyTorch ≤ 1.9): identity by size, synthesized addresses (legacy.ts)
  const legacy = new LegacyAllocations();
  const regionOf = new Map<number, number>(sorted.map((d, i) => [d, i + 1]));
  let legacyEvents = 0;
  let legacyUnmatched = 0;
  let memEvents = 0;
  let preexisting = 0;
  for (const r of recs) {
    const t = Math.round((r.ts - t0) * 1000);
    if (r.kind === 'mem') {
      memEvents++;
      const agent = r.cpu ? CPU : agentOf.get(r.device)!;
      const live = r.cpu ? liveCpu : liveDev;
      let va = r.addr;
      let known = true; // false: a free that matched no live block
      if (Number.isNaN(va)) {
        if (r.bytes === 0) continue;
        legacyEvents++;
        const region = r.cpu ? 0 : regionOf.get(r.device)!;
        if (r.bytes > 0) va = legacy.alloc(region, r.bytes);
        else {
          const f = legacy.free(region, -r.bytes);
          va = f.va;
          known = f.matched;
        }
        if (Number.isNaN(va)) {
          structural(ctx, importerMessages.tooLarge({ ...r.where }, `the synthesized address range of ${r.cpu ? 'the CPU' : `GPU ${r.device}`}`, `more than ${LEGACY_REGION_BYTES} bytes of distinct blocks`));
          continue;
        }
        if (!Number.isNaN(r.totalAllocated)) {
          const expected = legacy.expectedTotal(region);
          if (!Number.isNaN(expected) && expected !== r.totalAllocated) {
            ctx.log.add(importerMessages.runningTotalMismatch({ ...r.where, field: 'args.Total Allocated' }, `${r.cpu ? 'CPU' : `GPU ${r.device}`} [memory] event of ${r.bytes} bytes`, r.totalAllocated, expected));
          }
          legacy.observeTotal(region, r.totalAllocated);
        }
        if (!known) legacyUnmatched++;
      } else if (r.bytes < 0) known = live.delete(va);
      const flags = Number.isNaN(r.addr) ? Flag.synthetic : 0;
      if (r.bytes > 0) {
        if (!flags && live.has(va)) ctx.log.add(importerMessages.overlap({ ...r.where }, `allocation at 0x${va.toString(16)}`));
        if (!flags) live.set(va, r.bytes);
        const i = b.addRow(Op.alloc, t, agent, va, r.bytes);
        b.cols.flags[i] = (r.cpu ? Flag.host : kind) | flags;
        rows.flush();
        if (!r.cpu && opts.synthesis !== 'none') {
          const j = b.addRow(Op.access, t, agent, va, r.bytes);
          b.cols.access[j] = Access.w;
          b.cols.flags[j] = Flag.synthetic;
          rows.flush();
        }
      } else if (r.bytes < 0) {
        const size = -r.bytes;
        if (!known) {
          ctx.log.add(importerMessages.unmatchedFree({ ...r.where }, flags ? `free of ${size} bytes` : `free of 0x${va.toString(16)}`));
          const i = b.addRow(Op.alloc, 0, agent, va, size);
          b.cols.flags[i] = (r.cpu ? Flag.host : kind) | Flag.preexisting | flags;
          rows.flush();
          preexisting++;
        }
        if (!r.cpu && opts.synthesis === 'touch-on-alloc-and-free') {
          const j = b.addRow(Op.access, t, agent, va, size);
          b.cols.access[j] = Access.r;
          b.cols.flags[j] = Flag.synthetic;
          rows.flush();
        }
        b.addRow(Op.free, t, agent, va, size);
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
  if (legacyEvents > 0) {
    ctx.meta.synthesized_addresses = LEGACY_LAYOUT;
    ctx.meta.synthesized_layout = `per address space at 0x${LEGACY_BASE_VA.toString(16)} + i*0x${LEGACY_REGION_BYTES.toString(16)} (i=0 cpu, i=1.. GPUs by id), ${LEGACY_ALIGN_BYTES} B aligned, freed blocks reused by exact size (LIFO)`;
    ctx.log.add(importerMessages.synthesizedAddresses({ file: ctx.file }, legacyEvents, LEGACY_LAYOUT, legacyUnmatched));
  }
  if (preexisting > 0) ctx.log.add(importerMessages.preexisting({ file: ctx.file }, preexisting, 'allocations'));
  yield* rows.sorted();
}

/** µs (possibly fractional) → ns as an exact BigInt (for origins beyond 2^53 ns). */
function usToNsBig(us: number): bigint {
  const whole = Math.trunc(us);
  return BigInt(whole) * 1000n + BigInt(Math.round((us - whole) * 1000));
}
