/**
 * Cooperative interruption for importer loops that run long without I/O (a pickle decoded from memory, a
 * snapshot mapped entry by entry). Node delivers SIGINT/SIGTERM on the event loop, so a synchronous loop
 * never sees them: every `everySteps` steps the loop calls `pause()`, which throws the abort reason when the
 * signal is aborted and otherwise yields one event-loop turn (so the CLI's signal handler can run, abort the
 * signal, or exit), then checks again. Counting steps, not wall time, keeps the behaviour deterministic.
 */

/** Steps between two pauses (at ~10–50 ns per step: a turn of the event loop every few milliseconds). */
export const CHECK_EVERY_STEPS = 1 << 16;

export class Checkpoint {
  /** Steps counted so far (`tick` calls). */
  steps = 0;
  private next: number;
  constructor(
    readonly signal?: AbortSignal,
    readonly everySteps: number = CHECK_EVERY_STEPS,
  ) {
    this.next = everySteps;
  }

  /** Count `n` steps; true when a `pause()` is due (call it, then carry on). */
  tick(n = 1): boolean {
    this.steps += n;
    if (this.steps < this.next) return false;
    this.next = this.steps + this.everySteps;
    return true;
  }

  /** Throw the abort reason if aborted; otherwise yield one event-loop turn and check again. */
  async pause(): Promise<void> {
    this.check();
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.check();
  }

  /** Throw the abort reason if the signal is aborted. */
  check(): void {
    const s = this.signal;
    if (s !== undefined && s.aborted) throw s.reason ?? new Error('aborted');
  }
}
