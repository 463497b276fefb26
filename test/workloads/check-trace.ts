import type { EventBatch } from '../../src/trace/batch';
import { Flag, KIND_MASK, kindCount, Op, OP_CSV_NAMES } from '../../src/trace/event';

/**
 * An independent, deliberately simple consistency checker for generated traces (tests only): integer,
 * non-decreasing times; allocations that never overlap and are freed exactly; reservations released; maps
 * aligned to their page size, inside a live reservation, never over an existing mapping (unless `mapReplaces`:
 * a map then replaces what is bound, as a Vulkan sparse bind does), unmaps only of
 * mapped pages; every access inside a live allocation or over mapped pages; kernels begun and ended in
 * pairs; nothing left live at the end. Returns the problems found (empty = consistent).
 */
export function checkTrace(batches: Iterable<EventBatch>, mapGranuleBytes = 4096, mapReplaces = false): string[] {
  const problems: string[] = [];
  const say = (row: number, text: string): void => {
    if (problems.length < 20) problems.push(`row ${row}: ${text}`);
  };
  const allocs = new Map<number, number>(); // va -> bytes
  const reserves = new Map<number, number>();
  const mapped = new Set<number>(); // granule index
  const openKernels = new Map<string, number>();
  let lastT = 0;
  let row = 0;
  let starts: number[] | null = null; // sorted allocation starts, rebuilt after alloc/free
  const inAlloc = (va: number, bytes: number): boolean => {
    starts ??= [...allocs.keys()].sort((x, y) => x - y);
    let lo = 0;
    let hi = starts.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= va) (at = mid), (lo = mid + 1);
      else hi = mid - 1;
    }
    if (at < 0) return false;
    const a = starts[at]!;
    return va + bytes <= a + allocs.get(a)!;
  };
  const inReserve = (va: number, bytes: number): boolean => {
    for (const [a, n] of reserves) if (va >= a && va + bytes <= a + n) return true;
    return false;
  };
  const granules = (va: number, bytes: number): number[] => {
    const out: number[] = [];
    for (let g = Math.floor(va / mapGranuleBytes); g < Math.ceil((va + bytes) / mapGranuleBytes); g++) out.push(g);
    return out;
  };
  for (const b of batches) {
    for (let i = 0; i < b.length; i++, row++) {
      const t = b.tNs[i]!;
      if (!Number.isInteger(t) || t < lastT) say(row, `time ${t} after ${lastT}`);
      lastT = t;
      const op = b.op[i]!;
      const va = b.va[i]!;
      const bytes = b.bytes[i]!;
      switch (op) {
        case Op.alloc: {
          if (kindCount(b.flags[i]! & KIND_MASK) !== 1) say(row, 'alloc without exactly one kind');
          for (const [a, n] of allocs) if (va < a + n && a < va + bytes) say(row, `alloc overlaps ${a}`);
          allocs.set(va, bytes);
          starts = null;
          break;
        }
        case Op.free:
          if (allocs.get(va) !== bytes) say(row, `free of ${va} (${bytes} B) that is not a live allocation`);
          allocs.delete(va);
          starts = null;
          break;
        case Op.reserve:
          reserves.set(va, bytes);
          break;
        case Op.release:
          if (reserves.get(va) !== bytes) say(row, `release of ${va} that is not reserved`);
          reserves.delete(va);
          break;
        case Op.map: {
          const page = b.pageBytes[i]!;
          if (!(page > 0) || va % page !== 0 || bytes % page !== 0) say(row, `map ${va}+${bytes} not aligned to page ${page}`);
          if (!inReserve(va, bytes)) say(row, `map ${va} outside a reservation`);
          const isNull = (b.flags[i]! & Flag.null) !== 0;
          if (isNull === (b.resource[i] !== 0)) say(row, 'map needs a resource unless null');
          for (const g of granules(va, bytes)) {
            // mapReplaces: a map replaces what is bound there (a Vulkan sparse bind; docs/workloads.md game-remap)
            if (mapped.has(g) && !mapReplaces) {
              say(row, `map over a mapped page at ${g * mapGranuleBytes}`);
              break;
            }
            mapped.add(g);
          }
          break;
        }
        case Op.unmap:
          for (const g of granules(va, bytes)) {
            if (!mapped.delete(g)) {
              say(row, `unmap of an unmapped page at ${g * mapGranuleBytes}`);
              break;
            }
          }
          break;
        case Op.access:
        case Op.prefetch:
          if (!inAlloc(va, bytes) && !granules(va, bytes).every((g) => mapped.has(g))) say(row, `${OP_CSV_NAMES[op]} ${va}+${bytes} outside live memory`);
          if (op === Op.access && !(b.count[i]! >= 1)) say(row, 'access count < 1');
          break;
        case Op.kernelBegin: {
          const k = `${b.agent[i]}:${b.label[i]}`;
          if (openKernels.has(k)) say(row, `kernel ${k} begun twice`);
          openKernels.set(k, t);
          break;
        }
        case Op.kernelEnd: {
          const k = `${b.agent[i]}:${b.label[i]}`;
          if (!openKernels.has(k)) say(row, `kernel ${k} ended but not begun`);
          openKernels.delete(k);
          break;
        }
        default:
          break;
      }
    }
  }
  if (allocs.size) problems.push(`${allocs.size} allocations never freed`);
  if (reserves.size) problems.push(`${reserves.size} reservations never released`);
  if (mapped.size) problems.push(`${mapped.size} pages still mapped at the end`);
  if (openKernels.size) problems.push(`${openKernels.size} kernels never ended`);
  return problems;
}
