import { batchesToEvents, eventsToBatches } from '../../trace/batch';
import type { TraceEvent } from '../../trace/event';
import { FootprintTracker } from '../../trace/footprint';
import { StringTable } from '../../trace/strings';
import { collectBatches, memoryTrace, type Trace } from '../../trace/trace';
import { KiB, MiB } from '../../units';
import type { FigureTrace } from '../context';

/**
 * Small experiment traces of the debate (src/figures/debate/): each is a program written as events for one
 * mechanism a claim is about (fork + device writes, CPU-side invalidations of mirrored memory, CPU churn of
 * memory the device never touches, several guests' GPU address spaces in one process). Deterministic.
 */

const HEAP = 0x7f0000000000;
const US = 1000;

function figureTrace(name: string, events: TraceEvent[], params: Record<string, unknown>, synthesis: string): Omit<FigureTrace, 'key'> {
  const batches = eventsToBatches(events);
  const fp = new FootprintTracker(4 * KiB);
  for (const b of batches) fp.update(b);
  return { trace: memoryTrace(name, batches, { synthesis }), workload: name, params, pageFootprintBytes: fp.peakBytes };
}

/**
 * Copy-on-write after fork: a managed buffer of `bufferBytes` written by the CPU (data in host memory), the
 * process forks (`fork` = true) or not (the control run), then one device kernel writes `writtenPages` distinct
 * 4 KiB pages spread evenly over the buffer (one write each: the "initial write access" of the claim).
 */
export function cowTrace(bufferBytes: number, writtenPages: number, fork: boolean): Omit<FigureTrace, 'key'> {
  const pages = bufferBytes / (4 * KiB);
  const stride = Math.max(1, Math.floor(pages / writtenPages));
  const ev: TraceEvent[] = [
    { op: 'alloc', tNs: 0, va: HEAP, bytes: bufferBytes, flags: ['managed'], label: 'buf' },
    { op: 'access', tNs: 1 * US, agent: 'cpu', va: HEAP, bytes: bufferBytes, access: 'w', count: bufferBytes / 8 },
  ];
  if (fork) ev.push({ op: 'fork', tNs: 100 * US });
  ev.push({ op: 'kernelBegin', tNs: 200 * US, agent: 'dev0', label: 'write' });
  for (let i = 0; i < writtenPages; i++) ev.push({ op: 'access', tNs: 200 * US + i, agent: 'dev0', va: HEAP + i * stride * 4 * KiB, bytes: 8, access: 'w' });
  ev.push({ op: 'kernelEnd', tNs: 300 * US, agent: 'dev0' }, { op: 'free', tNs: 400 * US, va: HEAP });
  const name = `cow-${fork ? 'fork' : 'nofork'}-${bufferBytes / MiB}MiB-${writtenPages}`;
  return figureTrace(name, ev, { bufferBytes, writtenPages, fork }, `${writtenPages} device writes to a ${bufferBytes / MiB} MiB CPU-written buffer ${fork ? 'after' : 'without'} fork`);
}

/**
 * CPU-side invalidations of mirrored memory: `buffers` managed buffers of 2 MiB, each touched by the device,
 * then per buffer an mprotect (read-only), one fork, and the munmap (free) of every buffer: 2·buffers + 1
 * CPU-side events that invalidate device-visible translations.
 */
export function invalidationTrace(buffers: number): Omit<FigureTrace, 'key'> {
  const ev: TraceEvent[] = [];
  const va = (k: number): number => HEAP + k * 4 * MiB;
  for (let k = 0; k < buffers; k++) ev.push({ op: 'alloc', tNs: k, va: va(k), bytes: 2 * MiB, flags: ['managed'] });
  ev.push({ op: 'kernelBegin', tNs: 10 * US, agent: 'dev0', label: 'touch' });
  for (let k = 0; k < buffers; k++) ev.push({ op: 'access', tNs: 10 * US + k, agent: 'dev0', va: va(k), bytes: 2 * MiB, access: 'r' });
  ev.push({ op: 'kernelEnd', tNs: 20 * US, agent: 'dev0' });
  let t = 100 * US;
  for (let k = 0; k < buffers; k++) ev.push({ op: 'protect', tNs: (t += 10 * US), va: va(k), bytes: 2 * MiB, flags: ['readonly'] });
  ev.push({ op: 'fork', tNs: (t += 10 * US) });
  for (let k = 0; k < buffers; k++) ev.push({ op: 'free', tNs: (t += 10 * US), va: va(k) });
  return figureTrace(`invalidations-${buffers}`, ev, { buffers }, `${buffers} device-touched 2 MiB buffers, then an mprotect each, a fork and a munmap each`);
}

/** CPU-side events in `invalidationTrace(buffers)`. */
export function invalidationEvents(buffers: number): number {
  return 2 * buffers + 1;
}

/**
 * A device working on one managed buffer while the CPU churns memory the device never touches: every
 * `periodUs` the CPU mallocs a 1 MiB host buffer (a fresh mmap), writes it, mprotects it read-only (a JIT or
 * GC pattern) and frees it (munmap) — two CPU-side invalidations per period — while a device kernel runs
 * over the buffer each period. `periods` periods.
 */
export function cpuChurnTrace(periods: number, periodUs: number): Omit<FigureTrace, 'key'> {
  const buf = HEAP;
  const host = HEAP + 0x100000000;
  const ev: TraceEvent[] = [{ op: 'alloc', tNs: 0, va: buf, bytes: 16 * MiB, flags: ['managed'], label: 'device-buffer' }];
  for (let p = 0; p < periods; p++) {
    const t = (p + 1) * periodUs * US;
    ev.push(
      { op: 'kernelBegin', tNs: t, agent: 'dev0', label: 'step' },
      { op: 'access', tNs: t + 1, agent: 'dev0', va: buf, bytes: 16 * MiB, access: 'rw', count: 4096 },
      { op: 'kernelEnd', tNs: t + 2, agent: 'dev0' },
      { op: 'alloc', tNs: t + 3, va: host, bytes: 1 * MiB, flags: ['host'] },
      { op: 'access', tNs: t + 4, agent: 'cpu', va: host, bytes: 1 * MiB, access: 'w', count: 1024 },
      { op: 'protect', tNs: t + 5, va: host, bytes: 1 * MiB, flags: ['readonly'] },
      { op: 'free', tNs: t + 6, va: host },
    );
  }
  return figureTrace(`cpu-churn-${periods}x${periodUs}us`, ev, { periods, periodUs }, `device kernel on a 16 MiB managed buffer every ${periodUs} µs; CPU mmap/mprotect/munmap of a 1 MiB host buffer each period`);
}

/**
 * Several guests' GPU address spaces in one VMM process: the events of every trace of `guests` (guest k),
 * guest k's addresses shifted by `k · offsetBytes` (0 keeps every guest at its own chosen VAs, so the guests
 * overlap in the one address space), its resource names prefixed `g<k>:`, all rows merged by time (stable:
 * equal times keep guest order, then row order). Returns the merged trace.
 */
export async function mergeGuests(guests: readonly Trace[], offsetBytes: number, name: string): Promise<Omit<FigureTrace, 'key'>> {
  const all: Array<{ e: TraceEvent; k: number; i: number }> = [];
  for (let k = 0; k < guests.length; k++) {
    const { batches } = await collectBatches(guests[k]!);
    batchesToEvents(batches).forEach((e, i) => {
      const shifted: Record<string, unknown> = { ...e };
      if (e.va !== undefined) shifted.va = e.va + k * offsetBytes;
      if (e.resource) shifted.resource = `g${k}:${e.resource}`;
      all.push({ e: shifted as unknown as TraceEvent, k, i });
    });
  }
  all.sort((a, b) => a.e.tNs - b.e.tNs || a.k - b.k || a.i - b.i);
  const events = all.map((x) => x.e);
  const batchesOut = eventsToBatches(events, new StringTable());
  const fp = new FootprintTracker(4 * KiB);
  for (const b of batchesOut) fp.update(b);
  return { trace: memoryTrace(name, batchesOut, { synthesis: `${guests.length} guests (${guests.map((g) => g.name).join(', ')}), offset ${offsetBytes}` }), workload: name, params: { guests: guests.length, offsetBytes }, pageFootprintBytes: fp.peakBytes };
}
