import type { Diagnostic } from '../log/diagnostic';
import type { EventBatch } from './batch';
import { TraceDigest } from './digest';
import { agentName, NO_AGENT, Op, OP_COUNT, OP_CSV_NAMES } from './event';
import { FootprintTracker } from './footprint';
import type { Trace, TraceMeta, TraceReader } from './trace';

const OP_ACCESS = Op.access;
const NOT_GIVEN = NO_AGENT; // module-local: imported bindings are getters under tsx

/**
 * What `inspect` and `import` print, and what notebooks get as plain data: one streaming pass over a
 * trace. Ops use their canonical CSV names; agents their names (`cpu`, `dev0`, …).
 */
export interface TraceSummary {
  readonly name: string;
  readonly events: number;
  /** Events per op, only ops that occur, in op-code order. */
  readonly eventsByOp: Readonly<Record<string, number>>;
  /** Access rows weighted by `count`. */
  readonly accesses: number;
  /** Agents that appear as `agent` or `target`, in code order (`cpu` first). */
  readonly agents: readonly string[];
  /** Events issued per agent (`agent` column). */
  readonly eventsByAgent: Readonly<Record<string, number>>;
  /** Lowest address and end of the highest range (`va + bytes`, or `va` without bytes); null without addresses. */
  readonly vaSpan: { readonly minVa: number; readonly endVa: number; readonly bytes: number } | null;
  /** First and last `t_ns`; null for an empty trace. */
  readonly timeSpan: { readonly firstNs: number; readonly lastNs: number; readonly durationNs: number } | null;
  /** Trace footprint (docs/cli.md §3): peak live device-accessible bytes, each allocation rounded up to 2 MiB. */
  readonly footprintBytes: number;
  /** `TraceDigest` of the events (the `traceDigest` of results). */
  readonly digest: string;
  readonly meta: TraceMeta;
  /** Diagnostic counts by code (import problems skipped in lenient mode, semantic warnings). */
  readonly warnings: Readonly<Record<string, number>>;
  /** The first diagnostics of each code. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Accumulates a `TraceSummary` batch by batch (use it beside another consumer of the same pass). */
export class TraceSummarizer {
  private readonly byOp = new Float64Array(OP_COUNT);
  private readonly byAgent = new Map<number, number>();
  /** Agents seen as `target`, by code. */
  private readonly targets = new Uint8Array(65536);
  private readonly footprint = new FootprintTracker();
  private readonly digest = new TraceDigest();
  private events = 0;
  private accesses = 0;
  private minVa = Infinity;
  private endVa = -Infinity;
  private firstNs = NaN;
  private lastNs = NaN;

  update(b: EventBatch): void {
    const { op, agent, target, va, bytes, tNs, count } = b;
    const n = b.length;
    if (n === 0) return;
    if (this.events === 0) this.firstNs = tNs[0]!;
    this.lastNs = tNs[n - 1]!;
    this.events += n;
    let lastAgent = -1;
    let agentRun = 0;
    for (let i = 0; i < n; i++) {
      const o = op[i]!;
      this.byOp[o]!++;
      if (o === OP_ACCESS) this.accesses += count[i]!;
      const a = agent[i]!;
      if (a !== lastAgent) {
        if (agentRun) this.byAgent.set(lastAgent, (this.byAgent.get(lastAgent) ?? 0) + agentRun);
        lastAgent = a;
        agentRun = 0;
      }
      agentRun++;
      const t = target[i]!;
      if (t !== NOT_GIVEN) this.targets[t] = 1;
      const v = va[i]!;
      if (v === v) {
        if (v < this.minVa) this.minVa = v;
        const s = bytes[i]!;
        const e = s === s ? v + s : v;
        if (e > this.endVa) this.endVa = e;
      }
    }
    if (agentRun) this.byAgent.set(lastAgent, (this.byAgent.get(lastAgent) ?? 0) + agentRun);
    this.footprint.update(b);
    this.digest.update(b);
  }

  /** The summary, once every batch has been seen; `reader` supplies metadata and diagnostics. */
  result(name: string, reader: Pick<TraceReader, 'meta' | 'log'>): TraceSummary {
    const eventsByOp: Record<string, number> = {};
    for (let o = 0; o < OP_COUNT; o++) if (this.byOp[o]) eventsByOp[OP_CSV_NAMES[o]!] = this.byOp[o]!;
    const seen = new Set(this.byAgent.keys());
    for (let t = 0; t < this.targets.length; t++) if (this.targets[t]) seen.add(t);
    const codes = [...seen].sort((a, b) => a - b);
    const eventsByAgent: Record<string, number> = {};
    for (const a of [...this.byAgent.keys()].sort((x, y) => x - y)) eventsByAgent[agentName(a)] = this.byAgent.get(a)!;
    return {
      name,
      events: this.events,
      eventsByOp,
      accesses: this.accesses,
      agents: codes.map(agentName),
      eventsByAgent,
      vaSpan: this.minVa <= this.endVa ? { minVa: this.minVa, endVa: this.endVa, bytes: this.endVa - this.minVa } : null,
      timeSpan: this.events ? { firstNs: this.firstNs, lastNs: this.lastNs, durationNs: this.lastNs - this.firstNs } : null,
      footprintBytes: this.footprint.peakBytes,
      digest: this.digest.digest(),
      meta: { ...reader.meta },
      warnings: reader.log.countsByCode(),
      diagnostics: reader.log.examples(),
    };
  }
}

/** Summarise a trace in one streaming pass. */
export async function summarizeTrace(trace: Trace): Promise<TraceSummary> {
  const reader = trace.read();
  const s = new TraceSummarizer();
  for await (const b of reader) s.update(b);
  return s.result(trace.name, reader);
}
