import { fail } from '../../log/diagnostic';
import { importerMessages } from '../../log/messages/importers';
import { maxImportRecords } from '../shared/limits';
import type { EventBatch } from '../../trace/batch';
import { Access, Advice, Flag, markerKindOf, MAX_DEVICE_INDEX, Op } from '../../trace/event';
import type { ImportContext } from '../types';
import { Checkpoint } from '../shared/checkpoint';
import { numberGpus } from '../shared/devices';
import { structural } from '../shared/context';
import { FieldReader, isRecord } from '../shared/fields';
import { ByteRangeSet } from '../../trace/byte-range-set';
import { SYNTHESIZED_TIMES_KEY } from '../../trace/meta-keys';
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
  /**
   * Expandable segments as `alloc` (default: every mapped range an allocation of `segmentKind`, cut where maps and
   * unmaps begin and end, so every system can run the trace) or `map` (the VMM calls as they were: reservations,
   * maps and unmaps of physical memory, which only the models of mapped ranges serve).
   */
  readonly expandable: ExpandableMode;
  /**
   * Renumber the GPUs that occur (a segment or a trace entry on it) densely from dev0, as Kineto does (default):
   * a snapshot of cuda:1 becomes dev0, which a one-device platform runs. False: GPU N is devN.
   */
  readonly compactDevices: boolean;
}

export const EXPANDABLE_MODES = ['alloc', 'map'] as const;
export type ExpandableMode = (typeof EXPANDABLE_MODES)[number];

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
 * - expandable segments: `segment_map`/`segment_unmap` → `alloc`/`free` of the pieces between their ends
 *   (`expandable=alloc`, default), or `reserve` at t=0 per reservation and `map`/`unmap` (`expandable=map`);
 * - block `alloc` → synthetic whole-block device write (`touch-on-alloc*`), `free_requested` → synthetic
 *   whole-block read (`touch-on-alloc-and-free`), `free_completed` → `advise dontneed` (`freeAsDontneed`);
 * - `oom` → `marker oom` with `bytes` = `device_free`; `snapshot` → `marker snapshot`.
 * The GPUs that occur (a segment or a kept trace entry on the device; an empty `device_traces[N]` is not one) are
 * agents dev0, dev1, … in ascending order (`compactDevices`, default), or GPU N is `devN`; metadata `devices` lists
 * those agents and `device_map` their GPUs (`dev0=gpu1`). Times are rebased to the earliest event (µs → ns after
 * rebasing). Returns the rows in time order and writes `origin_unix_ns`, `devices`, `device_map` and
 * `allocator_history` (`recorded`, or `none` when the source lists no trace entry).
 *
 * Work is linear in the number of records (up to log factors): segments are grouped by device once and
 * reservations are found by binary search, so no input makes it quadratic. Every `cp.everySteps` records it
 * checks the abort signal (`ctx.signal`) and yields to the event loop.
 */
export async function* mapSnapshot(raw: RawSnapshot, opts: SnapshotMapOptions, ctx: ImportContext, cp: Checkpoint = new Checkpoint(ctx.signal)): AsyncGenerator<EventBatch> {
  const rows = new RowCollector(ctx.strings);
  const b = rows.builder;
  const kind = opts.segmentKind === 'device' ? Flag.device : Flag.managed;
  // PyTorch before 2.1 recorded no time in its trace entries: then every entry is read at time 0, in the
  // recorded order (the sort below is stable), and the trace says so
  const untimed = !raw.deviceTraces.some((list) => list.some((e) => isRecord(e) && e.time_us !== undefined));
  let rawEntries = 0;
  for (const list of raw.deviceTraces) rawEntries += list.length;
  const traces: Entry[][] = [];
  for (let d = 0; d < raw.deviceTraces.length; d++) traces.push(await readEntries(raw, d, raw.deviceTraces[d]!, ctx, cp, untimed));
  if (untimed && rawEntries > 0) {
    ctx.meta[SYNTHESIZED_TIMES_KEY] = 'pytorch-snapshot-order';
    ctx.log.add(importerMessages.untimedEntries({ file: ctx.file, field: 'device_traces' }, rawEntries));
  }
  let t0 = Infinity;
  for (const t of traces) if (t.length) t0 = Math.min(t0, t[0]!.timeUs);
  if (t0 === Infinity || untimed) t0 = 0;
  else ctx.meta.origin_unix_ns = (BigInt(t0) * 1000n).toString();
  const segs = await readSegments(raw, ctx, cp);
  const segsOf = new Map<number, Segment[]>();
  for (const s of segs) {
    let l = segsOf.get(s.device);
    if (l === undefined) segsOf.set(s.device, (l = []));
    l.push(s);
  }
  ctx.meta.allocator_history = rawEntries > 0 ? 'recorded' : 'none';
  // the GPUs that occur, ascending: those with a segment or a kept trace entry (not those with an empty list)
  const occurring = [...segsOf.keys()];
  for (let d = 0; d < traces.length; d++) if (traces[d]!.length > 0) occurring.push(d);
  const { gpus: devices, agentOf, deviceMap } = numberGpus(occurring, opts.compactDevices);
  ctx.meta.devices = devices.map((d) => `dev${agentOf.get(d)! - 1}`).join(',');
  ctx.meta.device_map = deviceMap;

  let preexisting = 0;
  let events = 0;
  let pieceVisits = 0;
  const pieceBudget = maxImportRecords(raw.inputBytes ?? 0);
  for (const d of devices) {
    const agent = agentOf.get(d)!;
    const entries = traces[d] ?? [];
    // ---- pass 1: what existed before the first event --------------------------------------------------
    const live = new Map<number, number>();
    const early: Array<[number, number]> = [];
    // expandable segments, as byte ranges: an unmap releases any pages, which may span several maps or part of one
    // (CUDACachingAllocator.cpp unmap_block), so what was mapped before the trace is found byte-wise
    const mapped = new ByteRangeSet(); // mapped now, replaying the entries
    const before = new ByteRangeSet(); // found mapped before the first entry
    const touched = new ByteRangeSet(); // covered by some map or unmap of the trace
    for (const e of entries) {
      if (cp.tick()) await cp.pause();
      if (e.action === 'segment_alloc') live.set(e.addr, e.size);
      else if (e.action === 'segment_free') {
        if (!live.delete(e.addr)) early.push([e.addr, e.size]);
      } else if (e.action === 'segment_map') {
        mapped.add(e.addr, e.addr + e.size);
        touched.add(e.addr, e.addr + e.size);
      } else if (e.action === 'segment_unmap') {
        // the pages it releases that no earlier map of the trace mapped were mapped before it began
        for (const [a, b] of mapped.gaps(e.addr, e.addr + e.size)) for (const g of before.gaps(a, b)) before.add(g[0], g[1]);
        mapped.remove(e.addr, e.addr + e.size);
        touched.add(e.addr, e.addr + e.size);
      }
    }
    const mine = segsOf.get(d) ?? [];
    const expandable = mine.filter((s) => s.expandable);
    // the dump lists what is mapped at its end: the parts no map or unmap of the trace covered were mapped before it
    for (const s of expandable) for (const [a, b] of touched.gaps(s.address, s.address + s.totalSize)) before.add(a, b);
    const earlyMaps = before.toArray();
    for (const s of mine) if (!s.expandable && !live.has(s.address)) early.push([s.address, s.totalSize]);
    for (const [addr, size] of early) {
      const i = b.addRow(Op.alloc, 0, agent, addr, size);
      b.cols.flags[i] = kind | Flag.preexisting;
      b.cols.resource[i] = ctx.strings.intern(segmentResource(addr));
      rows.flush();
    }
    preexisting += early.length;
    // reservations for expandable segments: the dump's segments and every mapped range, merged where they touch
    const reserves = await reservationsFor(expandable, entries, cp);
    const owners = new ReservationIndex(reserves);
    const asAllocs = opts.expandable === 'alloc';
    // expandable=alloc: the pieces between every start and end of a map, an unmap or a pre-existing range, so that
    // each map is whole allocations and each unmap frees whole ones; `livePieces` holds the starts of those mapped
    const cuts = asAllocs ? await pieceCuts(earlyMaps, entries, cp) : new Float64Array(0);
    if (asAllocs) {
      // the pieces the maps and unmaps will visit, counted first (two binary searches each): a crafted trace of many
      // small maps and a few huge ones would visit pieces quadratically many times; it counts against the record budget
      for (const [a, z] of earlyMaps) pieceVisits += piecesIn(cuts, a, z);
      for (const e of entries) if (e.action === 'segment_map' || e.action === 'segment_unmap') pieceVisits += piecesIn(cuts, e.addr, e.addr + e.size);
      if (pieceVisits > pieceBudget) {
        fail(importerMessages.tooManyRecords({ file: ctx.file, field: 'device_traces' }, 'expandable segments cut into allocations (expandable=alloc; expandable=map keeps one row per map)', pieceBudget, pieceVisits));
      }
    }
    const livePieces = new Set<number>();
    const resourceOf = (addr: number): number => ctx.strings.intern(segmentResource(owners.firstContaining(addr)?.start ?? addr));
    if (!asAllocs) {
      for (const r of reserves) {
        const i = b.addRow(Op.reserve, 0, agent, r.start, r.end - r.start);
        b.cols.flags[i] = Flag.preexisting | (r.synthetic ? Flag.synthetic : 0);
        b.cols.label[i] = ctx.strings.intern(segmentResource(r.start));
        rows.flush();
      }
    }
    for (const [addr, end] of earlyMaps) {
      if (asAllocs) {
        forPieces(cuts, addr, end, (a, z) => {
          const i = b.addRow(Op.alloc, 0, agent, a, z - a);
          b.cols.flags[i] = kind | Flag.preexisting;
          b.cols.resource[i] = resourceOf(a);
          livePieces.add(a);
          rows.flush();
        });
        continue;
      }
      const r = owners.firstContaining(addr);
      const i = b.addRow(Op.map, 0, agent, addr, end - addr);
      b.cols.flags[i] = Flag.preexisting;
      b.cols.resource[i] = resourceOf(addr);
      b.cols.offsetBytes[i] = r ? addr - r.start : 0;
      rows.flush();
    }
    preexisting += earlyMaps.length;
    // ---- pass 2: the events ------------------------------------------------------------------------------
    for (const e of entries) {
      if (cp.tick()) await cp.pause();
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
          if (asAllocs) {
            const map = e.action === 'segment_map';
            forPieces(cuts, e.addr, e.addr + e.size, (a, z) => {
              // a piece mapped again while mapped, or unmapped while not, emits nothing: its allocation is already
              // live or already gone (only a damaged trace does this; with expandable=map the checks warn of it)
              if (map === livePieces.has(a)) return;
              const i = b.addRow(map ? Op.alloc : Op.free, t, agent, a, z - a);
              if (map) {
                b.cols.flags[i] = kind;
                b.cols.resource[i] = resourceOf(a);
                livePieces.add(a);
              } else livePieces.delete(a);
              rows.flush();
            });
            continue;
          }
          const r = owners.firstContaining(e.addr);
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
          ctx.observe('oom', { tNs: t, agent: `dev${agent - 1}`, requestedBytes: e.size, deviceFreeBytes: e.deviceFree });
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
  if (events === 0) {
    let kept = 0;
    for (const t of traces) kept += t.length;
    const what =
      rawEntries === 0
        ? raw.layout === 'segment-list'
          ? 'allocator history: the file is a torch.cuda.memory_snapshot() segment list (the segments at the time of the dump, emitted at t=0); torch.cuda.memory._record_memory_history() and _dump_snapshot() record one'
          : 'device trace entries (was _record_memory_history enabled?)'
        : kept === 0
          ? `usable device trace entries (all ${rawEntries} were skipped as malformed)`
          : `events to simulate among its ${kept} device trace entries (with synthesis=${opts.synthesis})`;
    ctx.log.add(importerMessages.noMemoryEvents({ file: ctx.file }, what));
  }
  yield* rows.sorted();
}

interface Segment {
  readonly device: number;
  readonly address: number;
  readonly totalSize: number;
  readonly expandable: boolean;
}

async function readSegments(raw: RawSnapshot, ctx: ImportContext, cp: Checkpoint): Promise<Segment[]> {
  const out: Segment[] = [];
  for (let i = 0; i < raw.segments.length; i++) {
    if (cp.tick()) await cp.pause();
    const s = raw.segments[i];
    const where = raw.segmentLoc(i);
    if (!isRecord(s)) {
      structural(ctx, importerMessages.badField(where, 'a segment dict', typeof s));
      continue;
    }
    const f = new FieldReader(ctx, where, `${where.field}.`);
    const device = f.optInt(s, 'device', 0);
    const address = f.int(s, 'address');
    const totalSize = f.int(s, 'total_size', 1);
    if (device === undefined || address === undefined || totalSize === undefined) continue;
    if (device > MAX_DEVICE_INDEX) {
      structural(ctx, importerMessages.badField({ ...where, field: `${where.field}.device` }, `a device index 0 … ${MAX_DEVICE_INDEX}`, String(device)));
      continue;
    }
    out.push({ device, address, totalSize, expandable: s.is_expandable === true });
  }
  return out;
}

async function readEntries(raw: RawSnapshot, d: number, list: readonly unknown[], ctx: ImportContext, cp: Checkpoint, untimed: boolean): Promise<Entry[]> {
  const out: Entry[] = [];
  let last = -Infinity;
  for (let i = 0; i < list.length; i++) {
    if (cp.tick()) await cp.pause();
    const e = list[i] as Record<string, unknown>;
    // fast path: a well-formed entry (plain integers below 2^53, a string action); anything else is
    // re-checked field by field below, which reports the exact problem
    const action = e?.action;
    const addr = e?.addr ?? 0;
    const size = e?.size ?? 0;
    const timeUs = untimed ? 0 : e?.time_us;
    const deviceFree = action === 'oom' ? (e.device_free ?? 0) : 0;
    if (
      typeof action === 'string' && isInt(addr) && isInt(size) && isInt(timeUs) && isInt(deviceFree) &&
      timeUs >= last && !((action === 'segment_alloc' || action === 'segment_map') && size <= 0)
    ) {
      last = timeUs;
      out.push({ action, addr, size, timeUs, deviceFree });
      continue;
    }
    reportEntry(raw, d, i, e, last, ctx, untimed);
  }
  return out;
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 53;
}

/** Slow path: report what is wrong with entry `i` (thrown in strict mode; in lenient mode it is skipped). */
function reportEntry(raw: RawSnapshot, d: number, i: number, e: unknown, last: number, ctx: ImportContext, untimed: boolean): void {
  const where = raw.traceLoc(d, i);
  if (!isRecord(e)) {
    structural(ctx, importerMessages.badField(where, 'a trace entry dict', typeof e));
    return;
  }
  const f = new FieldReader(ctx, where, `device_traces[${d}][${i}].`);
  const action = f.str(e, 'action');
  const addr = f.optInt(e, 'addr', 0);
  const size = f.optInt(e, 'size', 0);
  const timeUs = untimed ? 0 : f.int(e, 'time_us');
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
 * The VA reservations of expandable segments. PyTorch reserves one large range per expandable segment and maps
 * and unmaps pages inside it (c10/cuda/CUDACachingAllocator.cpp `ExpandableSegment`: cuMemAddressReserve once,
 * cuMemMap / cuMemUnmap of whole pages after), and the dump lists the segment's mapped runs, so a reservation
 * is the union of the dump's expandable segments and every mapped or unmapped range of the trace, merged where
 * they overlap or touch: disjoint by construction, every map inside one. A reservation holding no dumped segment
 * is marked `synthetic` (only the trace shows it).
 */
async function reservationsFor(expandable: readonly Segment[], entries: readonly Entry[], cp: Checkpoint): Promise<Reservation[]> {
  const spans = new ByteRangeSet();
  const dumped = new ByteRangeSet();
  for (const s of expandable) {
    spans.add(s.address, s.address + s.totalSize);
    dumped.add(s.address, s.address + s.totalSize);
  }
  for (const e of entries) {
    if (e.action !== 'segment_map' && e.action !== 'segment_unmap') continue;
    if (cp.tick()) await cp.pause();
    spans.add(e.addr, e.addr + e.size);
  }
  return spans.toArray().map(([start, end]) => ({ start, end, synthetic: dumped.overlapBytes(start, end) === 0 }));
}

/** The sorted distinct starts and ends of the pre-existing ranges and of every map and unmap (expandable=alloc). */
async function pieceCuts(early: ReadonlyArray<readonly [number, number]>, entries: readonly Entry[], cp: Checkpoint): Promise<Float64Array> {
  const all: number[] = [];
  for (const [a, z] of early) all.push(a, z);
  for (const e of entries) {
    if (e.action !== 'segment_map' && e.action !== 'segment_unmap') continue;
    if (cp.tick()) await cp.pause();
    all.push(e.addr, e.addr + e.size);
  }
  const sorted = Float64Array.from(all).sort();
  let n = 0;
  for (let k = 0; k < sorted.length; k++) if (n === 0 || sorted[k] !== sorted[n - 1]) sorted[n++] = sorted[k]!;
  return sorted.subarray(0, n);
}

/** Index of the first cut ≥ `x` (`cuts.length` when none). */
function cutAt(cuts: Float64Array, x: number): number {
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Pieces between consecutive `cuts` inside `[a, z)` (both are cuts). */
function piecesIn(cuts: Float64Array, a: number, z: number): number {
  return Math.max(0, cutAt(cuts, z) - cutAt(cuts, a));
}

/** `fn(start, end)` for each piece between consecutive `cuts` inside `[a, z)` (both are cuts). */
function forPieces(cuts: Float64Array, a: number, z: number, fn: (start: number, end: number) => void): void {
  for (let k = cutAt(cuts, a); k + 1 < cuts.length && cuts[k]! < z; k++) fn(cuts[k]!, cuts[k + 1]!);
}

/**
 * `firstContaining(addr)` = the first reservation (in start order) with `start <= addr < end`, as a linear
 * `find` would return, in O(log n): with `maxEnd[k]` the largest end among the first k+1, the answer is the
 * first k with `maxEnd[k] > addr`, if that one starts at or below `addr` (reservations may overlap).
 */
class ReservationIndex {
  private readonly maxEnd: Float64Array;
  constructor(private readonly res: readonly Reservation[]) {
    this.maxEnd = new Float64Array(res.length);
    let m = -Infinity;
    for (let k = 0; k < res.length; k++) this.maxEnd[k] = m = Math.max(m, res[k]!.end);
  }

  firstContaining(addr: number): Reservation | undefined {
    let lo = 0;
    let hi = this.res.length - 1;
    let k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.maxEnd[mid]! > addr) {
        k = mid;
        hi = mid - 1;
      } else lo = mid + 1;
    }
    return k >= 0 && this.res[k]!.start <= addr ? this.res[k] : undefined;
  }
}
