import { importerMessages } from '../../log/messages/importers';
import type { EventBatch } from '../../trace/batch';
import { Access, Advice, Flag, markerKindOf, Op } from '../../trace/event';
import type { ImportContext } from '../types';
import { structural } from '../shared/context';
import { FieldReader, isRecord } from '../shared/fields';
import { RowCollector } from '../shared/rows';
import type { RawSnapshot } from './decode';

/** Access synthesis modes (a snapshot records allocator calls, not accesses). */
export const SYNTHESIS_MODES = ['none', 'touch-on-alloc', 'touch-on-alloc-and-free'] as const;
export type SynthesisMode = (typeof SYNTHESIS_MODES)[number];

export interface SnapshotMapOptions {
  readonly synthesis: SynthesisMode;
  readonly freeAsDontneed: boolean;
  /** Allocation kind of segments: `managed` (default) or `device`. */
  readonly segmentKind: 'managed' | 'device';
}

interface Entry {
  readonly action: string;
  readonly addr: number;
  readonly size: number;
  readonly timeUs: number;
  readonly deviceFree: number;
}

/** Resource id of a segment (its base address). */
export function segmentResource(addr: number): string {
  return `seg@0x${addr.toString(16)}`;
}

/**
 * Map a decoded snapshot to canonical events (docs/trace-formats.md A):
 * - `segment_alloc`/`segment_free` → `alloc`/`free` (kind `managed` or `device`, `resource` = segment);
 * - segments alive before the first recorded event (in the dump without a `segment_alloc`, or freed without
 *   one: the trace is a ring buffer) → `alloc` at t=0 with `flags=preexisting`;
 * - expandable segments → `reserve` at t=0 per segment, `segment_map`/`segment_unmap` → `map`/`unmap`;
 * - block `alloc` → synthetic whole-block device write (`touch-on-alloc*`), `free_requested` → synthetic
 *   whole-block read (`touch-on-alloc-and-free`), `free_completed` → `advise dontneed` (`freeAsDontneed`);
 * - `oom` → `marker oom` with `bytes` = `device_free`; `snapshot` → `marker snapshot`.
 * `device_traces[N]` is agent `devN`. Times are rebased to the earliest event (µs → ns after rebasing).
 * Returns the rows in time order and writes `origin_unix_ns`.
 */
export function* mapSnapshot(raw: RawSnapshot, opts: SnapshotMapOptions, ctx: ImportContext): Generator<EventBatch> {
  const rows = new RowCollector(ctx.strings);
  const b = rows.builder;
  const kind = opts.segmentKind === 'device' ? Flag.device : Flag.managed;
  const traces = raw.deviceTraces.map((t, d) => readEntries(raw, d, t, ctx));
  let t0 = Infinity;
  for (const t of traces) if (t.length) t0 = Math.min(t0, t[0]!.timeUs);
  if (t0 === Infinity) t0 = 0;
  else ctx.meta.origin_unix_ns = (BigInt(t0) * 1000n).toString();
  const segs = readSegments(raw, ctx);

  let preexisting = 0;
  let events = 0;
  for (let d = 0; d < traces.length; d++) {
    const agent = d + 1;
    const entries = traces[d]!;
    // ---- pass 1: what existed before the first event --------------------------------------------------
    const live = new Map<number, number>();
    const early: Array<[number, number]> = [];
    const mapped = new Set<number>();
    const earlyMaps: Array<[number, number]> = [];
    for (const e of entries) {
      if (e.action === 'segment_alloc') live.set(e.addr, e.size);
      else if (e.action === 'segment_free') {
        if (!live.delete(e.addr)) early.push([e.addr, e.size]);
      } else if (e.action === 'segment_map') mapped.add(e.addr);
      else if (e.action === 'segment_unmap' && !mapped.delete(e.addr)) earlyMaps.push([e.addr, e.size]);
    }
    const expandable = segs.filter((s) => s.device === d && s.expandable);
    for (const s of segs) if (s.device === d && !s.expandable && !live.has(s.address)) early.push([s.address, s.totalSize]);
    for (const [addr, size] of early) {
      const i = b.addRow(Op.alloc, 0, agent, addr, size);
      b.cols.flags[i] = kind | Flag.preexisting;
      b.cols.resource[i] = ctx.strings.intern(segmentResource(addr));
      rows.flush();
    }
    preexisting += early.length;
    // reservations for expandable segments: the dump's segments, widened to every map inside them
    const reserves = reservationsFor(expandable, entries);
    for (const r of reserves) {
      const i = b.addRow(Op.reserve, 0, agent, r.start, r.end - r.start);
      b.cols.flags[i] = Flag.preexisting | (r.synthetic ? Flag.synthetic : 0);
      b.cols.label[i] = ctx.strings.intern(segmentResource(r.start));
      rows.flush();
    }
    for (const [addr, size] of earlyMaps) {
      const r = reserves.find((x) => addr >= x.start && addr < x.end);
      const i = b.addRow(Op.map, 0, agent, addr, size);
      b.cols.flags[i] = Flag.preexisting;
      b.cols.resource[i] = ctx.strings.intern(segmentResource(r ? r.start : addr));
      b.cols.offsetBytes[i] = r ? addr - r.start : 0;
      rows.flush();
    }
    preexisting += earlyMaps.length;
    // ---- pass 2: the events ------------------------------------------------------------------------------
    for (const e of entries) {
      const t = (e.timeUs - t0) * 1000;
      switch (e.action) {
        case 'segment_alloc': {
          const i = b.addRow(Op.alloc, t, agent, e.addr, e.size);
          b.cols.flags[i] = kind;
          b.cols.resource[i] = ctx.strings.intern(segmentResource(e.addr));
          break;
        }
        case 'segment_free':
          b.addRow(Op.free, t, agent, e.addr, e.size);
          break;
        case 'segment_map':
        case 'segment_unmap': {
          const r = reserves.find((x) => e.addr >= x.start && e.addr < x.end);
          const i = b.addRow(e.action === 'segment_map' ? Op.map : Op.unmap, t, agent, e.addr, e.size);
          if (e.action === 'segment_map') {
            b.cols.resource[i] = ctx.strings.intern(segmentResource(r ? r.start : e.addr));
            b.cols.offsetBytes[i] = r ? e.addr - r.start : 0;
          }
          break;
        }
        case 'alloc':
          if (opts.synthesis !== 'none' && e.size > 0) {
            const i = b.addRow(Op.access, t, agent, e.addr, e.size);
            b.cols.access[i] = Access.w;
            b.cols.flags[i] = Flag.synthetic;
          }
          break;
        case 'free_requested':
          if (opts.synthesis === 'touch-on-alloc-and-free' && e.size > 0) {
            const i = b.addRow(Op.access, t, agent, e.addr, e.size);
            b.cols.access[i] = Access.r;
            b.cols.flags[i] = Flag.synthetic;
          }
          break;
        case 'free_completed':
          if (opts.freeAsDontneed && e.size > 0) {
            const i = b.addRow(Op.advise, t, agent, e.addr, e.size);
            b.cols.code[i] = Advice.dontneed;
          }
          break;
        case 'oom': {
          const i = b.addRow(Op.marker, t, agent, NaN, e.deviceFree);
          b.cols.code[i] = markerKindOf('oom');
          b.cols.label[i] = ctx.strings.intern('oom');
          ctx.observe('oom', { tNs: t, agent: `dev${d}`, requestedBytes: e.size, deviceFreeBytes: e.deviceFree });
          break;
        }
        case 'snapshot': {
          const i = b.addRow(Op.marker, t, agent, NaN, NaN);
          b.cols.label[i] = ctx.strings.intern('snapshot');
          break;
        }
        default:
          ctx.log.add(importerMessages.ignoredRecord({ file: ctx.file, field: 'action' }, `trace action ${JSON.stringify(e.action)}`));
          continue;
      }
      events++;
      rows.flush();
    }
  }
  if (preexisting > 0) ctx.log.add(importerMessages.preexisting({ file: ctx.file }, preexisting, 'segments or mappings'));
  if (events === 0) ctx.log.add(importerMessages.noMemoryEvents({ file: ctx.file }, 'device trace entries (was _record_memory_history enabled?)'));
  yield* rows.sorted();
}

interface Segment {
  readonly device: number;
  readonly address: number;
  readonly totalSize: number;
  readonly expandable: boolean;
}

function readSegments(raw: RawSnapshot, ctx: ImportContext): Segment[] {
  const out: Segment[] = [];
  raw.segments.forEach((s, i) => {
    const where = raw.segmentLoc(i);
    if (!isRecord(s)) {
      structural(ctx, importerMessages.badField(where, 'a segment dict', typeof s));
      return;
    }
    const f = new FieldReader(ctx, where, `segments[${i}].`);
    const device = f.optInt(s, 'device', 0);
    const address = f.int(s, 'address');
    const totalSize = f.int(s, 'total_size', 1);
    if (device === undefined || address === undefined || totalSize === undefined) return;
    out.push({ device, address, totalSize, expandable: s.is_expandable === true });
  });
  return out;
}

function readEntries(raw: RawSnapshot, d: number, list: readonly unknown[], ctx: ImportContext): Entry[] {
  const out: Entry[] = [];
  let last = -Infinity;
  for (let i = 0; i < list.length; i++) {
    const e = list[i] as Record<string, unknown>;
    // fast path: a well-formed entry (plain integers below 2^53, a string action); anything else is
    // re-checked field by field below, which reports the exact problem
    const action = e?.action;
    const addr = e?.addr ?? 0;
    const size = e?.size ?? 0;
    const timeUs = e?.time_us;
    const deviceFree = action === 'oom' ? (e.device_free ?? 0) : 0;
    if (
      typeof action === 'string' && isInt(addr) && isInt(size) && isInt(timeUs) && isInt(deviceFree) &&
      timeUs >= last && !((action === 'segment_alloc' || action === 'segment_map') && size <= 0)
    ) {
      last = timeUs;
      out.push({ action, addr, size, timeUs, deviceFree });
      continue;
    }
    reportEntry(raw, d, i, e, last, ctx);
  }
  return out;
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 53;
}

/** Slow path: report what is wrong with entry `i` (thrown in strict mode; in lenient mode it is skipped). */
function reportEntry(raw: RawSnapshot, d: number, i: number, e: unknown, last: number, ctx: ImportContext): void {
  const where = raw.traceLoc(d, i);
  if (!isRecord(e)) {
    structural(ctx, importerMessages.badField(where, 'a trace entry dict', typeof e));
    return;
  }
  const f = new FieldReader(ctx, where, `device_traces[${d}][${i}].`);
  const action = f.str(e, 'action');
  const addr = f.optInt(e, 'addr', 0);
  const size = f.optInt(e, 'size', 0);
  const timeUs = f.int(e, 'time_us');
  const deviceFree = action === 'oom' ? f.optInt(e, 'device_free', 0) : 0;
  if (action === undefined || addr === undefined || size === undefined || timeUs === undefined || deviceFree === undefined) return;
  if (timeUs < last) {
    structural(ctx, importerMessages.badField({ ...where, field: `device_traces[${d}][${i}].time_us` }, `a time >= the previous entry's ${last}`, String(timeUs)));
    return;
  }
  structural(ctx, importerMessages.badField({ ...where, field: `device_traces[${d}][${i}].size` }, 'a size > 0', String(size)));
}

interface Reservation {
  start: number;
  end: number;
  readonly synthetic: boolean;
}

/**
 * One reservation per expandable segment of the dump, widened to cover every `segment_map` inside it; maps
 * outside every dumped segment get synthetic reservations (the union of their ranges).
 */
function reservationsFor(expandable: readonly Segment[], entries: readonly Entry[]): Reservation[] {
  const res: Reservation[] = expandable
    .map((s) => ({ start: s.address, end: s.address + s.totalSize, synthetic: false }))
    .sort((a, b) => a.start - b.start);
  const orphans: Array<[number, number]> = [];
  for (const e of entries) {
    if (e.action !== 'segment_map' && e.action !== 'segment_unmap') continue;
    // an expandable segment grows contiguously: a map extends the segment that it starts inside or right after
    let owner: Reservation | undefined;
    for (const r of res) if (r.start <= e.addr && e.addr <= r.end && (owner === undefined || r.start > owner.start)) owner = r;
    const next = owner ? res[res.indexOf(owner) + 1] : undefined;
    if (owner && (next === undefined || e.addr + e.size <= next.start)) owner.end = Math.max(owner.end, e.addr + e.size);
    else orphans.push([e.addr, e.addr + e.size]);
  }
  orphans.sort((a, b) => a[0] - b[0]);
  const extra: Reservation[] = [];
  for (const [s, e] of orphans) {
    const last = extra[extra.length - 1];
    if (last && s <= last.end) last.end = Math.max(last.end, e);
    else extra.push({ start: s, end: e, synthetic: true });
  }
  return [...res, ...extra].sort((a, b) => a.start - b.start);
}
