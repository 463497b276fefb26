import { fail, type Location } from '../../log/diagnostic';
import { importerMessages } from '../../log/messages/importers';
import type { InputFile } from '../../io/input';
import { readAllBytes } from '../shared/lines';
import { scanJson, type JsonLoc } from '../shared/json-scan';
import { isRecord, show } from '../shared/fields';
import { firstNonWs } from '../shared/sniff';
import { readSafePickle } from './safe-pickle';

/** Largest pickle read (it is parsed whole; JSON snapshots are streamed). */
export const MAX_PICKLE_BYTES = 1536 * 1024 * 1024;

/** A snapshot as decoded, before validation: the dump's top-level lists plus where each entry came from. */
export interface RawSnapshot {
  readonly form: 'pickle' | 'json';
  readonly segments: readonly unknown[];
  readonly deviceTraces: readonly (readonly unknown[])[];
  readonly allocatorSettings: unknown;
  /** Location of `device_traces[d][i]` (JSON: line and column; pickle: the field path only). */
  traceLoc(d: number, i: number): Location;
  segmentLoc(i: number): Location;
}

/** Decode a `_dump_snapshot` pickle (first byte 0x80) or a `json.dump(_snapshot())` file. */
export async function decodeSnapshot(input: InputFile, file: string): Promise<RawSnapshot> {
  const first = firstNonWs(input.head);
  if (input.head[0] === 0x80) return decodePickle(await readAllBytes(input.chunks(), file, MAX_PICKLE_BYTES), file);
  if (first === 0x7b) return decodeJson(input, file);
  return fail(importerMessages.notThisFormat({ file, offset: 0 }, 'PyTorch memory snapshot', 'a pickle (first byte 0x80) or a JSON object', first < 0 ? 'an empty file' : `first byte 0x${first.toString(16)}`));
}

function decodePickle(bytes: Uint8Array, file: string): RawSnapshot {
  const v = readSafePickle(bytes, file);
  if (!isRecord(v)) fail(importerMessages.notThisFormat({ file, offset: 0 }, 'PyTorch memory snapshot', 'a dict with segments and device_traces', show(v)));
  const top = v as Record<string, unknown>;
  const segments = top.segments ?? [];
  const traces = top.device_traces ?? [];
  if (!Array.isArray(segments)) fail(importerMessages.badField({ file, field: 'segments' }, 'a list', show(segments)));
  if (!Array.isArray(traces) || !traces.every((t) => Array.isArray(t))) {
    fail(importerMessages.badField({ file, field: 'device_traces' }, 'a list of lists (one per device)', show(traces)));
  }
  return {
    form: 'pickle',
    segments: segments as unknown[],
    deviceTraces: traces as unknown[][],
    allocatorSettings: top.allocator_settings,
    traceLoc: (d, i) => ({ file, field: `device_traces[${d}][${i}]` }),
    segmentLoc: (i) => ({ file, field: `segments[${i}]` }),
  };
}

async function decodeJson(input: InputFile, file: string): Promise<RawSnapshot> {
  const segments: unknown[] = [];
  const segLocs: JsonLoc[] = [];
  const traces: unknown[][] = [];
  const traceLocs: JsonLoc[][] = [];
  let settings: unknown;
  let sawKey = false;
  const items = scanJson(input.chunks(), file, (path, kind) => {
    if (path.length === 0) return kind === 'object' ? 'descend' : 'capture';
    const k = path[0];
    if (k === 'segments') return path.length === 1 ? 'descend' : 'capture';
    if (k === 'device_traces') return path.length <= 2 ? 'descend' : 'capture';
    if (k === 'allocator_settings' && path.length === 1) return 'capture';
    return 'skip';
  });
  for await (const it of items) {
    const p = it.path;
    if (p.length === 0) break; // top-level scalar: not a snapshot (reported below)
    sawKey = true;
    if (p[0] === 'segments' && p.length === 2) {
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
  if (!sawKey && segments.length === 0 && traces.length === 0) {
    fail(importerMessages.notThisFormat({ file, line: 1, col: 1 }, 'PyTorch memory snapshot', 'a JSON object with segments and device_traces', 'neither'));
  }
  const at = (l: JsonLoc | undefined, field: string): Location => (l ? { file, line: l.line, col: l.col, field } : { file, field });
  return {
    form: 'json',
    segments,
    deviceTraces: traces,
    allocatorSettings: settings,
    traceLoc: (d, i) => at(traceLocs[d]?.[i], `device_traces[${d}][${i}]`),
    segmentLoc: (i) => at(segLocs[i], `segments[${i}]`),
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
