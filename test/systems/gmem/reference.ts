/**
 * A deliberately simple reference implementation of GMEM's COHERENT_EXCLUSIVE counting rules for one device
 * (plain objects, Maps and arrays; no typed arrays, no shared code with src/systems/gmem). It supports
 * alloc (unit-aligned, not sharing units), free, access (cpu/dev0, count), advise dontneed/pinned/unpin/
 * willneed (or, as in the RFC, only dontneed), FIFO, LRU or driver-order victims and the X97 page-table charge. Used by the property test.
 */
import type { TraceEvent } from '../../../src/trace/event';

export interface RefParams {
  unitBytes: number;
  /** `driver` (nvidia-uvm, least-recently-migrated-into chunk) orders like `fifo` here: every unit tested is a whole 2 MiB chunk or the test uses fifo. */
  victim: 'lru' | 'fifo' | 'driver';
  /** OE WILLNEED/PINNED/UNPIN accepted; false = RFC: any advice but DONTNEED is one error event per call. */
  hmadviseExtension: boolean;
  chargePageTables: boolean;
  frames: number;
  /** A device hit moves the unit to the newest end (LRU with access bits; default false). */
  accessBitsRefresh?: boolean;
}

interface Unit {
  state: 'NOMAP' | 'CPU' | 'DEVICE';
  pte: boolean;
  pinned: boolean;
  willneed: boolean;
}

export type RefCounts = Record<string, number>;

export function referenceRun(events: readonly TraceEvent[], p: RefParams): RefCounts {
  const n: RefCounts = {
    deviceFaults: 0, cpuFaults: 0, zeroFills: 0, migrationsH2D: 0, migrationsD2H: 0, bytesH2D: 0, bytesD2H: 0,
    evictions: 0, mapOps: 0, unmapOps: 0, tlbInvalidations: 0, oomEvents: 0, errorEvents: 0,
  };
  const U = p.unitBytes;
  const allocs = new Map<number, number>(); // start → end
  const units = new Map<number, Unit>();
  let order: number[] = []; // device-resident units, oldest first
  const ptFrames = (resident: number[]): number => {
    if (!p.chargePageTables) return 0;
    const leaves = new Set(resident.map((u) => Math.floor((u * U) / (2 * 1024 * 1024))));
    const mids = new Set(resident.map((u) => Math.floor((u * U) / (1024 * 1024 * 1024))));
    return Math.ceil((2 * 1024 * 1024 + (leaves.size + mids.size) * 4096) / U);
  };
  const allocOf = (va: number, end: number): boolean => [...allocs].some(([s, e]) => va >= s && end <= e);
  const unit = (u: number): Unit => {
    let x = units.get(u);
    if (!x) units.set(u, (x = { state: 'NOMAP', pte: false, pinned: false, willneed: false }));
    return x;
  };
  const leaveDevice = (u: number): void => {
    order = order.filter((v) => v !== u);
  };
  const makeRoom = (u: number): boolean => {
    while (p.frames - order.length - 1 < ptFrames([...order, u])) {
      const v = order.find((w) => !units.get(w)!.pinned && !units.get(w)!.willneed);
      if (v === undefined) return false;
      const x = units.get(v)!;
      leaveDevice(v);
      x.state = 'CPU';
      x.pte = false;
      n.evictions!++;
      n.migrationsD2H!++;
      n.bytesD2H! += U;
      n.unmapOps!++;
      n.tlbInvalidations!++;
    }
    return true;
  };
  for (const e of events) {
    if (e.op === 'alloc') allocs.set(e.va!, e.va! + e.bytes!);
    else if (e.op === 'free') {
      const end = allocs.get(e.va!);
      if (end === undefined) {
        n.errorEvents!++;
        continue;
      }
      allocs.delete(e.va!);
      for (let u = Math.floor(e.va! / U); u * U < end; u++) {
        const x = units.get(u);
        if (!x) continue;
        if (x.state === 'DEVICE') {
          n.unmapOps!++;
          n.tlbInvalidations!++;
          leaveDevice(u);
        }
        units.delete(u);
      }
    } else if (e.op === 'advise') {
      if (e.advice === 'dontneed') {
        const lo = Math.ceil(e.va! / (2 * 1024 * 1024)) * 2 * 1024 * 1024;
        const hi = Math.floor((e.va! + e.bytes!) / (2 * 1024 * 1024)) * 2 * 1024 * 1024;
        for (const [s, end] of allocs) {
          const a = Math.max(lo, s);
          const b = Math.min(hi, end);
          for (let u = Math.ceil(a / U); (u + 1) * U <= b; u++) {
            const x = units.get(u);
            if (!x) continue;
            if (x.state === 'DEVICE') {
              n.unmapOps!++;
              n.tlbInvalidations!++;
              leaveDevice(u);
            }
            Object.assign(x, { state: 'NOMAP', pte: false, pinned: false, willneed: false });
          }
        }
        continue;
      }
      if (!p.hmadviseExtension) {
        n.errorEvents!++;
        continue;
      }
      for (let u = Math.floor(e.va! / U); u * U < e.va! + e.bytes!; u++) {
        if (!allocOf(u * U, u * U + 1) && !allocOf(e.va!, e.va! + 1)) continue;
        const x = unit(u);
        if (e.advice === 'pinned') x.pinned = true;
        else if (e.advice === 'unpin') x.pinned = false;
        else if (e.advice === 'willneed') {
          x.willneed = true;
          if (x.state === 'DEVICE' && p.victim === 'lru') {
            leaveDevice(u);
            order.push(u);
          }
        }
      }
    } else if (e.op === 'access') {
      const end = e.va! + e.bytes!;
      if (!allocOf(e.va!, end)) {
        n.errorEvents!++;
        continue;
      }
      for (let u = Math.floor(e.va! / U); u * U < end; u++) {
        const x = unit(u);
        if (e.agent === 'cpu') {
          if (x.state === 'CPU' && x.pte) continue;
          n.cpuFaults!++;
          if (x.state === 'NOMAP') n.zeroFills!++;
          if (x.state === 'DEVICE') {
            n.migrationsD2H!++;
            n.bytesD2H! += U;
            n.unmapOps!++;
            n.tlbInvalidations!++;
            leaveDevice(u);
          }
          x.state = 'CPU';
          x.pte = true;
        } else {
          if (x.state === 'DEVICE') {
            if (p.accessBitsRefresh && p.victim === 'lru') {
              order = order.filter((v) => v !== u);
              order.push(u);
            }
            continue;
          }
          n.deviceFaults!++;
          if (!makeRoom(u)) {
            n.oomEvents!++;
            continue;
          }
          if (x.state === 'NOMAP') n.zeroFills!++;
          else {
            n.migrationsH2D!++;
            n.bytesH2D! += U;
          }
          n.mapOps!++;
          x.state = 'DEVICE';
          x.pte = false;
          order.push(u);
        }
      }
    }
  }
  return n;
}
