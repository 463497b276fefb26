import type { Location } from '../../log/diagnostic';
import { importerMessages } from '../../log/messages/importers';
import type { ImportContext } from '../types';
import { structural } from '../shared/context';
import { isRecord, show } from '../shared/fields';

/** The Kineto events gmemlab uses, decoded from Chrome-trace objects. */
export type KinetoRecord =
  | { kind: 'mem'; ts: number; cpu: boolean; device: number; addr: number; bytes: number; where: Location }
  | { kind: 'copy'; ts: number; dur: number; device: number; dir: string; bytes: number }
  | { kind: 'memset'; ts: number; dur: number; device: number; bytes: number }
  | { kind: 'kernel'; ts: number; dur: number; device: number; name: string };

const DIRECTIONS = ['HtoD', 'DtoH', 'DtoD', 'HtoH', 'PtoP'] as const;

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
  if (!isMem && cat !== 'gpu_memcpy' && cat !== 'gpu_memset' && cat !== 'kernel') return undefined;
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
    const addr = args['Addr'];
    const bytes = args['Bytes'];
    if (typeof type !== 'number') return bad('args.Device Type', 'a number (0 CPU, 1 GPU)');
    if (typeof device !== 'number' || !Number.isInteger(device)) return bad('args.Device Id', 'an integer');
    if (typeof addr !== 'number' || !Number.isInteger(addr) || addr < 0 || addr >= 2 ** 53) return bad('args.Addr', 'an address >= 0 and < 2^53');
    if (typeof bytes !== 'number' || !Number.isInteger(bytes) || Math.abs(bytes) >= 2 ** 53) return bad('args.Bytes', 'an integer byte count (+ alloc, - free)');
    const cpu = type === 0;
    if (!cpu && (device < 0 || device > 65000)) return bad('args.Device Id', 'a device index 0..65000');
    return { kind: 'mem', ts, cpu, device, addr, bytes, where };
  }
  const dur = e.dur;
  if (typeof dur !== 'number' || !Number.isFinite(dur) || dur < 0) return bad('dur', 'a duration in µs >= 0');
  const device = args?.device;
  if (typeof device !== 'number' || !Number.isInteger(device) || device < 0 || device > 65000) return bad('args.device', 'a device index 0..65000');
  const rawBytes = args?.bytes;
  const bytes = typeof rawBytes === 'number' && Number.isInteger(rawBytes) && rawBytes > 0 && rawBytes < 2 ** 53 ? rawBytes : NaN;
  if (cat === 'kernel') return { kind: 'kernel', ts, dur, device, name: typeof name === 'string' ? name : '' };
  if (cat === 'gpu_memset') return { kind: 'memset', ts, dur, device, bytes };
  const text = `${typeof name === 'string' ? name : ''} ${typeof args?.kind === 'string' ? args.kind : ''}`;
  const dir = DIRECTIONS.find((d) => text.includes(d));
  if (!dir) return bad('name', 'a copy name naming its direction (HtoD, DtoH, DtoD, HtoH, PtoP)');
  return { kind: 'copy', ts, dur, device, dir, bytes };
}
