/**
 * The order a pool hands tasks out in: longest first (LPT list scheduling), with the length of a task
 * estimated as `cost × rate(class)`. `cost` is a static size (a sweep run: its trace's events); the rate —
 * time per unit of cost — is learned from the tasks of the same class that have finished (a sweep run's
 * class: its system item, whose time per event differs several-fold between systems: gmem-paper vs
 * gmem-linux on one trace, 3–10×). Before a class has a finished task it is assumed as slow as the slowest
 * known class (so unexplored classes start early, and their rate is learned early); before anything has
 * finished every class has rate 1, i.e. plain cost order. Ties go to the lower index.
 *
 * Why: with event counts alone, the runs of a slow system on a small trace are dealt last and one thread
 * finishes them while the other idles (the lead's measurement, docs/decisions.md "Sweep speed-up goal").
 * Results never depend on the order; only the finish time does.
 *
 * Picking is O(classes): within a class the order by cost is fixed (the rate is a common factor), so each
 * class keeps its tasks sorted once and the pick compares the classes' heads.
 */
export class CostSchedule {
  private readonly lists: number[][] = [];
  private readonly heads: number[] = [];
  private readonly classOf: Int32Array;
  private readonly costs: Float64Array;
  private readonly msSum: number[] = [];
  private readonly costSum: number[] = [];
  /** Sum of the costs of each class's tasks not yet handed out. */
  private readonly pendingCost: number[] = [];
  private pending: number;

  /**
   * @param n tasks 0 … n − 1
   * @param cost static size of task i (not finite or negative: 0); without it, all equal (index order)
   * @param costClass the class of task i (tasks of one class share a learned rate); without it, one class
   */
  constructor(n: number, cost?: (index: number) => number, costClass?: (index: number) => string) {
    this.classOf = new Int32Array(n);
    this.costs = new Float64Array(n);
    this.pending = n;
    const ids = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const v = cost ? cost(i) : 0;
      this.costs[i] = Number.isFinite(v) && v > 0 ? v : 0;
      const key = costClass ? costClass(i) : '';
      let c = ids.get(key);
      if (c === undefined) {
        c = this.lists.length;
        ids.set(key, c);
        this.lists.push([]);
        this.heads.push(0);
        this.msSum.push(0);
        this.costSum.push(0);
        this.pendingCost.push(0);
      }
      this.classOf[i] = c;
      this.lists[c]!.push(i);
      this.pendingCost[c]! += this.costs[i]!;
    }
    for (const l of this.lists) l.sort((a, b) => this.costs[b]! - this.costs[a]! || a - b);
  }

  /** Tasks not yet handed out. */
  get remaining(): number {
    return this.pending;
  }

  /** The next task to hand out (the longest estimated), or undefined when all have been. */
  next(): number | undefined {
    const best = this.peek();
    if (best === undefined) return undefined;
    const c = this.classOf[best]!;
    this.heads[c]!++;
    this.pendingCost[c]! -= this.costs[best]!;
    this.pending--;
    return best;
  }

  /**
   * Whether a thread that is busy should already be given the next task to hold in its queue: only while the
   * estimated work of the other remaining tasks is at least `threads` times the next task's, so the other
   * threads stay busy until the holder gets to it. Near the end a held task would wait behind a running one
   * while another thread, having taken the small tasks left, idles (the example sweep: 0.3 s of a 3 s run).
   */
  worthHolding(threads: number): boolean {
    const i = this.peek();
    if (i === undefined) return false;
    const unknown = this.slowestRate();
    const next = this.costs[i]! * this.rate(this.classOf[i]!, unknown);
    let total = 0;
    for (let c = 0; c < this.lists.length; c++) total += this.pendingCost[c]! * this.rate(c, unknown);
    return total - next >= threads * next;
  }

  /** The task `next` would hand out, or undefined. */
  private peek(): number | undefined {
    if (this.pending === 0) return undefined;
    const unknown = this.slowestRate();
    let best = -1;
    let bestEst = -1;
    for (let c = 0; c < this.lists.length; c++) {
      const l = this.lists[c]!;
      const h = this.heads[c]!;
      if (h >= l.length) continue;
      const i = l[h]!;
      const est = this.costs[i]! * this.rate(c, unknown);
      if (est > bestEst || (est === bestEst && i < best)) {
        best = i;
        bestEst = est;
      }
    }
    return best;
  }

  /** Task `index` took `ms` (any time unit, the same for every task): its class's rate is updated. */
  finished(index: number, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const c = this.classOf[index]!;
    this.msSum[c]! += ms;
    this.costSum[c]! += this.costs[index]!;
  }

  /** Estimated time per unit of cost of class `c` (learned; `unknown` when none of its tasks has finished). */
  private rate(c: number, unknown: number): number {
    const cs = this.costSum[c]!;
    return cs > 0 ? this.msSum[c]! / cs : unknown;
  }

  private slowestRate(): number {
    let r = 0;
    for (let c = 0; c < this.lists.length; c++) if (this.costSum[c]! > 0) r = Math.max(r, this.msSum[c]! / this.costSum[c]!);
    return r > 0 ? r : 1;
  }
}
