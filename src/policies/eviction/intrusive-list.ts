/**
 * A doubly linked list over slot ids 0..n-1 with intrusive `prev`/`next` Int32Arrays (libCacheSim
 * `queue.prev/next`): O(1) push, remove and move, no allocation after construction. `head` is the newest
 * end, `tail` the oldest. -1 = none.
 */
export class IntrusiveList {
  readonly prev: Int32Array;
  readonly next: Int32Array;
  /** 1 when the slot is in the list. */
  readonly member: Uint8Array;
  head = -1;
  tail = -1;
  length = 0;

  constructor(slots: number) {
    this.prev = new Int32Array(slots).fill(-1);
    this.next = new Int32Array(slots).fill(-1);
    this.member = new Uint8Array(slots);
  }

  /** Insert `s` at the head (newest). `s` must not be a member. */
  pushHead(s: number): void {
    this.prev[s] = -1;
    this.next[s] = this.head;
    if (this.head !== -1) this.prev[this.head] = s;
    else this.tail = s;
    this.head = s;
    this.member[s] = 1;
    this.length++;
  }

  /** Unlink `s` if it is a member. */
  remove(s: number): void {
    if (this.member[s] === 0) return;
    const p = this.prev[s]!;
    const n = this.next[s]!;
    if (p !== -1) this.next[p] = n;
    else this.head = n;
    if (n !== -1) this.prev[n] = p;
    else this.tail = p;
    this.prev[s] = -1;
    this.next[s] = -1;
    this.member[s] = 0;
    this.length--;
  }

  /** Move `s` to the head (a non-member is pushed). Relinks in place: no membership or length updates. */
  moveToHead(s: number): void {
    const h = this.head;
    if (h === s) return;
    if (this.member[s] === 0) {
      this.pushHead(s);
      return;
    }
    const prev = this.prev;
    const next = this.next;
    const p = prev[s]!; // a member that is not the head has a predecessor
    const n = next[s]!;
    next[p] = n;
    if (n !== -1) prev[n] = p;
    else this.tail = p;
    prev[s] = -1;
    next[s] = h;
    prev[h] = s;
    this.head = s;
  }
}
