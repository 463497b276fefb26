/**
 * A device's registered memory as a pool of equal frames (docs/gmem-model.md §1: `gm_dev_register_physmem`
 * creates one record per device page, all free; the model keeps `capacityBytes / unitBytes` frames).
 * Allocation is a LIFO free stack (order-0, deterministic). Each frame records what occupies it: a
 * logical-table slot (≥ 0), `FREE` or `WIRED` (page-table pages and other kernel-owned memory, never evicted).
 */
export const FREE = -1;
export const WIRED = -2;

export class FramePool {
  /** Per frame: occupying slot, `FREE` or `WIRED`. */
  readonly holder: Int32Array;
  private readonly freeStack: Int32Array;
  private freeTop: number;
  /** Frames holding wired memory. */
  wired = 0;

  constructor(readonly frames: number) {
    this.holder = new Int32Array(frames).fill(FREE);
    this.freeStack = new Int32Array(frames);
    // frame 0 is handed out first
    for (let i = 0; i < frames; i++) this.freeStack[i] = frames - 1 - i;
    this.freeTop = frames;
  }

  /** Free frames. */
  get free(): number {
    return this.freeTop;
  }

  /** Frames in use (data + wired). */
  get used(): number {
    return this.frames - this.freeTop;
  }

  /** Take a free frame for `holder` (a slot, or `WIRED`); -1 when none is free. */
  alloc(holder: number): number {
    if (this.freeTop === 0) return -1;
    const f = this.freeStack[--this.freeTop]!;
    this.holder[f] = holder;
    if (holder === WIRED) this.wired++;
    return f;
  }

  /** Return frame `f` to the pool. */
  release(f: number): void {
    if (this.holder[f] === WIRED) this.wired--;
    this.holder[f] = FREE;
    this.freeStack[this.freeTop++] = f;
  }
}
