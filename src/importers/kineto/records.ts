import type { Location } from '../../log/diagnostic';
import { importerMessages } from '../../log/messages/importers';
import type { ImportContext } from '../types';
import { structural } from '../shared/context';
import { isRecord, show } from '../shared/fields';

/** The Kineto events gmemlab uses, decoded from Chrome-trace objects. */
export type KinetoRecord =
  /**
   * A caching-allocator event. `addr` is NaN when the event has no `Addr` (PyTorch ≤ 1.9, "legacy": the
   * importer synthesizes one); `totalAllocated` (bytes allocated on that device after the event) is NaN when
   * absent.
   */
  | { kind: 'mem'; ts: number; cpu: boolean; device: number; addr: number; bytes: number; totalAllocated: number; where: Location }
  | { kind: 'copy'; ts: number; dur: number; device: number; dir: string; bytes: number }
  | { kind: 'memset'; ts: number; dur: number; device: number; bytes: number }
  | { kind: 'kernel'; ts: number; dur: number; device: number; name: string };

const DIRECTIONS = ['HtoD', 'DtoH', 'DtoD', 'HtoH', 'PtoP'] as const;

/**
 * GPU activity categories → record kind. PyTorch ≥ 1.10 writes `kernel`, `gpu_memcpy`, `gpu_memset`; the
 * Kineto traces of PyTorch 1.8–1.9 write `Kernel`, `Memcpy`, `Memset` with the same fields.
 */
const GPU_CATEGORIES: Readonly<Record<string, 'kernel' | 'copy' | 'memset'>> = {
  kernel: 'kernel',
  Kernel: 'kernel',
  gpu_memcpy: 'copy',
  Memcpy: 'copy',
  gpu_memset: 'memset',
  Memset: 'memset',
};

/**
 * The reason an event is not used, for the import summary's dropped-by-reason counts: its category (`cat`),
 * `metadata` for `ph: "M"` records, or `ph <x>` when it has no category.
 */
export function ignoredCategory(e: unknown): string {
  if (!isRecord(e)) return 'not an object';
  if (e.ph === 'M') return 'metadata';
  if (typeof e.cat === 'string' && e.cat !== '') return e.cat;
  return `ph ${typeof e.ph === 'string' ? e.ph : '?'}`;
}

/**
 * Decode one `traceEvents[]` entry, or undefined for events gmemlab does not use (CPU ops, flows, runtime
 * calls, metadata). Ill-typed fields of a used event are structural problems (`import.bad-field`).
 */
export function decodeKinetoEvent(e: unknown, where: Location, ctx: ImportContext): KinetoRecord | undefined {
  if (!isRecord(e)) {
    structural(ctx, importerMessages.badField(where, 'a trace event object', show(e)));
    return undefined;
  }
  const name = e.name;
  const cat = e.cat;
  const isMem = name === '[memory]';
  const gpuKind = typeof cat === 'string' && Object.prototype.hasOwnProperty.call(GPU_CATEGORIES, cat) ? GPU_CATEGORIES[cat] : undefined;
  if (!isMem && gpuKind === undefined) return undefined;
  const bad = (field: string, expected: string): undefined => {
    structural(ctx, importerMessages.badField({ ...where, field }, expected, show(field.startsWith('args.') ? (e.args as Record<string, unknown> | undefined)?.[field.slice(5)] : e[field])));
    return undefined;
  };
  const ts = e.ts;
  if (typeof ts !== 'number' || !Number.isFinite(ts) || ts < 0) return bad('ts', 'a time in µs >= 0');
  const args = isRecord(e.args) ? e.args : undefined;
  if (isMem) {
    if (!args) return bad('args', 'an args object');
    const type = args['Device Type'];
    const device = args['Device Id'];
    // PyTorch ≤ 1.9 records no Addr at all: the importer reconstructs identity (legacy.ts)
    const addr = 'Addr' in args ? args['Addr'] : NaN;
    const bytes = args['Bytes'];
    const total = 'Total Allocated' in args ? args['Total Allocated'] : NaN;
    if (typeof type !== 'number') return bad('args.Device Type', 'a number (0 CPU, 1 GPU)');
    if (typeof device !== 'number' || !Number.isInteger(device)) return bad('args.Device Id', 'an integer');
    if (typeof addr !== 'number' || (!Number.isNaN(addr) && (!Number.isInteger(addr) || addr < 0 || addr >= 2 ** 53))) return bad('args.Addr', 'an address >= 0 and < 2^53');
    if (typeof bytes !== 'number' || !Number.isInteger(bytes) || Math.abs(bytes) >= 2 ** 53) return bad('args.Bytes', 'an integer byte count (+ alloc, - free)');
    if (typeof total !== 'number' || (!Number.isNaN(total) && (!Number.isInteger(total) || total < 0 || total >= 2 ** 53))) {
      return bad('args.Total Allocated', 'a byte count >= 0 and < 2^53');
    }
    const cpu = type === 0;
    if (!cpu && (device < 0 || device > 65000)) return bad('args.Device Id', 'a device index 0..65000');
    return { kind: 'mem', ts, cpu, device, addr, bytes, totalAllocated: total, where };
  }
  const dur = e.dur;
  if (typeof dur !== 'number' || !Number.isFinite(dur) || dur < 0) return bad('dur', 'a duration in µs >= 0');
  // a GPU activity's device is in args.device; Kineto also writes it as the event's pid (libkineto
  // output_json.cpp handleGpuActivity: "pid" = deviceId, "tid" = stream), which is all an event without args has
  const device = args?.device !== undefined ? args.device : isDeviceIndex(e.pid) ? e.pid : undefined;
  if (!isDeviceIndex(device)) return bad('args.device', 'a device index 0..65000 (or, without args.device, the event pid)');
  const rawBytes = args?.bytes;
  const bytes = typeof rawBytes === 'number' && Number.isInteger(rawBytes) && rawBytes > 0 && rawBytes < 2 ** 53 ? rawBytes : NaN;
  if (gpuKind === 'kernel') return { kind: 'kernel', ts, dur, device, name: typeof name === 'string' ? name : '' };
  if (gpuKind === 'memset') return { kind: 'memset', ts, dur, device, bytes };
  const text = `${typeof name === 'string' ? name : ''} ${typeof args?.kind === 'string' ? args.kind : ''}`;
  const dir = DIRECTIONS.find((d) => text.includes(d));
  if (!dir) return bad('name', 'a copy name naming its direction (HtoD, DtoH, DtoD, HtoH, PtoP)');
  return { kind: 'copy', ts, dur, device, dir, bytes };
}

/** An integer device index 0..65000. */
function isDeviceIndex(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65000;
}
