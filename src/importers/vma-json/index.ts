import { cliMessages } from '../../log/messages/cli';
import { fail } from '../../log/diagnostic';
import { importerMessages } from '../../log/messages/importers';
import type { ImporterDef } from '../types';
import { show } from '../shared/fields';
import { scanJson } from '../shared/json-scan';
import { baseName, firstNonWs, headText } from '../shared/sniff';
import { VmaEmitter } from './emit';
import { deviceTypesV2, deviceTypesV3, emitV2, emitV3, VMA_KEYS, vmaLayoutOf } from './layouts';

export type VmaJsonOptions = { alignBytes: number; backingBaseVa: number; reserveBaseVa: number };

/** Output version of this importer (bump when the events for the same input change). 2: 2.x layout, `vma_version`. */
const IMPORTER_VERSION = 2;

/**
 * VMA / D3D12MA JSON statistics dump (`vmaBuildStatsString(..., detailedMap=VK_TRUE)`), docs/trace-formats.md I,
 * in either layout era (`./layouts.ts`: 3.x with `General`/`MemoryInfo`, 2.x with `Heap N`/`Pools`; the era is
 * written to the metadata as `vma_version`): the allocator state at one instant. Everything is emitted at t=0
 * with `flags=preexisting`: each memory block → `alloc` (`resource` = the block) at a synthetic backing
 * address; each non-FREE suballocation → `reserve` of its own synthetic VA range + `map` of that range to the
 * block at `Offset`; each dedicated allocation → `alloc` + `reserve` + `map`. Kind: `device` for memory types
 * of a DEVICE_LOCAL heap, `pinned_host` otherwise. Use it to seed a replay or to check an end state.
 */
export const vmaJsonImporter = {
  name: 'vma-json' as const,
  summary: 'Vulkan Memory Allocator / D3D12MA JSON stats dump (VMA 2.x and 3.x layouts): blocks, suballocations, dedicated allocations at t=0',
  version: IMPORTER_VERSION,
  defaults: { alignBytes: 65536, backingBaseVa: 0x100000000, reserveBaseVa: 0x200000000000 },
  options: {
    alignBytes: { summary: 'alignment of synthetic addresses', unit: 'bytes' },
    backingBaseVa: { summary: 'first synthetic address of memory blocks and dedicated allocations', unit: 'bytes' },
    reserveBaseVa: { summary: 'first synthetic address of the per-allocation VA ranges', unit: 'bytes' },
  },
  /**
   * A JSON object whose head has VMA-family keys: 3.x (`General` + `API`/`GPU`/`apiVersion`), 2.x (starts
   * with `Total`, then `Heap N`), or other VMA-style keys (`DefaultPools`, `MemoryInfo`, `DetailedMap`, …),
   * which `read` then reports as a VMA dump of an unsupported layout instead of "format not recognised".
   */
  sniff(head) {
    if (firstNonWs(head) !== 0x7b) return false;
    const t = headText(head, 65536);
    if (/"General"\s*:/.test(t) && /"(API|GPU|apiVersion)"\s*:/.test(t)) return true;
    if (/^\s*(\ufeff|\xef\xbb\xbf)?\{\s*"Total"\s*:/.test(t) && /"Heap \d+"\s*:\s*\{/.test(t)) return true;
    return VMA_KEYS.test(t) && /"(Blocks|Suballocations|TotalBytes|BlockCount|UnusedRangeCount|UnusedRanges)"\s*:/.test(t);
  },
  async *read(input, opts, ctx) {
    // as gfxr-jsonl and vma-recording check theirs: an alignment of 0 bytes aligns nothing
    if (!(Number(opts.alignBytes) > 0)) fail(cliMessages.badValue({}, 'vma-json option alignBytes', 'a positive integer', String(opts.alignBytes)));
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
    const layout = vmaLayoutOf(top);
    if (layout === 'unknown') {
      const keys = Object.keys(top);
      const shown = keys.slice(0, 6).join(', ') + (keys.length > 6 ? ', …' : '');
      const vmaLike = keys.some((k) => VMA_KEYS.test(`"${k}":`));
      fail(importerMessages.notThisFormat(
        { file: ctx.file, line: 1, col: 1 },
        'VMA JSON dump',
        'a VMA 3.x dump (General, MemoryInfo, DefaultPools, CustomPools) or a VMA 2.x dump (Total, Heap N, DedicatedAllocations, DefaultPools, Pools)',
        keys.length === 0 ? 'an empty object' : vmaLike ? `a VMA-style dump of a layout gmemlab does not read (top-level keys ${shown})` : `an object with keys ${shown}`,
      ));
    }
    ctx.meta.vma_version = layout;
    if (layout === '3.x') {
      const general = top.General as Record<string, unknown>;
      if (typeof general.GPU === 'string') ctx.meta.devices = general.GPU;
      if (typeof general.API === 'string') ctx.meta.api = general.API;
      const e = new VmaEmitter(ctx, opts, deviceTypesV3(top.MemoryInfo, ctx), lines);
      emitV3(top, e);
      yield* e.rows.sorted();
    } else {
      ctx.meta.api = 'Vulkan';
      const e = new VmaEmitter(ctx, opts, deviceTypesV2(top, ctx), lines);
      emitV2(top, e);
      yield* e.rows.sorted();
    }
  },
} satisfies ImporterDef<VmaJsonOptions>;
