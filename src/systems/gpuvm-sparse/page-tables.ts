import { grown } from '../../io/typed-arrays';
import { createUnitIndex, type UnitIndex } from '../../model/unit-index';

/**
 * Occupancy of a radix device page table, to count the entries a bind or unbind writes at every level.
 * Level 0 tables cover `leafTableBytes` (2 MiB) of VA; level ℓ tables cover `leafTableBytes × entries^ℓ`;
 * the top level (`levels - 1`) is the root and always exists. A page of size P is an entry in the lowest
 * level whose entries are ≥ P (4 KiB and 64 KiB pages → level 0; 2 MiB → level 1; 1 GiB → level 2).
 * Creating a table writes one directory entry in its parent; freeing it clears that entry.
 */
export class RadixPageTable {
  private readonly span: number[];
  private readonly live: UnitIndex[];
  private readonly refs: Int32Array[];
  private readonly free: number[][];
  /** Page tables created / freed (each one directory-entry write). */
  created = 0;
  freed = 0;
  /** Live tables (root excluded). */
  liveTables = 0;

  constructor(readonly levels: number, readonly leafTableBytes: number, readonly entries: number) {
    this.span = [];
    for (let l = 0; l < levels; l++) this.span.push(leafTableBytes * entries ** l);
    this.live = this.span.map(() => createUnitIndex(64));
    this.refs = this.span.map(() => new Int32Array(64));
    this.free = this.span.map(() => []);
  }

  /** Level whose entries map pages of `pageBytes` (0 for ≤ one leaf-table entry). */
  leafLevel(pageBytes: number): number {
    let l = 0;
    while (l + 1 < this.levels - 1 && pageBytes >= this.span[l]!) l++;
    return l;
  }

  /**
   * Add `pages` entries of size `pageBytes` covering `[va, va + pages × pageBytes)`: returns the directory
   * entries written to create missing tables (the leaf entries themselves are the caller's count).
   */
  add(va: number, pageBytes: number, pages: number): number {
    return this.update(va, pageBytes, pages, true);
  }

  /** Remove entries as `add` added them: returns directory entries cleared for tables that became empty. */
  remove(va: number, pageBytes: number, pages: number): number {
    return this.update(va, pageBytes, pages, false);
  }

  /** `add` (`adding`) or `remove`: (un)reference each table of the leaf level the range touches. */
  private update(va: number, pageBytes: number, pages: number, adding: boolean): number {
    const L = this.leafLevel(pageBytes);
    let writes = 0;
    const span = this.span[L]!;
    const end = va + pages * pageBytes;
    for (let t = Math.floor(va / span); t * span < end; t++) {
      const a = Math.max(va, t * span);
      const e = Math.min(end, (t + 1) * span);
      const n = Math.ceil((e - a) / pageBytes);
      writes += adding ? this.ref(L, t, n) : this.unref(L, t, n);
    }
    return writes;
  }

  /** Reference table `t` of level `l` by `n` entries; creates it (and its ancestors) when new. */
  private ref(l: number, t: number, n: number): number {
    if (l >= this.levels - 1) return 0; // the root always exists
    const idx = this.live[l]!;
    let s = idx.get(t);
    let writes = 0;
    if (s < 0) {
      s = this.free[l]!.pop() ?? idx.size;
      if (s >= this.refs[l]!.length) this.refs[l] = grown(this.refs[l]!, this.refs[l]!.length * 2);
      idx.set(t, s);
      this.refs[l]![s] = 0;
      this.created++;
      this.liveTables++;
      writes = 1 + this.ref(l + 1, Math.floor(t / this.entries), 1);
    }
    this.refs[l]![s]! += n;
    return writes;
  }

  private unref(l: number, t: number, n: number): number {
    if (l >= this.levels - 1) return 0;
    const idx = this.live[l]!;
    const s = idx.get(t);
    if (s < 0) return 0;
    this.refs[l]![s]! -= n;
    if (this.refs[l]![s]! > 0) return 0;
    idx.delete(t);
    this.free[l]!.push(s);
    this.freed++;
    this.liveTables--;
    return 1 + this.unref(l + 1, Math.floor(t / this.entries), 1);
  }
}
