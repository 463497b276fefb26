import type { Diagnostic } from './diagnostic';

/**
 * Collects diagnostics during an import or a run: counts every one by code and keeps the first `keepPerCode`
 * of each code in full (so a million identical warnings cost one counter, not a million objects).
 */
export class DiagnosticLog {
  private readonly counts = new Map<string, number>();
  private readonly kept = new Map<string, Diagnostic[]>();
  constructor(readonly keepPerCode = 5) {}

  add(d: Diagnostic): void {
    const n = (this.counts.get(d.code) ?? 0) + 1;
    this.counts.set(d.code, n);
    if (n <= this.keepPerCode) {
      let list = this.kept.get(d.code);
      if (!list) this.kept.set(d.code, (list = []));
      list.push(d);
    }
  }

  /**
   * Count `n` more diagnostics of `code` without keeping them (restoring a saved log: its kept examples
   * are re-added with `add`, the rest of each count with this).
   */
  addCount(code: string, n: number): void {
    if (n > 0) this.counts.set(code, (this.counts.get(code) ?? 0) + n);
  }

  /** Total diagnostics added (all codes). */
  get total(): number {
    let t = 0;
    for (const n of this.counts.values()) t += n;
    return t;
  }

  count(code: string): number {
    return this.counts.get(code) ?? 0;
  }

  /** Counts by code, keys sorted (deterministic for results and goldens). */
  countsByCode(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const k of [...this.counts.keys()].sort()) out[k] = this.counts.get(k)!;
    return out;
  }

  /** The first diagnostics of every code, in code order then arrival order. */
  examples(): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const k of [...this.kept.keys()].sort()) out.push(...this.kept.get(k)!);
    return out;
  }
}
