import { fail } from '../../log/diagnostic';
import { importerMessages } from '../../log/messages/importers';
import { CPU, Flag, Op } from '../../trace/event';
import type { ImporterDef, ImportContext } from '../types';
import { structural } from '../shared/context';
import { isRecord, show } from '../shared/fields';
import { scanJson } from '../shared/json-scan';
import { RowCollector } from '../shared/rows';
import { baseName, firstNonWs, headText } from '../shared/sniff';

export type VmaJsonOptions = { alignBytes: number; backingBaseVa: number; reserveBaseVa: number };

/** Output version of this importer (bump when the events for the same input change). */
const IMPORTER_VERSION = 1;

/**
 * VMA / D3D12MA JSON statistics dump (`vmaBuildStatsString(..., detailedMap=VK_TRUE)`), docs/trace-formats.md I:
 * the allocator state at one instant. Everything is emitted at t=0 with `flags=preexisting`: each memory
 * block → `alloc` (`resource` = the block) at a synthetic backing address; each non-FREE suballocation →
 * `reserve` of its own synthetic VA range + `map` of that range to the block at `Offset`; each dedicated
 * allocation → `alloc` + `reserve` + `map`. Kind: `device` for memory types of a DEVICE_LOCAL heap,
 * `pinned_host` otherwise. Use it to seed a replay or to check an end state.
 */
export const vmaJsonImporter = {
  name: 'vma-json' as const,
  summary: 'Vulkan Memory Allocator / D3D12MA JSON stats dump: blocks, suballocations, dedicated allocations at t=0',
  version: IMPORTER_VERSION,
  defaults: { alignBytes: 65536, backingBaseVa: 0x100000000, reserveBaseVa: 0x200000000000 },
  options: {
    alignBytes: { summary: 'alignment of synthetic addresses', unit: 'bytes' },
    backingBaseVa: { summary: 'first synthetic address of memory blocks and dedicated allocations', unit: 'bytes' },
    reserveBaseVa: { summary: 'first synthetic address of the per-allocation VA ranges', unit: 'bytes' },
  },
  sniff(head) {
    const t = headText(head, 4096);
    return firstNonWs(head) === 0x7b && /"General"\s*:/.test(t) && /"(API|GPU|apiVersion)"\s*:/.test(t);
  },
  async *read(input, opts, ctx) {
    ctx.meta.importer = `vma-json@${IMPORTER_VERSION}`;
    ctx.meta.source = baseName(input.path);
    ctx.meta.layout = 'synthetic';
    const top: Record<string, unknown> = {};
    const lines: Record<string, number> = {};
    for await (const it of scanJson(input.chunks(), ctx.file, (p) => (p.length === 0 ? 'descend' : 'capture'))) {
      if (it.path.length === 0) fail(importerMessages.notThisFormat({ file: ctx.file, line: 1, col: 1 }, 'VMA JSON dump', 'a JSON object', show(it.value)));
      top[it.path[0] as string] = it.value;
      lines[it.path[0] as string] = it.loc.line;
    }
    if (!isRecord(top.General)) fail(importerMessages.notThisFormat({ file: ctx.file, line: 1, col: 1 }, 'VMA JSON dump', 'an object with General, MemoryInfo and DefaultPools', 'no General section'));
    const general = top.General as Record<string, unknown>;
    if (typeof general.GPU === 'string') ctx.meta.devices = general.GPU;
    if (typeof general.API === 'string') ctx.meta.api = general.API;
    const deviceTypes = deviceLocalTypes(top.MemoryInfo, ctx);
    const align = Number(opts.alignBytes);
    let backing = Number(opts.backingBaseVa);
    let reserve = Number(opts.reserveBaseVa);
    const rows = new RowCollector(ctx.strings);
    const b = rows.builder;
    const counts = { blocks: 0, allocations: 0 };
    const bump = (size: number, which: 'backing' | 'reserve'): number => {
      const step = Math.ceil(size / align) * align;
      if (which === 'backing') return (backing += step) - step;
      return (reserve += step) - step;
    };
    const alloc = (size: number, kind: number, resource: string): void => {
      const i = b.addRow(Op.alloc, 0, kind === Flag.device ? 1 : CPU, bump(size, 'backing'), size);
      b.cols.flags[i] = kind | Flag.preexisting;
      b.cols.resource[i] = ctx.strings.intern(resource);
      rows.flush();
      counts.blocks++;
    };
    const place = (size: number, resource: string, offset: number, name: string): void => {
      const va = bump(size, 'reserve');
      const label = name ? ctx.strings.intern(name) : 0;
      const r = b.addRow(Op.reserve, 0, 1, va, size);
      b.cols.flags[r] = Flag.preexisting | Flag.synthetic;
      b.cols.label[r] = label;
      rows.flush();
      const m = b.addRow(Op.map, 0, 1, va, size);
      b.cols.flags[m] = Flag.preexisting;
      b.cols.resource[m] = ctx.strings.intern(resource);
      b.cols.offsetBytes[m] = offset;
      b.cols.label[m] = label;
      rows.flush();
      counts.allocations++;
    };
    const pool = (p: unknown, typeKey: string, poolName: string, field: string): void => {
      if (!isRecord(p)) return void structural(ctx, importerMessages.badField({ file: ctx.file, line: lines[field.split('.')[0]!], field }, 'a pool object', show(p)));
      const kind = deviceTypes.has(typeKey) || /DEFAULT|VIDEO/i.test(typeKey) ? Flag.device : Flag.pinned_host;
      const blocks = isRecord(p.Blocks) ? Object.entries(p.Blocks) : Array.isArray(p.Blocks) ? p.Blocks.map((x, i) => [String(i), x] as const) : [];
      for (const [bi, blk] of blocks) {
        const where = `${field}.Blocks.${bi}`;
        const total = isRecord(blk) ? blk.TotalBytes : undefined;
        if (!isRecord(blk) || !isSize(total)) {
          structural(ctx, importerMessages.badField({ file: ctx.file, line: lines[field.split('.')[0]!], field: `${where}.TotalBytes` }, 'a size > 0', show(total)));
          continue;
        }
        const resource = `block:${typeKey}/${poolName}/${bi}`;
        alloc(total as number, kind, resource);
        const subs = Array.isArray(blk.Suballocations) ? blk.Suballocations : [];
        subs.forEach((s, k) => {
          if (!isRecord(s) || s.Type === 'FREE') return;
          if (!isSize(s.Size) || typeof s.Offset !== 'number' || !Number.isInteger(s.Offset) || s.Offset < 0 || s.Offset + (s.Size as number) > (total as number)) {
            structural(ctx, importerMessages.badField({ file: ctx.file, line: lines[field.split('.')[0]!], field: `${where}.Suballocations[${k}]` }, 'Offset >= 0 and Size > 0 inside the block', `Offset ${show(s.Offset)}, Size ${show(s.Size)}`));
            return;
          }
          place(s.Size as number, resource, s.Offset, typeof s.Name === 'string' ? s.Name : '');
        });
      }
      const dedicated = Array.isArray(p.DedicatedAllocations) ? p.DedicatedAllocations : [];
      dedicated.forEach((d, k) => {
        if (!isRecord(d) || !isSize(d.Size)) {
          structural(ctx, importerMessages.badField({ file: ctx.file, line: lines[field.split('.')[0]!], field: `${field}.DedicatedAllocations[${k}].Size` }, 'a size > 0', show(isRecord(d) ? d.Size : d)));
          return;
        }
        const resource = `dedicated:${typeKey}/${poolName}/${k}`;
        alloc(d.Size as number, kind, resource);
        place(d.Size as number, resource, 0, typeof d.Name === 'string' ? d.Name : '');
      });
    };
    if (isRecord(top.DefaultPools)) for (const [t, p] of Object.entries(top.DefaultPools)) pool(p, t, 'default', `DefaultPools.${t}`);
    if (isRecord(top.CustomPools)) {
      for (const [t, list] of Object.entries(top.CustomPools)) {
        const pools = Array.isArray(list) ? list : [list];
        pools.forEach((p, k) => pool(p, t, isRecord(p) && typeof p.Name === 'string' ? p.Name : `custom${k}`, `CustomPools.${t}[${k}]`));
      }
    }
    checkTotals(top.Total, counts, ctx);
    yield* rows.sorted();
  },
} satisfies ImporterDef<VmaJsonOptions>;

function isSize(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 2 ** 53;
}

/** Memory-type keys (`Type N`) whose heap (or own flags) is DEVICE_LOCAL, from `MemoryInfo`. */
function deviceLocalTypes(info: unknown, ctx: ImportContext): Set<string> {
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

/** The dump's own totals must match what was read: a mismatch means a damaged or partial dump. */
function checkTotals(total: unknown, counts: { blocks: number; allocations: number }, ctx: ImportContext): void {
  if (!isRecord(total)) return;
  const blocks = total.BlockCount;
  const allocs = total.AllocationCount;
  if (typeof blocks === 'number' && blocks !== counts.blocks) {
    ctx.log.add(importerMessages.totalsMismatch({ file: ctx.file, field: 'Total.BlockCount' }, 'blocks', counts.blocks, blocks));
  }
  if (typeof allocs === 'number' && allocs !== counts.allocations) {
    ctx.log.add(importerMessages.totalsMismatch({ file: ctx.file, field: 'Total.AllocationCount' }, 'allocations', counts.allocations, allocs));
  }
}
