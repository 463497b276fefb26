/**
 * Open-addressing hash map from a non-negative integer key (< 2^53, e.g. a unit or VA-block index =
 * floor(va / unitBytes)) to a non-negative int32 value (a slot id). Linear probing with backward-shift
 * deletion (no tombstones), keys in a `Float64Array`, load factor ≤ 1/2, doubling growth. `get`/`set`/
 * `delete` allocate nothing except when the table grows (amortised, not per call).
 *
 * Why not `Map<number, number>`: per-event `Map` lookups box and hash doubles generically and dominate the
 * hot loop (architecture.md §8 rule 3/4).
 */
export class KeyMap {
  private keys: Float64Array;
  private vals: Int32Array;
  private mask: number;
  size = 0;

  constructor(initialCapacity = 1024) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.keys = new Float64Array(cap).fill(-1);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
  }

  private static hash(key: number): number {
    const lo = key >>> 0;
    const hi = (key / 4294967296) >>> 0;
    let h = Math.imul(lo ^ Math.imul(hi, 0x27d4eb2d), 0x9e3779b1);
    h ^= h >>> 15;
    h = Math.imul(h, 0x85ebca6b);
    return (h ^ (h >>> 13)) >>> 0;
  }

  /** Value for `key`, or -1. */
  get(key: number): number {
    const keys = this.keys;
    const mask = this.mask;
    let i = KeyMap.hash(key) & mask;
    for (;;) {
      const k = keys[i]!;
      if (k === key) return this.vals[i]!;
      if (k === -1) return -1;
      i = (i + 1) & mask;
    }
  }

  /** Insert or overwrite. */
  set(key: number, value: number): void {
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    const mask = this.mask;
    let i = KeyMap.hash(key) & mask;
    for (;;) {
      const k = keys[i]!;
      if (k === key) {
        this.vals[i] = value;
        return;
      }
      if (k === -1) {
        keys[i] = key;
        this.vals[i] = value;
        this.size++;
        return;
      }
      i = (i + 1) & mask;
    }
  }

  /** Remove `key`; returns its value or -1. */
  delete(key: number): number {
    const keys = this.keys;
    const vals = this.vals;
    const mask = this.mask;
    let i = KeyMap.hash(key) & mask;
    for (;;) {
      const k = keys[i]!;
      if (k === -1) return -1;
      if (k === key) break;
      i = (i + 1) & mask;
    }
    const v = vals[i]!;
    // backward-shift deletion
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const kj = keys[j]!;
      if (kj === -1) break;
      const h = KeyMap.hash(kj) & mask;
      // move kj into the hole at i if its home h is not in (i, j] cyclically
      if (i <= j ? h <= i || h > j : h <= i && h > j) {
        keys[i] = kj;
        vals[i] = vals[j]!;
        i = j;
      }
    }
    keys[i] = -1;
    this.size--;
    return v;
  }

  /** Visit every entry (order unspecified). Not for hot paths. */
  forEach(fn: (key: number, value: number) => void): void {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== -1) fn(keys[i]!, this.vals[i]!);
  }

  private grow(): void {
    const oldK = this.keys;
    const oldV = this.vals;
    const cap = oldK.length * 2;
    this.keys = new Float64Array(cap).fill(-1);
    this.vals = new Int32Array(cap);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < oldK.length; i++) if (oldK[i] !== -1) this.set(oldK[i]!, oldV[i]!);
  }
}

/**
 * A pool of integer ids 0..n-1 handed out from a free stack (ids are reused, lowest first after a reset).
 * `capacity` may grow via `ensure` (for tables sized on demand).
 */
export class IdPool {
  private free: Int32Array;
  private top = 0;
  private next = 0;
  constructor(private capacity: number) {
    this.free = new Int32Array(Math.max(1, capacity));
  }
  /** Ids currently handed out. */
  get used(): number {
    return this.next - this.top;
  }
  get limit(): number {
    return this.capacity;
  }
  /** A free id, or -1 when all `capacity` ids are in use. */
  take(): number {
    if (this.top > 0) return this.free[--this.top]!;
    if (this.next < this.capacity) return this.next++;
    return -1;
  }
  give(id: number): void {
    this.free[this.top++] = id;
  }
  /** Raise the capacity (never lowers it). */
  ensure(capacity: number): void {
    if (capacity <= this.capacity) return;
    const f = new Int32Array(capacity);
    f.set(this.free.subarray(0, this.top));
    this.free = f;
    this.capacity = capacity;
  }
}
