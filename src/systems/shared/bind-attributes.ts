import * as ev from '../../trace/event';

const { Flag } = ev;

/**
 * The one rule for which bind attributes a device-independent `mmap()` (GMEM's interface: mmap with
 * MAP_FIXED | MAP_PEER_SHARED, mprotect, hmadvise) cannot express (docs/systems.md §gpuvm-sparse "What mmap
 * cannot express"). Every attribute is counted on its own; a bind is inexpressible when it carries one of:
 * - `null`: sparse residency — reads return zero and writes are dropped, with no memory behind the range
 *   (Vulkan residencyNonResidentStrict; DRM_XE_VM_BIND_FLAG_NULL; AMDGPU_PTE_PRT);
 * - `compressed`: a PTE kind / compression bit (device-specific PTE encoding);
 * - `aliased`: the same byte range of one backing object bound at a second VA (or the row's `aliased` flag)
 *   — an anonymous peer-shared mapping cannot appear at two addresses.
 * Counted but expressible: `readonly` (mprotect PROT_READ) and page sizes other than 4 KiB / 2 MiB (the page
 * size is the driver's choice from alignment and contiguity — xe_pt_hugepte_possible, amdgpu fragments — as
 * arm64 contiguous PTEs / mTHP are the kernel's, not an mmap argument).
 */
export const BindAttr = { null: 1, compressed: 2, readonly: 4, aliased: 8, pageSize: 16 } as const;
export const INEXPRESSIBLE_ATTRS = BindAttr.null | BindAttr.compressed | BindAttr.aliased;

/** Attribute bits of one bind (`aliased`: the caller's overlap check, see `ResourceExtents`). */
export function bindAttributes(flags: number, aliased: boolean, pageBytes: number): number {
  let a = 0;
  if (flags & Flag.null) a |= BindAttr.null;
  if (flags & Flag.compressed) a |= BindAttr.compressed;
  if (flags & Flag.readonly) a |= BindAttr.readonly;
  if (aliased || (flags & Flag.aliased) !== 0) a |= BindAttr.aliased;
  if (!Number.isNaN(pageBytes) && pageBytes !== 4096 && pageBytes !== 2 * 1024 * 1024) a |= BindAttr.pageSize;
  return a;
}

/**
 * Live bound byte ranges of each backing object (`resource` id → [offset, end) intervals, duplicates allowed
 * for aliases): a bind aliases when its range of the object overlaps one already bound. Two distinct 64 KiB
 * slots of one pool object do not alias. Intervals are kept per resource in flat arrays (scanned linearly:
 * a resource holds at most a few hundred live binds in the traces this serves).
 */
export class ResourceExtents {
  private readonly byRes = new Map<number, number[]>();

  /** Record `[offset, offset + bytes)` of `resource` as bound; true if it overlapped a live bound range. */
  add(resource: number, offset: number, bytes: number): boolean {
    if (resource === 0) return false;
    const o = Number.isNaN(offset) ? 0 : offset;
    let list = this.byRes.get(resource);
    if (list === undefined) this.byRes.set(resource, (list = []));
    let overlap = false;
    for (let k = 0; k < list.length; k += 2) if (list[k]! < o + bytes && o < list[k + 1]!) overlap = true;
    list.push(o, o + bytes);
    return overlap;
  }

  /** Remove `[offset, offset + bytes)` from one live interval of `resource` that contains it (splitting it). */
  remove(resource: number, offset: number, bytes: number): void {
    if (resource === 0) return;
    const o = Number.isNaN(offset) ? 0 : offset;
    const list = this.byRes.get(resource);
    if (list === undefined) return;
    const e = o + bytes;
    for (let k = 0; k < list.length; k += 2) {
      const s = list[k]!;
      const t = list[k + 1]!;
      if (s > o || t < e) continue;
      list.splice(k, 2);
      if (s < o) list.push(s, o);
      if (e < t) list.push(e, t);
      if (list.length === 0) this.byRes.delete(resource);
      return;
    }
  }
}
