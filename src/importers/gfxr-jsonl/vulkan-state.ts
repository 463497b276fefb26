import type { Location } from '../../log/diagnostic';
import { importerMessages } from '../../log/messages/importers';
import { Access, CPU, Flag, markerKindOf, Op } from '../../trace/event';
import type { ImportContext } from '../types';
import { structural } from '../shared/context';
import { show } from '../shared/fields';
import type { RowCollector, RowRef } from '../shared/rows';
import { bytesPerTexelOfName, bytesPerTexel } from '../shared/vk-format';
import * as decodeMod from './decode';
import type { Args, CallSink } from './decode';
import { blocksPerLayer, geometryProblem, imageBindProblem, imageBindRuns, SPARSE_BLOCK_BYTES, type ImageGeometry } from './sparse';

/** Options of the gfxr-jsonl importer (defaults and docs in index.ts). */
export type GfxrJsonlOptions = {
  nsPerIndex: number;
  alignBytes: number;
  backingBaseVa: number;
  reserveBaseVa: number;
  frameMarkers: boolean;
  mapAsCpuWrite: boolean;
};

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): local copies.
const { handle, hasBit, isSize, list, rec, WHOLE } = decodeMod;

/**
 * The Vulkan object state machine of the gfxr-jsonl importer: memory objects are `alloc`s of synthetic
 * backing ranges (`resource = mem<handle>`); each buffer/image gets a reserved VA range once its size is known
 * (memory requirements) and binds `map` it onto the memory (game-style reserve/map/unmap, sparse binds
 * included, NULL memory = unbind); destroy → `unmap` + `release`; vkMapMemory/vkUnmapMemory → markers;
 * vkQueuePresentKHR → a frame marker. The kind of each memory object comes from its memory type
 * (`kindOfMemoryType`); a type the capture does not describe is decided by `finish()` from what the capture
 * does with it. Canonical rows go to the importer's `RowCollector`.
 */

/** What the importer needs of a Vulkan memory type (VkMemoryType and its heap's flags). */
export interface MemoryType {
  /** VK_MEMORY_HEAP_DEVICE_LOCAL_BIT on its heap (or VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT on the type). */
  readonly deviceLocal: boolean;
  /** VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT: memory of this type can be mapped for the CPU (vkMapMemory). */
  readonly hostVisible: boolean;
}

/**
 * The allocation kind of memory of type `t` (docs/importers.md, gfxr-jsonl, Kinds): device-local and not
 * host-visible → `device`; device-local and host-visible (resizable BAR, unified memory) → `managed`, because
 * it lives in device memory and the CPU may map and write it, which the systems serve for `managed` memory and
 * fault for `device` memory; not device-local → `pinned_host` (host memory the GPU reads).
 */
export function kindOfMemoryType(t: MemoryType): number {
  if (!t.deviceLocal) return Flag.pinned_host;
  return t.hostVisible ? Flag.managed : Flag.device;
}

/** A memory type index the capture does not describe, and what the capture does with its memory. */
interface UnknownType {
  /** Why it is unknown (for the warning). */
  readonly why: string;
  /** Its first vkAllocateMemory. */
  readonly first: Location;
  /** The `alloc` rows of its memory objects (emitted as `device`, amended by `finish()`). */
  readonly allocs: RowRef[];
  /** The first map of one of its memory objects: proof that the type is HOST_VISIBLE. */
  mapped?: string;
}

interface Memory {
  readonly va: number;
  readonly bytes: number;
  readonly agent: number;
  readonly resource: number;
  /** Set when the memory type was not described at allocation. */
  readonly unknownType?: UnknownType;
}

interface Resource {
  readonly kind: 'buffer' | 'image';
  readonly createBytes: number;
  readonly geometry?: ImageGeometry;
  va: number;
  bytes: number;
  /** Bound ranges (offset within the reservation → bytes), for unmap at destroy. */
  readonly bound: Map<number, number>;
}

export class VulkanState implements CallSink {
  private readonly memories = new Map<string, Memory>();
  /** Memory objects allocated with `allocationSize` 0 (invalid usage): their calls are skipped with a warning. */
  private readonly zeroSized = new Set<string>();
  private readonly resources = new Map<string, Resource>();
  private memoryTypes: MemoryType[] = [];
  private readonly unknownTypes = new Map<string, UnknownType>();
  private backing: number;
  private reserve: number;

  constructor(
    private readonly ctx: ImportContext,
    private readonly rows: RowCollector,
    private readonly opts: Readonly<GfxrJsonlOptions>,
    private readonly align: number,
  ) {
    this.backing = Number(opts.backingBaseVa);
    this.reserve = Number(opts.reserveBaseVa);
  }

  call(name: string, a: Args, t: number, where: Location): void {
    switch (name) {
      case 'vkGetPhysicalDeviceMemoryProperties':
      case 'vkGetPhysicalDeviceMemoryProperties2':
      case 'vkGetPhysicalDeviceMemoryProperties2KHR':
        return this.memoryProperties(a);
      case 'vkAllocateMemory':
        return this.allocate(a, t, where);
      case 'vkFreeMemory':
        return this.freeMemory(a, t, where);
      case 'vkCreateBuffer':
      case 'vkCreateImage':
        return this.create(name === 'vkCreateBuffer' ? 'buffer' : 'image', a, where);
      case 'vkGetBufferMemoryRequirements':
      case 'vkGetImageMemoryRequirements':
        return this.requirements(handle(a.buffer ?? a.image), rec(a.pMemoryRequirements)?.size, t, where);
      case 'vkGetBufferMemoryRequirements2':
      case 'vkGetBufferMemoryRequirements2KHR':
      case 'vkGetImageMemoryRequirements2':
      case 'vkGetImageMemoryRequirements2KHR': {
        const info = rec(a.pInfo);
        return this.requirements(handle(info?.buffer ?? info?.image), rec(rec(a.pMemoryRequirements)?.memoryRequirements)?.size, t, where);
      }
      case 'vkBindBufferMemory':
      case 'vkBindImageMemory':
        return this.bind(handle(a.buffer ?? a.image), a.memory, a.memoryOffset, t, where);
      case 'vkBindBufferMemory2':
      case 'vkBindBufferMemory2KHR':
      case 'vkBindImageMemory2':
      case 'vkBindImageMemory2KHR':
        for (const info of list(a.pBindInfos)) this.bind(handle(info.buffer ?? info.image), info.memory, info.memoryOffset, t, where);
        return;
      case 'vkDestroyBuffer':
      case 'vkDestroyImage':
        return this.destroy(handle(a.buffer ?? a.image), t);
      case 'vkMapMemory':
        return this.mapMemory(name, a.memory, a.offset, a.size, t, where);
      case 'vkUnmapMemory':
        return this.unmapMemory(name, a.memory, t, where);
      case 'vkMapMemory2':
      case 'vkMapMemory2KHR': {
        const info = rec(a.pMemoryMapInfo);
        return this.mapMemory(name, info?.memory, info?.offset, info?.size, t, where);
      }
      case 'vkUnmapMemory2':
      case 'vkUnmapMemory2KHR':
        return this.unmapMemory(name, rec(a.pMemoryUnmapInfo)?.memory, t, where);
      case 'vkQueueBindSparse':
        return this.bindSparse(a, t, where);
      case 'vkQueuePresentKHR':
        if (this.opts.frameMarkers) {
          const b = this.rows.builder;
          const i = b.addRow(Op.marker, t, CPU, NaN, NaN);
          b.cols.code[i] = markerKindOf('frame');
          b.cols.label[i] = this.ctx.strings.intern('frame');
          this.rows.flush();
        }
        return;
    }
  }

  /**
   * Next synthetic address for `size` bytes, or NaN (after a structural `importer.too-large`) when the range
   * would end beyond 2^53: damaged sizes must not produce addresses the canonical format cannot hold.
   */
  private bump(size: number, which: 'backing' | 'reserve', where: Location): number {
    const step = Math.ceil(size / this.align) * this.align;
    const base = which === 'backing' ? this.backing : this.reserve;
    if (!(base + step <= 2 ** 53)) {
      structural(this.ctx, importerMessages.tooLarge({ ...where }, `the synthetic ${which} address range for ${size} bytes`, `${base} + ${step}`));
      return NaN;
    }
    if (which === 'backing') this.backing += step;
    else this.reserve += step;
    return base;
  }

  /**
   * A meta block: `SetDeviceMemoryPropertiesCommand` holds the memory types of a trimmed capture (written by
   * the capture layer in place of the vkGetPhysicalDeviceMemoryProperties call the trim cut off); current
   * converters write it as `{"meta": {"name": "SetDeviceMemoryPropertiesCommand", "args":
   * {"physical_device_id", "memory_types": [{"property_flags", "heap_index"}], "memory_heaps": [{"size",
   * "flags"}]}}}` (GFXReconstruct framework/decode/vulkan_json_consumer_base.cpp and
   * custom_vulkan_struct_to_json.cpp). Other meta blocks are not used.
   */
  meta(name: string, a: Args): boolean {
    if (name !== 'SetDeviceMemoryPropertiesCommand') return false;
    this.setMemoryTypes(list(a.memory_types), list(a.memory_heaps), 'property_flags', 'heap_index');
    return true;
  }

  private memoryProperties(a: Args): void {
    const p = rec(a.pMemoryProperties) ?? rec(rec(a.pMemoryProperties)?.memoryProperties);
    const props = rec(p?.memoryProperties) ?? p;
    this.setMemoryTypes(list(props?.memoryTypes), list(props?.memoryHeaps), 'propertyFlags', 'heapIndex');
  }

  private setMemoryTypes(types: Args[], heaps: Args[], flagsKey: string, heapKey: string): void {
    if (!types.length) return;
    this.memoryTypes = types.map((ty) => ({
      deviceLocal: hasBit(heaps[Number(ty[heapKey])]?.flags, 1, 'DEVICE_LOCAL') || hasBit(ty[flagsKey], 1, 'DEVICE_LOCAL'),
      hostVisible: hasBit(ty[flagsKey], 2, 'HOST_VISIBLE'),
    }));
  }

  /**
   * Decide the memory types the capture did not describe, from what it did with their memory: a type of which
   * some memory object was mapped is HOST_VISIBLE (vkMapMemory valid usage: the memory type must report
   * VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT), so its allocations become `managed` (the CPU may access them);
   * a type never mapped stays `device`. One `importer.memory-type-assumed` warning per type says which.
   * Call once, after the last call and before `rows.sorted()`.
   */
  finish(): void {
    for (const [type, u] of this.unknownTypes) {
      if (u.mapped) for (const r of u.allocs) this.rows.setFlags(r, Flag.managed | Flag.synthetic);
      const evidence = u.mapped ? `mapped (${u.mapped}), so HOST_VISIBLE` : 'never mapped, so assumed DEVICE_LOCAL and not HOST_VISIBLE';
      this.ctx.log.add(importerMessages.memoryTypeAssumed(u.first, type, u.why, evidence, u.allocs.length, u.mapped ? 'managed' : 'device'));
    }
    this.unknownTypes.clear();
  }

  private allocate(a: Args, t: number, where: Location): void {
    const info = rec(a.pAllocateInfo);
    const size = info?.allocationSize;
    const mem = handle(a.pMemory);
    if (size === 0 && mem) {
      this.zeroSized.add(mem);
      this.ctx.log.add(importerMessages.zeroSizeAllocation({ ...where, field: 'pAllocateInfo.allocationSize' }, `vkAllocateMemory of memory ${mem}`));
      return;
    }
    if (!isSize(size) || !mem) {
      structural(this.ctx, importerMessages.badField({ ...where, field: 'pAllocateInfo.allocationSize' }, 'a size > 0 and a pMemory handle', show(size)));
      return;
    }
    const index = info?.memoryTypeIndex;
    const type = typeof index === 'number' ? this.memoryTypes[index] : undefined;
    // a type the capture does not describe is `device` until finish() sees whether it was mapped
    const kind = type ? kindOfMemoryType(type) : Flag.device;
    const agent = kind === Flag.pinned_host ? CPU : 1;
    const va = this.bump(size as number, 'backing', where);
    if (Number.isNaN(va)) return;
    const resource = this.ctx.strings.intern(`mem${mem}`);
    const b = this.rows.builder;
    const i = b.addRow(Op.alloc, t, agent, va, size as number);
    b.cols.flags[i] = kind | Flag.synthetic;
    b.cols.resource[i] = resource;
    const unknownType = type ? undefined : this.unknownType(show(index), where);
    unknownType?.allocs.push(this.rows.ref(i));
    this.rows.flush();
    this.memories.set(mem, { va, bytes: size as number, agent, resource, unknownType });
  }

  private unknownType(index: string, where: Location): UnknownType {
    let u = this.unknownTypes.get(index);
    if (!u) {
      const n = this.memoryTypes.length;
      const why = n ? `not among the ${n} recorded memory types` : 'no memory properties recorded before its first allocation';
      u = { why, first: { ...where, field: 'pAllocateInfo.memoryTypeIndex' }, allocs: [] };
      this.unknownTypes.set(index, u);
    }
    return u;
  }

  /** True (after the warning) when `mem` is a zero-size memory object: the call `what` is skipped. */
  private skipZeroSized(mem: string | undefined, what: string, where: Location): boolean {
    if (mem === undefined || !this.zeroSized.has(mem)) return false;
    this.ctx.log.add(importerMessages.zeroSizeAllocation(where, `${what} of memory ${mem}`));
    return true;
  }

  private freeMemory(a: Args, t: number, where: Location): void {
    const mem = handle(a.memory);
    if (this.skipZeroSized(mem, 'vkFreeMemory', where)) {
      this.zeroSized.delete(mem!); // the handle may be reused by a later allocation
      return;
    }
    const m = mem ? this.memories.get(mem) : undefined;
    if (!m) return;
    this.memories.delete(mem!);
    this.rows.builder.addRow(Op.free, t, m.agent, m.va, m.bytes);
    this.rows.flush();
  }

  private create(kind: 'buffer' | 'image', a: Args, where: Location): void {
    const h = handle(kind === 'buffer' ? a.pBuffer : a.pImage);
    const ci = rec(a.pCreateInfo);
    if (!h || !ci) {
      structural(this.ctx, importerMessages.badField({ ...where, field: kind === 'buffer' ? 'pBuffer' : 'pImage' }, 'a created handle and pCreateInfo', show(h)));
      return;
    }
    let geometry: ImageGeometry | undefined;
    let createBytes = NaN;
    if (kind === 'buffer') createBytes = isSize(ci.size) ? (ci.size as number) : NaN;
    else {
      const ext = rec(ci.extent);
      const texel = typeof ci.format === 'string' ? bytesPerTexelOfName(ci.format) : typeof ci.format === 'number' ? bytesPerTexel(ci.format) : undefined;
      if (ext && texel) {
        geometry = {
          width: Number(ext.width) || 1,
          height: Number(ext.height) || 1,
          depth: Number(ext.depth) || 1,
          mipLevels: Number(ci.mipLevels) || 1,
          arrayLayers: Number(ci.arrayLayers) || 1,
          texelBytes: texel,
        };
        const problem = geometryProblem(geometry);
        if (problem) {
          structural(this.ctx, importerMessages.badField({ ...where, field: 'pCreateInfo.extent' }, 'an image within Vulkan\'s limits', problem));
          geometry = undefined;
        }
      }
    }
    this.resources.set(h, { kind, createBytes, geometry, va: NaN, bytes: NaN, bound: new Map() });
  }

  /** Reserve the resource's VA range (once), `size` bytes. */
  private reserveFor(h: string, r: Resource, size: number, t: number, where: Location): boolean {
    if (!Number.isNaN(r.va)) return true;
    const va = this.bump(size, 'reserve', where);
    if (Number.isNaN(va)) return false;
    r.va = va;
    r.bytes = size;
    const b = this.rows.builder;
    const i = b.addRow(Op.reserve, t, 1, r.va, size);
    b.cols.flags[i] = Flag.synthetic;
    b.cols.label[i] = this.ctx.strings.intern(`${r.kind}${h}`);
    this.rows.flush();
    return true;
  }

  private requirements(h: string | undefined, size: unknown, t: number, where: Location): void {
    const r = h ? this.resources.get(h) : undefined;
    if (!r || !isSize(size)) return;
    this.reserveFor(h!, r, size as number, t, where);
  }

  /** The resource's reservation, creating it from the create-time size when no requirements were queried. */
  private ensureReserved(h: string, r: Resource, t: number, where: Location): boolean {
    if (!Number.isNaN(r.va)) return true;
    const size = r.kind === 'buffer' ? r.createBytes : r.geometry ? blocksPerLayer(r.geometry) * r.geometry.arrayLayers * SPARSE_BLOCK_BYTES : NaN;
    if (!(size > 0)) {
      this.ctx.log.add(importerMessages.sizeUnknown(where, `${r.kind} ${h} (no memory requirements recorded)`));
      return false;
    }
    return this.reserveFor(h, r, size, t, where);
  }

  private bind(h: string | undefined, memory: unknown, offset: unknown, t: number, where: Location): void {
    const r = h ? this.resources.get(h) : undefined;
    const mem = handle(memory);
    if (this.skipZeroSized(mem, 'bind', where)) return;
    const m = mem ? this.memories.get(mem) : undefined;
    if (!r || !m) {
      this.ctx.log.add(importerMessages.unknownHandle(where, `bind of ${r ? `memory ${show(memory)}` : `resource ${show(h)}`}`));
      return;
    }
    if (!this.ensureReserved(h!, r, t, where)) return;
    const off = typeof offset === 'number' && offset >= 0 && offset < WHOLE ? offset : 0;
    this.mapRange(r, 0, r.bytes, m, off, t, where);
  }

  private mapRange(r: Resource, at: number, bytes: number, m: Memory, memOffset: number, t: number, where: Location): void {
    if (memOffset + bytes > m.bytes) this.ctx.log.add(importerMessages.bindOutOfRange(where, `bind of ${bytes} bytes at memory offset ${memOffset}`, m.bytes, memOffset + bytes));
    const b = this.rows.builder;
    const i = b.addRow(Op.map, t, 1, r.va + at, bytes);
    b.cols.resource[i] = m.resource;
    b.cols.offsetBytes[i] = memOffset;
    this.rows.flush();
    r.bound.set(at, bytes);
  }

  private unmapRange(r: Resource, at: number, bytes: number, t: number): void {
    this.rows.builder.addRow(Op.unmap, t, 1, r.va + at, bytes);
    this.rows.flush();
    r.bound.delete(at);
  }

  private destroy(h: string | undefined, t: number): void {
    const r = h ? this.resources.get(h) : undefined;
    if (!r) return;
    this.resources.delete(h!);
    if (Number.isNaN(r.va)) return;
    for (const [at, bytes] of [...r.bound].sort((x, y) => x[0] - y[0])) this.unmapRange(r, at, bytes, t);
    this.rows.builder.addRow(Op.release, t, 1, r.va, r.bytes);
    this.rows.flush();
  }

  /** vkMapMemory(2): a marker of the mapped range (and with `mapAsCpuWrite` a CPU write of it). */
  private mapMemory(name: string, memory: unknown, offset: unknown, bytes: unknown, t: number, where: Location): void {
    const mem = handle(memory);
    if (this.skipZeroSized(mem, name, where)) return;
    const m = mem ? this.memories.get(mem) : undefined;
    if (!m) return;
    if (m.unknownType && !m.unknownType.mapped) m.unknownType.mapped = `${name} of memory ${mem} at line ${where.line}`;
    const off = typeof offset === 'number' && offset < m.bytes ? offset : 0;
    const size = typeof bytes === 'number' && bytes > 0 && bytes < WHOLE ? Math.min(bytes, m.bytes - off) : m.bytes - off;
    this.mapMarker(name, m, m.va + off, size, t);
    if (this.opts.mapAsCpuWrite) {
      const b = this.rows.builder;
      const j = b.addRow(Op.access, t, CPU, m.va + off, size);
      b.cols.access[j] = Access.w;
      b.cols.flags[j] = Flag.synthetic;
      this.rows.flush();
    }
  }

  /** vkUnmapMemory(2): a marker of the whole memory object. */
  private unmapMemory(name: string, memory: unknown, t: number, where: Location): void {
    const mem = handle(memory);
    if (this.skipZeroSized(mem, name, where)) return;
    const m = mem ? this.memories.get(mem) : undefined;
    if (m) this.mapMarker(name, m, m.va, m.bytes, t);
  }

  private mapMarker(name: string, m: Memory, va: number, bytes: number, t: number): void {
    const b = this.rows.builder;
    const i = b.addRow(Op.marker, t, CPU, va, bytes);
    b.cols.label[i] = this.ctx.strings.intern(name);
    b.cols.resource[i] = m.resource;
    this.rows.flush();
  }

  private bindSparse(a: Args, t: number, where: Location): void {
    for (const info of list(a.pBindInfo)) {
      for (const bb of [...list(info.pBufferBinds), ...list(info.pImageOpaqueBinds)]) {
        const h = handle(bb.buffer ?? bb.image);
        const r = h ? this.resources.get(h) : undefined;
        if (!r) {
          this.ctx.log.add(importerMessages.unknownHandle(where, `sparse bind of ${show(bb.buffer ?? bb.image)}`));
          continue;
        }
        if (!this.ensureReserved(h!, r, t, where)) continue;
        for (const bind of list(bb.pBinds)) {
          const at = Number(bind.resourceOffset);
          const size = bind.size;
          if (!(at >= 0) || !isSize(size)) {
            structural(this.ctx, importerMessages.badField({ ...where, field: 'pBinds.size' }, 'resourceOffset >= 0 and size > 0', `${show(bind.resourceOffset)}, ${show(size)}`));
            continue;
          }
          this.sparseOne(r, at, size as number, bind.memory, bind.memoryOffset, t, where);
        }
      }
      for (const ib of list(info.pImageBinds)) {
        const h = handle(ib.image);
        const r = h ? this.resources.get(h) : undefined;
        if (!r || !r.geometry) {
          this.ctx.log.add(r ? importerMessages.sizeUnknown(where, `image ${h} format (sparse image bind)`) : importerMessages.unknownHandle(where, `sparse image bind of ${show(ib.image)}`));
          continue;
        }
        if (!this.ensureReserved(h!, r, t, where)) continue;
        for (const bind of list(ib.pBinds)) {
          const sub = rec(bind.subresource) ?? {};
          const o = rec(bind.offset) ?? {};
          const e = rec(bind.extent) ?? {};
          const subres = { mipLevel: Number(sub.mipLevel) || 0, arrayLayer: Number(sub.arrayLayer) || 0 };
          const offset = { x: Number(o.x) || 0, y: Number(o.y) || 0, z: Number(o.z) || 0 };
          const extent = { width: Number(e.width) || 1, height: Number(e.height) || 1, depth: Number(e.depth) || 1 };
          const problem = imageBindProblem(r.geometry, subres, offset, extent);
          if (problem) {
            structural(this.ctx, importerMessages.badField({ ...where, field: 'pImageBinds.pBinds' }, 'a region inside the image (Vulkan VkSparseImageMemoryBind rules)', problem));
            continue;
          }
          const runs = imageBindRuns(r.geometry, subres, offset, extent);
          let memOff = typeof bind.memoryOffset === 'number' ? bind.memoryOffset : 0;
          for (const [at, bytes] of runs) {
            this.sparseOne(r, at, bytes, bind.memory, memOff, t, where);
            memOff += bytes;
          }
        }
      }
    }
  }

  private sparseOne(r: Resource, at: number, bytes: number, memory: unknown, memOffset: unknown, t: number, where: Location): void {
    if (at + bytes > r.bytes) this.ctx.log.add(importerMessages.bindOutOfRange(where, `sparse bind at resource offset ${at}`, r.bytes, at + bytes));
    const mem = handle(memory);
    if (!mem) {
      this.unmapRange(r, at, bytes, t); // NULL memory: unbind
      return;
    }
    if (this.skipZeroSized(mem, 'sparse bind', where)) return;
    const m = this.memories.get(mem);
    if (!m) {
      this.ctx.log.add(importerMessages.unknownHandle(where, `sparse bind to memory ${mem}`));
      return;
    }
    this.mapRange(r, at, bytes, m, typeof memOffset === 'number' ? memOffset : 0, t, where);
  }
}
