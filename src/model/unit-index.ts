/**
 * Maps a unit number (an integer key < 2^53, e.g. `floor(va / unitBytes)`) to a slot (int ≥ 0) of a
 * logical table. Hot path: `get` is called once per access row and per unit touched; no allocation.
 *
 * Two implementations (docs/architecture.md §8 rule 4), benchmarked in scripts/bench/unit-index.bench.ts:
 * - `HashUnitIndex`: open addressing with linear probing over a `Float64Array` of keys, backward-shift
 *   deletion (no tombstones), load ≤ 1/2.
 * - `RadixUnitIndex`: two levels: a `Map` from `floor(key / 4096)` to a 4096-entry `Int32Array` leaf, with a
 *   one-leaf cache. Dense, local access patterns hit the cache.
 * The default (`createUnitIndex`) is the one the benchmark picked; see docs/decisions.md.
 */
export interface UnitIndex {
  /** Slot of `key`, or -1. */
  get(key: number): number;
  /** Insert or replace. */
  set(key: number, slot: number): void;
  /** Remove `key`; returns whether it was present. */
  delete(key: number): boolean;
  /** Number of keys. */
  readonly size: number;
}

const EMPTY = -1;

/** Open-addressing hash index (linear probing, Fibonacci hashing of both 32-bit halves). */
export class HashUnitIndex implements UnitIndex {
  private keys: Float64Array;
  private vals: Int32Array;
  private mask: number;
  private shift: number;
  size = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.keys = new Float64Array(cap).fill(EMPTY);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
  }

  private home(key: number): number {
    const lo = key >>> 0;
    const hi = (key * 2.3283064365386963e-10) >>> 0; // key / 2^32, exact
    return Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1) >>> this.shift;
  }

  get(key: number): number {
    const keys = this.keys;
    const mask = this.mask;
    let i = this.home(key);
    for (;;) {
      const k = keys[i]!;
      if (k === key) return this.vals[i]!;
      if (k === EMPTY) return -1;
      i = (i + 1) & mask;
    }
  }

  set(key: number, slot: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    let i = this.home(key);
    for (;;) {
      const k = keys[i]!;
      if (k === key) {
        this.vals[i] = slot;
        return;
      }
      if (k === EMPTY) {
        keys[i] = key;
        this.vals[i] = slot;
        this.size++;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  /**
   * Counter use: add `delta` to the value of `key` (absent = 0) in one probe and return the new value; a
   * result of 0 removes the key. Lets a hash serve as a sparse counter map (page-table occupancy).
   */
  add(key: number, delta: number): number {
    const keys = this.keys;
    const mask = this.mask;
    let i = this.home(key);
    for (;;) {
      const k = keys[i]!;
      if (k === key) {
        const v = this.vals[i]! + delta;
        if (v === 0) this.delete(key);
        else this.vals[i] = v;
        return v;
      }
      if (k === EMPTY) break;
      i = (i + 1) & mask;
    }
    if (delta !== 0) this.set(key, delta);
    return delta;
  }

  delete(key: number): boolean {
    const keys = this.keys;
    const mask = this.mask;
    let i = this.home(key);
    for (;;) {
      const k = keys[i]!;
      if (k === EMPTY) return false;
      if (k === key) break;
      i = (i + 1) & mask;
    }
    // backward-shift deletion: move later members of the cluster into the hole when their home allows it
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const k = keys[j]!;
      if (k === EMPTY) break;
      const h = this.home(k);
      // can k move to hole? yes unless its home lies cyclically in (hole, j]
      const inRange = hole <= j ? h > hole && h <= j : h > hole || h <= j;
      if (!inRange) {
        keys[hole] = k;
        this.vals[hole] = this.vals[j]!;
        hole = j;
      }
    }
    keys[hole] = EMPTY;
    this.size--;
    return true;
  }

  private grow(): void {
    const oldK = this.keys;
    const oldV = this.vals;
    const cap = oldK.length * 2;
    this.keys = new Float64Array(cap).fill(EMPTY);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
    this.shift = 32 - Math.log2(cap);
    this.size = 0;
    for (let i = 0; i < oldK.length; i++) if (oldK[i] !== EMPTY) this.set(oldK[i]!, oldV[i]!);
  }
}

const LEAF_BITS = 12;
const LEAF = 1 << LEAF_BITS;

/** Two-level radix index with a one-leaf cache. Leaf entry `LEAF` counts the leaf's keys. */
export class RadixUnitIndex implements UnitIndex {
  private readonly leaves = new Map<number, Int32Array>();
  private lastHigh = -1;
  private lastLeaf: Int32Array | undefined;
  size = 0;

  private leaf(high: number): Int32Array | undefined {
    if (high === this.lastHigh) return this.lastLeaf;
    const l = this.leaves.get(high);
    if (l !== undefined) {
      this.lastHigh = high;
      this.lastLeaf = l;
    }
    return l;
  }

  get(key: number): number {
    const low = key % LEAF;
    const l = this.leaf((key - low) / LEAF);
    return l === undefined ? -1 : l[low]!;
  }

  set(key: number, slot: number): void {
    const low = key % LEAF;
    const high = (key - low) / LEAF;
    let l = this.leaf(high);
    if (l === undefined) {
      l = new Int32Array(LEAF + 1).fill(-1);
      l[LEAF] = 0;
      this.leaves.set(high, l);
      this.lastHigh = high;
      this.lastLeaf = l;
    }
    if (l[low] === -1) {
      l[LEAF]!++;
      this.size++;
    }
    l[low] = slot;
  }

  delete(key: number): boolean {
    const low = key % LEAF;
    const high = (key - low) / LEAF;
    const l = this.leaf(high);
    if (l === undefined || l[low] === -1) return false;
    l[low] = -1;
    this.size--;
    if (--l[LEAF]! === 0) {
      this.leaves.delete(high);
      if (this.lastHigh === high) {
        this.lastHigh = -1;
        this.lastLeaf = undefined;
      }
    }
    return true;
  }
}

const DLEAF_BITS = 12;
const DLEAF = 1 << DLEAF_BITS;
const INV_DLEAF = 1 / DLEAF; // exact: a power of two
/** Directory entries at most (2^18 leaves of 4096 units: 2^30 units, 4 TiB of 4 KiB units). */
const MAX_DIR = 1 << 18;
/** Up to this many leaves (64 MiB) the index never spills; above it, it spills when keys are this sparse. */
const SPILL_MIN_LEAVES = 4096;
const SPILL_MIN_KEYS_PER_LEAF = 64;
/**
 * Direct index for page-granular tables (issue 15: "direct or radix page index instead of hashing where the
 * address space allows"): a directory of 4096-entry leaves over a window of unit numbers, addressed by
 * arithmetic alone, and nothing rehashes as the table grows (a 2-million-unit run spent ~6 % of its time
 * rehashing the hash index). The leaves live in ONE `Int32Array` (`pool`), the directory is an `Int32Array` of
 * offsets into it, and offset 0 is a shared leaf of absent entries that is never written: `get` is two
 * typed-array loads and an add, with no per-leaf array object to reach (the leaf objects of a 2-million-unit
 * run were one more cache miss per lookup).
 * The window starts up to 4096 leaves below the first key and grows upward to `MAX_DIR` leaves; keys outside
 * it go to a `HashUnitIndex`. Memory is 16 KiB per touched leaf (the pool doubles when full); when keys turn
 * out sparse (more than 4096 leaves, 64 MiB, with fewer than 64 keys each on average) every key moves to the
 * hash and the window closes, so a scattered trace costs what the hash costs.
 */
export class DirectUnitIndex implements UnitIndex {
  /** Directory: pool offset of each leaf of the window (0: absent). Entries past `dirLen` are 0. */
  private dir = new Int32Array(64);
  private dirLen = 0;
  /**
   * Leaves, `DLEAF` entries each, holding slot + 1 (0: absent), so a new pool needs no fill pass (fresh memory
   * is zero); leaf 0 (offset 0) is the absent leaf, never written.
   */
  private pool = new Int32Array(DLEAF);
  private base = -1;
  private leaves = 0;
  private readonly far = new HashUnitIndex(64);
  private closed = false;
  size = 0;

  get(key: number): number {
    const high = Math.floor(key * INV_DLEAF);
    const d = high - this.base;
    if (d >= 0 && d < this.dirLen) return this.pool[this.dir[d]! + (key - high * DLEAF)]! - 1;
    return this.far.get(key);
  }

  set(key: number, slot: number): void {
    const high = Math.floor(key * INV_DLEAF);
    if (this.base < 0 && !this.closed) this.base = high - Math.min(high, 4096);
    const d = high - this.base;
    if (!this.closed && d >= 0 && d < MAX_DIR) {
      if (d >= this.dirLen) this.extendDir(d + 1);
      let off = this.dir[d]!;
      if (off === 0) off = this.newLeaf(d);
      const at = off + (key - high * DLEAF);
      if (this.pool[at] === 0) this.size++;
      this.pool[at] = slot + 1;
      if (this.leaves > SPILL_MIN_LEAVES && this.leaves * SPILL_MIN_KEYS_PER_LEAF > this.size) this.spill();
      return;
    }
    const before = this.far.size;
    this.far.set(key, slot);
    this.size += this.far.size - before;
  }

  delete(key: number): boolean {
    const high = Math.floor(key * INV_DLEAF);
    const d = high - this.base;
    if (d >= 0 && d < this.dirLen) {
      const off = this.dir[d]!;
      const at = off + (key - high * DLEAF);
      if (off === 0 || this.pool[at] === 0) return false;
      this.pool[at] = 0; // leaves stay allocated (a freed range is usually touched again)
      this.size--;
      return true;
    }
    if (!this.far.delete(key)) return false;
    this.size--;
    return true;
  }

  /**
   * The slots of the keys in `[u0, u1)` in key order, by walking the leaves (no sort), or undefined when some key
   * lives in the hash (the caller then sorts).
   */
  slotsInOrder(u0: number, u1: number): Int32Array | undefined {
    if (this.far.size > 0) return undefined;
    const out = new Int32Array(this.size);
    let n = 0;
    const pool = this.pool;
    const d0 = Math.max(0, Math.floor(u0 * INV_DLEAF) - this.base);
    const d1 = Math.min(this.dirLen - 1, Math.floor((u1 - 1) * INV_DLEAF) - this.base);
    for (let d = d0; d <= d1; d++) {
      const off = this.dir[d]!;
      if (off === 0) continue;
      const first = (this.base + d) * DLEAF;
      const lo = Math.max(0, u0 - first);
      const hi = Math.min(DLEAF, u1 - first);
      for (let low = lo; low < hi; low++) if (pool[off + low] !== 0) out[n++] = pool[off + low]! - 1;
    }
    return out.subarray(0, n);
  }

  /** Make the window `len` leaves long (new entries absent). */
  private extendDir(len: number): void {
    if (len > this.dir.length) {
      let cap = this.dir.length;
      while (cap < len) cap *= 2;
      const dir = new Int32Array(Math.min(cap, MAX_DIR));
      dir.set(this.dir);
      this.dir = dir;
    }
    this.dirLen = len;
  }

  /** Allocate the leaf of directory entry `d` (all absent) and return its offset. */
  private newLeaf(d: number): number {
    const off = (this.leaves + 1) * DLEAF;
    if (off + DLEAF > this.pool.length) {
      const pool = new Int32Array(Math.max(off + DLEAF, this.pool.length * 2));
      pool.set(this.pool);
      this.pool = pool;
    }
    this.dir[d] = off;
    this.leaves++;
    return off;
  }

  /** Move every windowed key to the hash and close the window (keys are too sparse for leaves). */
  private spill(): void {
    const pool = this.pool;
    for (let d = 0; d < this.dirLen; d++) {
      const off = this.dir[d]!;
      if (off === 0) continue;
      for (let low = 0; low < DLEAF; low++) if (pool[off + low] !== 0) this.far.set((this.base + d) * DLEAF + low, pool[off + low]! - 1);
    }
    this.dir = new Int32Array(0);
    this.dirLen = 0;
    this.pool = new Int32Array(DLEAF);
    this.closed = true;
    this.leaves = 0;
  }
}

/**
 * The index of a logical table keyed by unit numbers of one address space (GMEM's logical page table,
 * hmm-svm's pages): `DirectUnitIndex`.
 */
export function createPageIndex(): UnitIndex {
  return new DirectUnitIndex();
}

/** The unit index used by the logical table (see docs/decisions.md for the benchmark behind the choice). */
export function createUnitIndex(initialCapacity = 1024): UnitIndex {
  return new HashUnitIndex(initialCapacity);
}
