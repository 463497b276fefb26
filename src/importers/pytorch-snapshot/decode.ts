import { fail, type Location } from '../../log/diagnostic';
import { importerMessages } from '../../log/messages/importers';
import type { InputFile } from '../../io/input';
import { readAllBytes } from '../shared/lines';
import { scanJson, type JsonLoc } from '../shared/json-scan';
import { isRecord, show } from '../shared/fields';
import { Checkpoint } from '../shared/checkpoint';
import { maxImportRecords } from '../shared/limits';
import { firstNonWs } from '../shared/sniff';
import { MAX_DEVICE_INDEX } from '../../trace/event';
import { readSafePickleAsync } from './safe-pickle';

/** Largest pickle read (it is parsed whole; JSON snapshots are streamed). */
export const MAX_PICKLE_BYTES = 1536 * 1024 * 1024;

/** A snapshot as decoded, before validation: the dump's top-level lists plus where each entry came from. */
export interface RawSnapshot {
  readonly form: 'pickle' | 'json';
  /**
   * `dict`: a `_snapshot()` / `_dump_snapshot()` dict (segments, device_traces, …); `segment-list`: the plain list of
   * segment dicts of `torch.cuda.memory_snapshot()` (no allocator history), which PyTorch's viewer also reads
   * (torch/cuda/_memory_viz.py `_read`: a list is `{'segments': data, 'traces': []}`).
   */
  readonly layout: 'dict' | 'segment-list';
  readonly segments: readonly unknown[];
  readonly deviceTraces: readonly (readonly unknown[])[];
  readonly allocatorSettings: unknown;
  /** Bytes of the (decompressed) input, for the record budget (`maxImportRecords`); 0 until `decodeSnapshot` sets it. */
  readonly inputBytes?: number;
  /** Location of `device_traces[d][i]` (JSON: line and column; pickle: the field path only). */
  traceLoc(d: number, i: number): Location;
  /** Location of segment `i`: field `segments[i]`, or `[i]` in a segment list. */
  segmentLoc(i: number): Location;
}

export interface DecodeOptions {
  /** Checked (and the event loop yielded to) every `checkpoint.everySteps` opcodes or entries. */
  readonly checkpoint?: Checkpoint;
  readonly signal?: AbortSignal;
}

/**
 * Decode a `_dump_snapshot` pickle (first byte 0x80; also the pickled segment list of `torch.cuda.memory_snapshot()`)
 * or its JSON: `json.dump(_snapshot())` (an object) or `json.dump(torch.cuda.memory_snapshot())` (a list). The records the
 * snapshot lists (device lists, their entries, segments) are counted against `maxImportRecords` of the
 * decompressed input size before any is mapped: a pickle can list one object many times (shared references),
 * so without the limit a 1.5 MB file could become tens of millions of events.
 */
export async function decodeSnapshot(input: InputFile, file: string, opts: DecodeOptions = {}): Promise<RawSnapshot> {
  const first = firstNonWs(input.head);
  const cp = opts.checkpoint ?? new Checkpoint(opts.signal);
  let raw: RawSnapshot;
  let inputBytes = 0;
  if (input.head[0] === 0x80) {
    const bytes = await readAllBytes(input.chunks(), file, MAX_PICKLE_BYTES);
    inputBytes = bytes.length;
    raw = await decodePickle(bytes, file, cp);
  } else if (first === 0x7b || first === 0x5b) {
    const counted = countBytes(input.chunks(), (n) => (inputBytes += n));
    raw = await decodeJson(counted, file, cp);
  } else return notSnapshot(file, first);
  checkRecords(raw, file, inputBytes);
  return { ...raw, inputBytes };
}

/** Refuse a snapshot listing more records than its size allows, or more devices than agents exist. */
function checkRecords(raw: RawSnapshot, file: string, inputBytes: number): void {
  const limit = maxImportRecords(inputBytes);
  let records = raw.segments.length + raw.deviceTraces.length;
  for (const t of raw.deviceTraces) records += t.length;
  if (records > limit) {
    const field = raw.deviceTraces.length > raw.segments.length ? 'device_traces' : raw.layout === 'segment-list' ? 'segment list' : 'segments';
    fail(importerMessages.tooManyRecords({ file, field }, `${raw.deviceTraces.length} device list(s) and ${raw.segments.length} segment(s)`, limit, records));
  }
  if (raw.deviceTraces.length - 1 > MAX_DEVICE_INDEX) {
    fail(importerMessages.badField({ file, field: 'device_traces' }, `at most ${MAX_DEVICE_INDEX + 1} device lists (dev0 … dev${MAX_DEVICE_INDEX})`, `${raw.deviceTraces.length} lists`));
  }
}

async function* countBytes(chunks: AsyncIterable<Buffer>, add: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const c of chunks) {
    add(c.length);
    yield c;
  }
}

function notSnapshot(file: string, first: number): never {
  return fail(importerMessages.notThisFormat({ file, offset: 0 }, 'PyTorch memory snapshot', 'a pickle (first byte 0x80), a JSON object or a JSON list', first < 0 ? 'an empty file' : `first byte 0x${first.toString(16)}`));
}

async function decodePickle(bytes: Uint8Array, file: string, checkpoint: Checkpoint): Promise<RawSnapshot> {
  const v = await readSafePickleAsync(bytes, file, { checkpoint });
  if (Array.isArray(v)) {
    // torch.cuda.memory_snapshot(): the segments alone, as _memory_viz.py `_read` takes them (no device traces)
    return {
      form: 'pickle',
      layout: 'segment-list',
      segments: v,
      deviceTraces: [],
      allocatorSettings: undefined,
      traceLoc: (d, i) => ({ file, field: `device_traces[${d}][${i}]` }),
      segmentLoc: (i) => ({ file, field: `[${i}]` }),
    };
  }
  if (!isRecord(v)) {
    fail(importerMessages.notThisFormat({ file, offset: 0 }, 'PyTorch memory snapshot', 'a dict with segments and device_traces, or a list of segment dicts (torch.cuda.memory_snapshot())', show(v)));
  }
  const top = v as Record<string, unknown>;
  const segments = top.segments ?? [];
  const traces = top.device_traces ?? [];
  if (!Array.isArray(segments)) fail(importerMessages.badField({ file, field: 'segments' }, 'a list', show(segments)));
  if (!Array.isArray(traces) || !traces.every((t) => Array.isArray(t))) {
    fail(importerMessages.badField({ file, field: 'device_traces' }, 'a list of lists (one per device)', show(traces)));
  }
  return {
    form: 'pickle',
    layout: 'dict',
    segments: segments as unknown[],
    deviceTraces: traces as unknown[][],
    allocatorSettings: top.allocator_settings,
    traceLoc: (d, i) => ({ file, field: `device_traces[${d}][${i}]` }),
    segmentLoc: (i) => ({ file, field: `segments[${i}]` }),
  };
}

/**
 * The JSON forms, streamed: an object with `segments` and `device_traces` (`json.dump(torch.cuda.memory._snapshot())`),
 * or a list of segment dicts (`json.dump(torch.cuda.memory_snapshot())`, layout `segment-list`, as the pickled list).
 * Both give the `RawSnapshot` the pickle gives, with each segment and trace entry located at its line and column.
 */
async function decodeJson(chunks: AsyncIterable<Buffer>, file: string, cp: Checkpoint): Promise<RawSnapshot> {
  const segments: unknown[] = [];
  const segLocs: JsonLoc[] = [];
  const traces: unknown[][] = [];
  const traceLocs: JsonLoc[][] = [];
  let settings: unknown;
  let sawKey = false;
  let list = false;
  const items = scanJson(chunks, file, (path, kind) => {
    if (path.length === 0) {
      list = kind === 'array';
      return kind === 'scalar' ? 'capture' : 'descend';
    }
    // a segment list: each element is a segment
    if (list) return path.length === 1 ? 'capture' : 'skip';
    const k = path[0];
    if (k === 'segments') return path.length === 1 ? 'descend' : 'capture';
    if (k === 'device_traces') return path.length <= 2 ? 'descend' : 'capture';
    if (k === 'allocator_settings' && path.length === 1) return 'capture';
    return 'skip';
  });
  for await (const it of items) {
    if (cp.tick()) await cp.pause();
    const p = it.path;
    if (p.length === 0) break; // top-level scalar: not a snapshot (reported below)
    sawKey = true;
    if (list || (p[0] === 'segments' && p.length === 2)) {
      segments.push(dropFrames(it.value));
      segLocs.push(it.loc);
    } else if (p[0] === 'device_traces' && p.length === 3) {
      const d = p[1] as number;
      while (traces.length <= d) {
        traces.push([]);
        traceLocs.push([]);
      }
      traces[d]!.push(dropFrames(it.value));
      traceLocs[d]!.push(it.loc);
    } else if (p[0] === 'allocator_settings') settings = it.value;
    else if (p[0] === 'segments' || p[0] === 'device_traces') {
      fail(importerMessages.badField({ file, line: it.loc.line, col: it.loc.col, field: p.join('.') }, 'a list', show(it.value)));
    }
  }
  if (!list && !sawKey && segments.length === 0 && traces.length === 0) {
    fail(importerMessages.notThisFormat({ file, line: 1, col: 1 }, 'PyTorch memory snapshot', 'a JSON object with segments and device_traces, or a list of segment dicts (torch.cuda.memory_snapshot())', 'neither'));
  }
  const at = (l: JsonLoc | undefined, field: string): Location => (l ? { file, line: l.line, col: l.col, field } : { file, field });
  return {
    form: 'json',
    layout: list ? 'segment-list' : 'dict',
    segments,
    deviceTraces: traces,
    allocatorSettings: settings,
    traceLoc: (d, i) => at(traceLocs[d]?.[i], `device_traces[${d}][${i}]`),
    segmentLoc: (i) => at(segLocs[i], list ? `[${i}]` : `segments[${i}]`),
  };
}

/** Stack frames are large and may hold local paths: never kept (docs/trace-formats.md A). */
function dropFrames(v: unknown): unknown {
  if (isRecord(v)) {
    delete v.frames;
    const blocks = v.blocks;
    if (Array.isArray(blocks)) for (const b of blocks) if (isRecord(b)) delete b.frames;
  }
  return v;
}
