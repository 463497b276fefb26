import { fail } from '../../log/diagnostic';
import { cliMessages } from '../../log/messages/cli';
import { importerMessages } from '../../log/messages/importers';
import { CPU, Flag, Op } from '../../trace/event';
import type { ImporterDef, ImportContext } from '../types';
import { structural } from '../shared/context';
import { decimalToUnits } from '../shared/decimal';
import { readLines } from '../shared/lines';
import { RowCollector } from '../shared/rows';
import { baseName, firstLine } from '../shared/sniff';
import { bytesPerTexel, maxMipLevels, mipChainTexels } from '../shared/vk-format';

export type VmaRecordingOptions = { imageSize: string; alignBytes: number; baseVa: number };

/**
 * Argument positions per recorded function (after `threadId, time, frameIndex, function`), confirmed
 * against the VMA 2.x recording-format document and VmaReplay's parser: the byte size, the memory-usage
 * code, the output allocation handle, and the number of fixed arguments before the user-data text.
 */
const LAYOUT: Readonly<Record<string, { size?: number; usage: number; required: number; preferred: number; handle: number; fixed: number; image?: true }>> = {
  vmaCreateBuffer: { size: 1, usage: 5, required: 6, preferred: 7, handle: 10, fixed: 11 },
  vmaCreateImage: { usage: 14, required: 15, preferred: 16, handle: 19, fixed: 20, image: true },
  vmaAllocateMemory: { size: 0, usage: 4, required: 5, preferred: 6, handle: 9, fixed: 10 },
  vmaAllocateMemoryForBuffer: { size: 0, usage: 6, required: 7, preferred: 8, handle: 11, fixed: 12 },
  vmaAllocateMemoryForImage: { size: 0, usage: 6, required: 7, preferred: 8, handle: 11, fixed: 12 },
};
const FREES = new Set(['vmaDestroyBuffer', 'vmaDestroyImage', 'vmaFreeMemory']);
const MARKERS = new Set(['vmaMapMemory', 'vmaUnmapMemory']);
/** Calls that do not change memory (or that gmemlab does not model): counted in an info message. */
const QUIET = new Set(['vmaCreateAllocator', 'vmaDestroyAllocator', 'vmaSetAllocationUserData', 'vmaFlushAllocation', 'vmaInvalidateAllocation', 'vmaTouchAllocation', 'vmaGetAllocationInfo', 'vmaCreatePool', 'vmaDestroyPool', 'vmaSetPoolName', 'vmaSetCurrentFrameIndex']);

/** VmaMemoryUsage (2.x): 1 GPU_ONLY and 6 GPU_LAZILY_ALLOCATED are device memory; 2–5 are host memory the GPU reads. */
function kindOf(usage: number, required: number, preferred: number): number {
  if (usage === 1 || usage === 6) return Flag.device;
  if (usage >= 2 && usage <= 5) return Flag.pinned_host;
  return (required | preferred) & 1 ? Flag.device : Flag.pinned_host; // VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT
}

/** Output version of this importer (bump when the events for the same input change). */
const IMPORTER_VERSION = 1;

/**
 * VMA 2.x "calls recording" CSV (docs/trace-formats.md J). Allocation calls → `alloc` at a synthetic address (a
 * bump allocator; VMA records no addresses), kind from the memory-usage code; destroy/free calls → `free`
 * of the allocation the handle names at that moment (handles are reused); map/unmap → `marker`. Images have
 * no recorded size: it is estimated from extent, format, mips, layers and samples (`imageSize=estimate`,
 * flag `synthetic`) or the image is skipped (`imageSize=skip`).
 */
export const vmaRecordingImporter = {
  name: 'vma-recording' as const,
  summary: 'Vulkan Memory Allocator 2.x call recording CSV: buffer/image/memory allocations and frees (synthetic addresses)',
  version: IMPORTER_VERSION,
  defaults: { imageSize: 'estimate', alignBytes: 65536, baseVa: 0x100000000 },
  options: {
    imageSize: { summary: 'images have no recorded size: estimate it from extent and format, or skip images', values: ['estimate', 'skip'] },
    alignBytes: { summary: 'alignment of synthetic allocation addresses', unit: 'bytes' },
    baseVa: { summary: 'first synthetic address', unit: 'bytes' },
  },
  sniff(head) {
    return firstLine(head).trim() === 'Vulkan Memory Allocator,Calls recording';
  },
  async *read(input, opts, ctx) {
    if (opts.imageSize !== 'estimate' && opts.imageSize !== 'skip') fail(cliMessages.badValue({}, 'vma-recording option imageSize', 'estimate | skip', opts.imageSize));
    const align = Number(opts.alignBytes);
    if (!Number.isInteger(align) || align <= 0) fail(cliMessages.badValue({}, 'vma-recording option alignBytes', 'a positive integer', String(opts.alignBytes)));
    ctx.meta.importer = `vma-recording@${IMPORTER_VERSION}`;
    ctx.meta.source = baseName(input.path);
    ctx.meta.layout = 'bump';
    ctx.meta.image_size = opts.imageSize;
    const rows = new RowCollector(ctx.strings);
    const b = rows.builder;
    const live = new Map<string, { va: number; bytes: number; agent: number }>();
    const heaps = new Map<number, { size: number; flags: number }>();
    let next = Number(opts.baseVa);
    let phase: 'magic' | 'version' | 'body' | 'config' = 'magic';
    let seq = 0;
    let quiet = 0;
    let lastLine = 0;
    for await (const l of readLines(input.chunks(), ctx.file)) {
      lastLine = l.line;
      const where = { file: ctx.file, line: l.line };
      const text = l.text;
      if (phase === 'magic') {
        if (text.trim() !== 'Vulkan Memory Allocator,Calls recording') fail(importerMessages.notThisFormat({ ...where, col: 1 }, 'VMA calls recording', '"Vulkan Memory Allocator,Calls recording"', JSON.stringify(text.slice(0, 60))));
        phase = 'version';
        continue;
      }
      if (phase === 'version') {
        const m = /^(\d+),(\d+)\s*$/.exec(text);
        if (!m) fail(importerMessages.syntax({ ...where, col: 1 }, 'format version line', 'major,minor (e.g. 1,8)', JSON.stringify(text.slice(0, 30))));
        if (m![1] !== '1') ctx.log.add(importerMessages.schemaVersion(where, `${m![1]},${m![2]}`, '1,x'));
        ctx.meta.vma_recording_version = `${m![1]}.${m![2]}`;
        phase = 'body';
        continue;
      }
      if (text.trim() === '') continue;
      const cells = text.split(',');
      if (phase === 'config') {
        if (cells[0] === 'Config' && cells[1]?.trim() === 'End') phase = 'body';
        else readConfig(cells, heaps, ctx);
        continue;
      }
      if (cells[0] === 'Config' && cells[1]?.trim() === 'Begin') {
        phase = 'config';
        continue;
      }
      if (cells.length < 4 || !/^\d+$/.test(cells[0]!)) {
        structural(ctx, importerMessages.syntax({ ...where, col: 1 }, 'call line', 'threadId,time,frameIndex,function,args…', JSON.stringify(text.slice(0, 60))));
        continue;
      }
      const t = decimalToUnits(cells[1]!, 9);
      if (t === undefined || t >= 2n ** 53n) {
        structural(ctx, importerMessages.badField({ ...where, field: 'time' }, 'seconds since the first call, e.g. 0.134', JSON.stringify(cells[1]!.slice(0, 30))));
        continue;
      }
      const tNs = Number(t);
      const fn = cells[3]!;
      const args = cells.slice(4);
      const layout = LAYOUT[fn];
      if (layout) {
        if (args.length < layout.fixed) {
          structural(ctx, importerMessages.syntax(where, `${fn} call`, `at least ${layout.fixed} arguments`, `${args.length}`));
          continue;
        }
        const num = (k: number): number => (/^\d{1,16}$/.test(args[k]!) ? Number(args[k]) : NaN);
        let bytes = layout.size === undefined ? NaN : num(layout.size);
        let estimated = false;
        if (layout.image) {
          if (opts.imageSize === 'skip') continue;
          const [w, h, d, mips, layers, samples, format] = [num(3), num(4), num(5), num(6), num(7), num(8), num(2)];
          const bpt = bytesPerTexel(format);
          if ([w, h, d, mips, layers, samples].some((x) => !(x >= 1)) || bpt === undefined) {
            ctx.log.add(importerMessages.sizeUnknown(where, `image (format ${args[2]}, extent ${args[3]}x${args[4]}x${args[5]})`));
            continue;
          }
          const maxMips = maxMipLevels(w, h, d);
          if (mips > maxMips) {
            structural(ctx, importerMessages.badField({ ...where, field: 'mipLevels' }, `at most ${maxMips} (the complete mip chain of a ${w}x${h}x${d} image)`, args[6]!));
            continue;
          }
          bytes = Math.ceil(mipChainTexels(w, h, d, mips) * layers * samples * bpt);
          estimated = true;
        }
        const handle = args[layout.handle]!;
        if (!(bytes > 0) || bytes >= 2 ** 53 || !/^[0-9A-Fa-f]{1,16}$/.test(handle)) {
          structural(ctx, importerMessages.badField({ ...where, field: !(bytes > 0 && bytes < 2 ** 53) ? 'size' : 'allocation' }, 'a size > 0 and a hex allocation handle', `${args[layout.size ?? 0]}, ${JSON.stringify(handle)}`));
          continue;
        }
        const kind = kindOf(num(layout.usage), num(layout.required), num(layout.preferred));
        const agent = kind === Flag.device ? 1 : CPU;
        const va = next;
        next += Math.ceil(bytes / align) * align;
        if (live.has(handle)) ctx.log.add(importerMessages.overlap(where, `allocation handle ${handle} (not destroyed before reuse)`));
        live.set(handle, { va, bytes, agent });
        const i = b.addRow(Op.alloc, tNs, agent, va, bytes);
        b.cols.flags[i] = kind | Flag.synthetic;
        b.cols.resource[i] = ctx.strings.intern(`alloc${seq++}`);
        const name = args.slice(layout.fixed).join(',');
        if (name && !/^[0-9A-F]{16}$/.test(name)) b.cols.label[i] = ctx.strings.intern(name);
        if (estimated) ctx.observe('image_size_estimate', { tNs, handle, bytes });
        rows.flush();
      } else if (FREES.has(fn) || MARKERS.has(fn)) {
        const handle = args[0] ?? '';
        const a = live.get(handle);
        if (!a) {
          if (!/^0+$/.test(handle)) ctx.log.add(importerMessages.unknownHandle(where, `${fn}(${handle})`));
          continue;
        }
        if (FREES.has(fn)) {
          live.delete(handle);
          b.addRow(Op.free, tNs, a.agent, a.va, a.bytes);
        } else {
          const i = b.addRow(Op.marker, tNs, CPU, a.va, a.bytes);
          b.cols.label[i] = ctx.strings.intern(fn);
        }
        rows.flush();
      } else if (QUIET.has(fn)) quiet++;
      else ctx.log.add(importerMessages.ignoredRecord(where, `call ${fn}`));
    }
    if (phase !== 'body') fail(importerMessages.unexpectedEnd({ file: ctx.file, line: lastLine + 1 }, phase === 'config' ? 'Config,End' : 'the recording header'));
    if (quiet) ctx.log.add(importerMessages.ignoredRecord({ file: ctx.file }, `${quiet} call(s) that do not allocate or free (allocator/pool setup, user data, flush, …)`));
    let deviceBytes = 0;
    for (const h of heaps.values()) if (h.flags & 1) deviceBytes += h.size;
    if (deviceBytes > 0) ctx.meta['capacity_bytes.dev0'] = String(deviceBytes);
    ctx.meta.devices = ctx.meta.devices ?? 'dev0';
    yield* rows.sorted();
  },
} satisfies ImporterDef<VmaRecordingOptions>;

function readConfig(cells: string[], heaps: Map<number, { size: number; flags: number }>, ctx: ImportContext): void {
  if (cells[0] === 'PhysicalDevice' && cells[1] === 'deviceName') ctx.meta.devices = cells.slice(2).join(',').trim();
  if (cells[0] === 'PhysicalDeviceMemory' && cells[1] === 'Heap') {
    const idx = Number(cells[2]);
    const h = heaps.get(idx) ?? { size: 0, flags: 0 };
    if (cells[3] === 'size') h.size = Number(cells[4]);
    if (cells[3] === 'flags') h.flags = Number(cells[4]);
    heaps.set(idx, h);
  }
}
