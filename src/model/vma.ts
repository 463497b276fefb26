import { IntervalSet } from './interval-set';

/**
 * The process's VMAs as Linux keeps them, for replaying reserve/map/unmap under GMEM (docs/gmem-model.md §11):
 * `mmap(MAP_FIXED)` over a range splits the VMAs its boundaries fall inside, replaces what it covers, and
 * merges with neighbours that touch it and carry the same tag (Linux merges adjacent anonymous VMAs with
 * equal flags); `munmap` splits and removes. Each split or merge is one `host.vmaSplitNs` for the caller.
 * Tags are caller-defined integers (e.g. PROT_NONE reservation vs peer-shared mapping).
 */
export interface VmaChange {
  /** VMA splits performed (a boundary strictly inside an existing VMA). */
  readonly splits: number;
  /** Merges with neighbours. */
  readonly merges: number;
}

export class VmaSet {
  private readonly set = new IntervalSet<number>();
  /** Highest VMA count seen. */
  peak = 0;

  /** Number of VMAs now. */
  get count(): number {
    return this.set.size;
  }

  /** Tag of the VMA containing `va`, or -1. */
  tagAt(va: number): number {
    return this.set.find(va)?.value ?? -1;
  }

  private cut(start: number, end: number): number {
    let splits = 0;
    for (const it of this.set.overlapping(start, end)) {
      this.set.remove(it.start);
      if (it.start < start) {
        this.set.insert(it.start, start, it.value);
        splits++;
      }
      if (it.end > end) {
        this.set.insert(end, it.end, it.value);
        splits++;
      }
    }
    return splits;
  }

  /** mmap(MAP_FIXED) of `[start, end)` with `tag`. */
  mmap(start: number, end: number, tag: number): VmaChange {
    const splits = this.cut(start, end);
    let merges = 0;
    let s = start;
    let e = end;
    const left = this.set.find(start - 1);
    if (left !== undefined && left.end === start && left.value === tag) {
      this.set.remove(left.start);
      s = left.start;
      merges++;
    }
    const right = this.set.at(end);
    if (right !== undefined && right.value === tag) {
      this.set.remove(right.start);
      e = right.end;
      merges++;
    }
    this.set.insert(s, e, tag);
    if (this.set.size > this.peak) this.peak = this.set.size;
    return { splits, merges };
  }

  /** munmap of `[start, end)` (parts not mapped are ignored, as in Linux). */
  munmap(start: number, end: number): VmaChange {
    const splits = this.cut(start, end);
    if (this.set.size > this.peak) this.peak = this.set.size;
    return { splits, merges: 0 };
  }
}
