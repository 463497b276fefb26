import type { ImportContext } from '../types';
import { isRecord, show } from '../shared/fields';
import type { VmaEmitter } from './emit';

/**
 * The two layouts of `vmaBuildStatsString(allocator, &str, VK_TRUE)`:
 * - `3.x` (VMA 3.0+, D3D12MA 2.0+, read by GpuMemDumpVis): `General`, `Total`, `MemoryInfo` (heaps with
 *   their `MemoryPools`), `DefaultPools` (`Type N` → {Blocks, DedicatedAllocations}), `CustomPools`
 *   (`Type N` → list of pools).
 * - `2.x` (VMA 2.0–2.3, read by VmaDumpVis): `Total`, `Heap N` (Size, Flags, Stats, `Type N` children),
 *   `DedicatedAllocations` (`Type N` → list), `DefaultPools` (`Type N` → {Blocks}), `Pools` (pool id →
 *   {MemoryTypeIndex, Blocks, Name?}).
 * `unknown` is a JSON object with VMA-family keys that fits neither (e.g. a D3D12MA 1.x `DetailedMap`).
 */
export type VmaLayout = '3.x' | '2.x' | 'unknown';

const HEAP_KEY = /^Heap \d+$/;

/** Which layout a dump's top-level keys say it is. */
export function vmaLayoutOf(top: Readonly<Record<string, unknown>>): VmaLayout {
  if (isRecord(top.General)) return '3.x';
  const keys = Object.keys(top);
  if (keys.some((k) => HEAP_KEY.test(k)) && (isRecord(top.Total) || isRecord(top.DefaultPools) || isRecord(top.Pools) || isRecord(top.DedicatedAllocations))) return '2.x';
  return 'unknown';
}

/** The VMA-family top-level keys (for sniffing and for the "looks like VMA but unsupported" message). */
export const VMA_KEYS = /"(General|MemoryInfo|DefaultPools|CustomPools|DedicatedAllocations|Heap \d+|DetailedMap)"\s*:/;

/** 3.x: memory types of DEVICE_LOCAL heaps (or DEVICE_LOCAL themselves), from `MemoryInfo`; sets capacity. */
export function deviceTypesV3(info: unknown, ctx: ImportContext): Set<string> {
  const out = new Set<string>();
  if (!isRecord(info)) return out;
  let deviceBytes = 0;
  for (const heap of Object.values(info)) {
    if (!isRecord(heap)) continue;
    const heapLocal = Array.isArray(heap.Flags) && heap.Flags.includes('DEVICE_LOCAL');
    if (heapLocal && typeof heap.Size === 'number') deviceBytes += heap.Size;
    if (!isRecord(heap.MemoryPools)) continue;
    for (const [t, p] of Object.entries(heap.MemoryPools)) {
      const typeLocal = isRecord(p) && Array.isArray(p.Flags) && p.Flags.includes('DEVICE_LOCAL');
      if (heapLocal || typeLocal) out.add(t);
    }
  }
  if (deviceBytes > 0) ctx.meta['capacity_bytes.dev0'] = String(deviceBytes);
  return out;
}

/** 2.x: the same from the top-level `Heap N` objects and their `Type N` children. */
export function deviceTypesV2(top: Readonly<Record<string, unknown>>, ctx: ImportContext): Set<string> {
  const out = new Set<string>();
  let deviceBytes = 0;
  for (const [k, heap] of Object.entries(top)) {
    if (!HEAP_KEY.test(k) || !isRecord(heap)) continue;
    const heapLocal = Array.isArray(heap.Flags) && heap.Flags.includes('DEVICE_LOCAL');
    if (heapLocal && typeof heap.Size === 'number') deviceBytes += heap.Size;
    for (const [t, type] of Object.entries(heap)) {
      if (!/^Type \d+$/.test(t)) continue;
      const typeLocal = isRecord(type) && Array.isArray(type.Flags) && type.Flags.includes('DEVICE_LOCAL');
      if (heapLocal || typeLocal) out.add(t);
    }
  }
  if (deviceBytes > 0) ctx.meta['capacity_bytes.dev0'] = String(deviceBytes);
  return out;
}

/** 3.x label: the allocation's `Name` (its `CustomData` is a pointer value and is not used). */
const nameV3 = (s: Record<string, unknown>): string => (typeof s.Name === 'string' ? s.Name : '');

/**
 * 2.x label: `UserData` when it is a user string. VMA 2.x prints a non-string user-data pointer as hex
 * digits (`%p`: `0x55d0…` or `000001D8…`); those carry no name and are not used (a user string made only of
 * hex digits is taken for a pointer too).
 */
const nameV2 = (s: Record<string, unknown>): string => (typeof s.UserData === 'string' && !/^(0x)?[0-9a-fA-F]+$/.test(s.UserData) ? s.UserData : '');

/** Emit a 3.x dump's pools. */
export function emitV3(top: Readonly<Record<string, unknown>>, e: VmaEmitter): void {
  if (isRecord(top.DefaultPools)) {
    for (const [t, p] of Object.entries(top.DefaultPools)) {
      const field = `DefaultPools.${t}`;
      if (!isRecord(p)) {
        e.bad(field, 'a pool object', show(p));
        continue;
      }
      e.blocks(p.Blocks, t, 'default', field, nameV3);
      e.dedicated(p.DedicatedAllocations, t, 'default', `${field}.DedicatedAllocations`, nameV3);
    }
  }
  if (isRecord(top.CustomPools)) {
    for (const [t, list] of Object.entries(top.CustomPools)) {
      const pools = Array.isArray(list) ? list : [list];
      pools.forEach((p, k) => {
        const name = isRecord(p) && typeof p.Name === 'string' ? p.Name : `custom${k}`;
        const field = `CustomPools.${t}[${k}]`;
        if (!isRecord(p)) return void e.bad(field, 'a pool object', show(p));
        e.blocks(p.Blocks, t, name, field, nameV3);
        e.dedicated(p.DedicatedAllocations, t, name, `${field}.DedicatedAllocations`, nameV3);
      });
    }
  }
  const total = isRecord(top.Total) ? top.Total : {};
  e.finish({ blocks: total.BlockCount, allocations: total.AllocationCount, blocksField: 'Total.BlockCount', allocationsField: 'Total.AllocationCount' });
}

/**
 * Emit a 2.x dump's pools: `DedicatedAllocations` (`Type N` → list), `DefaultPools` (`Type N` → {Blocks}),
 * `Pools` (id → {MemoryTypeIndex, Name?, Blocks}; pool name `Name` or `pool<id>`). Totals: `Total.Blocks`
 * (dedicated allocations count as blocks, as in 3.x) and `Total.Allocations`.
 */
export function emitV2(top: Readonly<Record<string, unknown>>, e: VmaEmitter): void {
  if (isRecord(top.DedicatedAllocations)) {
    for (const [t, list] of Object.entries(top.DedicatedAllocations)) e.dedicated(list, t, 'default', `DedicatedAllocations.${t}`, nameV2);
  }
  if (isRecord(top.DefaultPools)) {
    for (const [t, p] of Object.entries(top.DefaultPools)) {
      if (isRecord(p)) e.blocks(p.Blocks, t, 'default', `DefaultPools.${t}`, nameV2);
      else e.bad(`DefaultPools.${t}`, 'a pool object', show(p));
    }
  }
  if (isRecord(top.Pools)) {
    for (const [id, p] of Object.entries(top.Pools)) {
      const field = `Pools.${id}`;
      const typeIndex = isRecord(p) ? p.MemoryTypeIndex : undefined;
      const t = typeof typeIndex === 'number' && Number.isInteger(typeIndex) && typeIndex >= 0 ? `Type ${typeIndex}` : '';
      if (!isRecord(p) || t === '') {
        e.bad(isRecord(p) ? `${field}.MemoryTypeIndex` : field, isRecord(p) ? 'a memory type index >= 0' : 'a pool object', show(isRecord(p) ? typeIndex : p));
        continue;
      }
      e.blocks(p.Blocks, t, typeof p.Name === 'string' && p.Name !== '' ? p.Name : `pool${id}`, field, nameV2);
    }
  }
  const total = isRecord(top.Total) ? top.Total : {};
  e.finish({ blocks: total.Blocks, allocations: total.Allocations, blocksField: 'Total.Blocks', allocationsField: 'Total.Allocations' });
}
