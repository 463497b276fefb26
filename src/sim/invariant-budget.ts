/**
 * Visits a full invariant check may cost after every row. A model's full check (`SystemModel.checkInvariants`, debug
 * runs only) visits every live unit or block, so on a large address space checking after every row made short
 * traces take minutes (uvm: page-mix's 32,768 blocks, a 500-row trace 42 s; gmem at 4 KiB units: an Nsight export
 * with 41 GB of cudaMalloc'd buffers, a 119-row trace 237 s against 10 s without the checks).
 */
export const INVARIANT_VISITS_PER_ROW = 1 << 16;

/**
 * When a model runs its full invariant check: after every row while the check costs at most
 * `INVARIANT_VISITS_PER_ROW` visits (every test trace), else once the rows since the last check have earned its cost —
 * and always the call after `finish` (`checkAllNext`). One per model state; deterministic (counts rows, not time).
 */
export class InvariantBudget {
  private credit = 0;
  private all = false;
  /** Full checks run so far. */
  fullChecks = 0;

  /** The next call of `due` says yes whatever the cost (the engine's check after `finish`). */
  checkAllNext(): void {
    this.all = true;
  }

  /** Called once per row: whether the full check, costing `visits`, runs now (then it is counted). */
  due(visits: number): boolean {
    this.credit += INVARIANT_VISITS_PER_ROW;
    if (visits > this.credit && !this.all) return false;
    this.credit = 0;
    this.all = false;
    this.fullChecks++;
    return true;
  }
}
