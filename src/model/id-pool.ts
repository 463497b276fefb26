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
