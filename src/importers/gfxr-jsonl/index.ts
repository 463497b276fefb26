import { fail } from '../../log/diagnostic';
import { cliMessages } from '../../log/messages/cli';
import { importerMessages } from '../../log/messages/importers';
import type { ImporterDef } from '../types';
import { RowCollector } from '../shared/rows';
import { baseName, firstLine, headText } from '../shared/sniff';
import { readCalls } from './decode';
import { VulkanState } from './vulkan-state';

import type { GfxrJsonlOptions } from './vulkan-state';

export type { GfxrJsonlOptions };

/** Output version of this importer (bump when the events for the same input change). */
const IMPORTER_VERSION = 2;

/**
 * GFXReconstruct capture converted to JSON Lines (`gfxrecon-convert <file>`), docs/trace-formats.md H.
 * Accepts the `vkFunc` key of converters up to 0.9.x and the `function` key of current ones. Memory objects
 * are `alloc`s of synthetic backing ranges (`resource = mem<handle>`); each buffer/image gets a reserved VA
 * range once its size is known (memory requirements) and binds `map` it onto the memory (game-style
 * reserve/map/unmap, sparse binds included, NULL memory = unbind); destroy → `unmap` + `release`. There are
 * no timestamps: `t_ns = index × nsPerIndex`. Calls whose `return` is not VK_SUCCESS are skipped. Kinds come
 * from the memory types (vkGetPhysicalDeviceMemoryProperties, or the SetDeviceMemoryPropertiesCommand meta
 * block of trimmed captures); a type neither describes is decided by whether the capture maps its memory.
 * Records are read by decode.ts; the Vulkan object state machine is vulkan-state.ts.
 */
export const gfxrJsonlImporter = {
  name: 'gfxr-jsonl' as const,
  summary: 'GFXReconstruct JSON Lines (Vulkan): memory objects, binds (incl. sparse), maps → game-style reserve/map/unmap',
  version: IMPORTER_VERSION,
  defaults: { nsPerIndex: 1000, alignBytes: 65536, backingBaseVa: 0x100000000, reserveBaseVa: 0x200000000000, frameMarkers: true, mapAsCpuWrite: false },
  options: {
    nsPerIndex: { summary: 'synthetic time per call index (the capture has no timestamps)', unit: 'ns' },
    alignBytes: { summary: 'alignment of synthetic addresses (memory objects and resource reservations)', unit: 'bytes' },
    backingBaseVa: { summary: 'first synthetic address of memory objects', unit: 'bytes' },
    reserveBaseVa: { summary: 'first synthetic address of resource reservations', unit: 'bytes' },
    frameMarkers: { summary: 'emit a marker frame at every successful vkQueuePresentKHR' },
    mapAsCpuWrite: { summary: 'vkMapMemory also emits a synthetic CPU write of the mapped range' },
  },
  sniff(head) {
    if (headText(head, 4) === 'GFXR') return true; // a binary capture: read() explains how to convert it
    const l = firstLine(head);
    return /^\{\s*"header"\s*:/.test(l) && /"(gfxrecon-version|json-version)"/.test(l);
  },
  async *read(input, opts, ctx) {
    const nsPerIndex = Number(opts.nsPerIndex);
    const align = Number(opts.alignBytes);
    if (!(nsPerIndex > 0)) fail(cliMessages.badValue({}, 'gfxr-jsonl option nsPerIndex', 'a positive number of ns', String(opts.nsPerIndex)));
    if (!Number.isInteger(align) || align <= 0) fail(cliMessages.badValue({}, 'gfxr-jsonl option alignBytes', 'a positive integer', String(opts.alignBytes)));
    if (headText(input.head, 4) === 'GFXR') {
      fail(importerMessages.needsConversion({ file: ctx.file, offset: 0 }, 'a binary GFXReconstruct capture (.gfxr)', `gfxrecon-convert ${baseName(input.path)} (JSON Lines by default; releases with a --format option: add --format jsonl)`));
    }
    ctx.meta.importer = `gfxr-jsonl@${IMPORTER_VERSION}`;
    ctx.meta.source = baseName(input.path);
    ctx.meta.time = `synthetic: t_ns = index x ${nsPerIndex}`;
    ctx.meta.layout = 'synthetic';
    ctx.meta.devices = 'dev0';
    const rows = new RowCollector(ctx.strings);
    const st = new VulkanState(ctx, rows, opts, align);
    const { calls, failed, other } = await readCalls(input, ctx, nsPerIndex, st);
    st.finish();
    ctx.meta.calls = String(calls);
    if (failed) ctx.log.add(importerMessages.ignoredRecord({ file: ctx.file }, `${failed} memory call(s) whose return was not VK_SUCCESS`));
    if (other) ctx.log.add(importerMessages.ignoredRecord({ file: ctx.file }, `${other} annotation/meta/method block(s)`));
    yield* rows.sorted();
  },
} satisfies ImporterDef<GfxrJsonlOptions>;
