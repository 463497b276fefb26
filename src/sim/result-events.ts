/**
 * Modelled outcomes worth listing individually (docs/architecture.md §6): each with time, agent, address and
 * reason. Counted in full; the first `keep` are kept as objects.
 */
export type ResultEventKind = 'oom' | 'fault-error' | 'cross-device' | 'data-loss' | 'hmadvise-error' | 'alloc-error';

export interface ResultEvent {
  readonly kind: ResultEventKind;
  /** Simulated time, ns. */
  readonly tNs: number;
  /** Agent code (0 = cpu, N+1 = devN). */
  readonly agent: number;
  readonly va: number;
  readonly reason: string;
}

export class ResultEventLog {
  readonly kept: ResultEvent[] = [];
  private readonly counts = new Map<ResultEventKind, number>();
  constructor(readonly keep = 1000) {}

  add(kind: ResultEventKind, tNs: number, agent: number, va: number, reason: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    if (this.kept.length < this.keep) this.kept.push({ kind, tNs, agent, va, reason });
  }

  count(kind: ResultEventKind): number {
    return this.counts.get(kind) ?? 0;
  }

  countsByKind(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const k of [...this.counts.keys()].sort()) out[k] = this.counts.get(k)!;
    return out;
  }
}
