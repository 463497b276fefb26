/** `links[2s]` of a slot that is not in the list (a member's is its newer neighbour or -1). */
const OUT = -2;

/**
 * A doubly linked list over slot ids 0..n-1 with intrusive links (libCacheSim `queue.prev/next`): O(1) push,
 * remove and move, no allocation after construction. `head` is the newest end, `tail` the oldest. -1 = none.
 *
 * Layout (array of structs, docs/architecture.md §8): one `Int32Array` with two entries per slot,
 * `links[2s]` = the newer neighbour (`prev`), `links[2s + 1]` = the older one (`next`), and `OUT` (-2) in
 * `links[2s]` for a slot outside the list — so membership, both links and the move of a touched slot read one
 * cache line per slot instead of three arrays (the recency update of an LRU hit is memory-bound).
 */
/** What `oldestEvictable` reads of a policy's environment (the part of `PolicyEnv` it needs; types.ts imports this file). */
export interface EvictableView {
  isEvictable(slot: number): boolean;
  evictableEpoch?(): number;
}

export class IntrusiveList {
  readonly links: Int32Array;
  head = -1;
  tail = -1;
  length = 0;
  /**
   * A member slot whose older side (tail side) `oldestEvictable` found unevictable, or -1. When it leaves its
   * place (removed, or moved to the head) it passes to its newer neighbour, which keeps the claim true: the
   * slots older than that neighbour are the same ones.
   */
  mark = -1;
  /** `env.evictableEpoch()` when `mark` was set. */
  private markEpoch = -1;

  constructor(slots: number) {
    this.links = new Int32Array(2 * slots).fill(-1);
    for (let s = 0; s < slots; s++) this.links[2 * s] = OUT;
  }

  /** Whether `s` is in the list. */
  has(s: number): boolean {
    return this.links[2 * s] !== OUT;
  }

  /** The newer neighbour of member `s` (-1 at the head). */
  prevOf(s: number): number {
    return this.links[2 * s]!;
  }

  /** The older neighbour of member `s` (-1 at the tail). */
  nextOf(s: number): number {
    return this.links[2 * s + 1]!;
  }

  /** Insert `s` at the head (newest). `s` must not be a member. */
  pushHead(s: number): void {
    const l = this.links;
    const h = this.head;
    l[2 * s] = -1;
    l[2 * s + 1] = h;
    if (h !== -1) l[2 * h] = s;
    else this.tail = s;
    this.head = s;
    this.length++;
  }

  /** Unlink `s` if it is a member. */
  remove(s: number): void {
    const l = this.links;
    const p = l[2 * s]!;
    if (p === OUT) return;
    const n = l[2 * s + 1]!;
    if (s === this.mark) this.mark = p;
    if (p !== -1) l[2 * p + 1] = n;
    else this.head = n;
    if (n !== -1) l[2 * n] = p;
    else this.tail = p;
    l[2 * s] = OUT;
    l[2 * s + 1] = -1;
    this.length--;
  }

  /** Move `s` to the head (a non-member is pushed). Relinks in place: no membership or length updates. */
  moveToHead(s: number): void {
    const h = this.head;
    if (h === s) return;
    const l = this.links;
    const p = l[2 * s]!;
    if (p === OUT) {
      this.pushHead(s);
      return;
    }
    // a member that is not the head has a newer neighbour
    const n = l[2 * s + 1]!;
    if (s === this.mark) this.mark = p;
    l[2 * p + 1] = n;
    if (n !== -1) l[2 * n] = p;
    else this.tail = p;
    l[2 * s] = -1;
    l[2 * s + 1] = h;
    l[2 * h] = s;
    this.head = s;
  }

  /** Move member `s` to the head; nothing for a non-member (an LRU touch). */
  touch(s: number): void {
    if (this.links[2 * s] !== OUT) this.moveToHead(s);
  }

  /**
   * The oldest member `env.isEvictable` accepts (-1: none) — the victim of the policies that keep one recency
   * list (`ListOrderPolicy`, GMEM's driver order). With `env.evictableEpoch` the walk starts at `mark`: every
   * older slot was found unevictable by an earlier walk and nothing became evictable since, so the victim is
   * the same without walking a long unevictable prefix (pinned or WILLNEED units) again on every eviction.
   */
  oldestEvictable(env: EvictableView): number {
    const epoch = env.evictableEpoch?.();
    let s = this.tail;
    if (epoch !== undefined && epoch === this.markEpoch && this.mark !== -1) s = this.mark;
    const l = this.links;
    for (; s !== -1; s = l[2 * s]!) {
      if (env.isEvictable(s)) {
        if (epoch !== undefined) {
          this.mark = s;
          this.markEpoch = epoch;
        }
        return s;
      }
    }
    return -1;
  }
}
