import { defaultInstanceTrace } from '../analysis/default-trace';
import { loadReference, REFERENCE_DIR, type ReferenceName, type ReferenceTable } from '../analysis/reference';
import { hashOf, stableStringify } from '../io/hash';
import { run } from '../run/run';
import type { RunSpec } from '../run/run-spec';
import type { RunResult } from '../sim/run-types';
import { FootprintTracker } from '../trace/footprint';
import { collectBatches, memoryTrace, rememberingScans, type Trace } from '../trace/trace';
import { KiB } from '../units';
import { defaultInstanceParams, generatedInstanceParams } from '../workloads/defaults';
import type { WorkloadParamInput } from '../workloads/params';
import { workloadTrace } from '../workloads/trace';
import type { WorkloadId } from '../workloads/types';

/**
 * Scale of the traces behind the figures:
 * - `quick`: the smallest inputs that still exercise every figure (tests; seconds);
 * - `default`: scaled-down inputs (the notebooks and `gmemlab figures`; well under a minute);
 * - `full`: the larger inputs of `gmemlab figures --full` / `fullScale()` (minutes).
 * Each figure states in its `method` which inputs a scale means.
 */
export type FigureScale = 'quick' | 'default' | 'full';

/** Options of `computeFigures` and of a `FigureContext`. */
export interface FigureOptions {
  readonly scale?: FigureScale;
  /** Check model invariants after every event (slow; default false: the invariants are tested elsewhere). */
  readonly debug?: boolean;
  /** Folder of the reference tables (default datasets/reference). */
  readonly referenceDir?: string;
  /** Called after every simulation run (progress lines). */
  readonly onRun?: (label: string, wallMs: number) => void;
}

/** A workload trace held in memory, with the facts the figures need. */
export interface FigureTrace {
  /** Unique key of this trace in its context (workload, parameters and seed; or the custom key). */
  readonly key: string;
  readonly trace: Trace;
  /** Workload id and resolved-as-given parameters (what the figure's tables show). */
  readonly workload: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** Peak live device-accessible bytes, each allocation rounded up to 4 KiB (the data footprint). */
  readonly pageFootprintBytes: number;
}

/**
 * Shared state of one figure computation: workload traces generated once and held in memory (a generator costs
 * far more than replaying its rows), and runs cached by (trace, run spec) so figures that share a run (the
 * ISCA'19 no-oversubscription TBN baseline, the ml-train runs) simulate it once. Every number a figure reports
 * comes from `run()` on these traces; `specHash` of each result identifies it.
 */
export class FigureContext {
  readonly scale: FigureScale;
  readonly debug: boolean;
  readonly referenceDir: string;
  private readonly traces = new Map<string, Promise<FigureTrace>>();
  private readonly runs = new Map<string, Promise<RunResult>>();
  private readonly refs = new Map<string, ReferenceTable<ReferenceName>>();
  private readonly onRun: FigureOptions['onRun'];
  /** Simulation runs performed (cache hits excluded). */
  runCount = 0;

  constructor(opts: FigureOptions = {}) {
    this.scale = opts.scale ?? 'default';
    this.debug = opts.debug ?? false;
    this.referenceDir = opts.referenceDir ?? REFERENCE_DIR;
    this.onRun = opts.onRun;
  }

  /** Pick the value for the current scale. */
  pick<T>(byScale: Readonly<Record<FigureScale, T>>): T {
    return byScale[this.scale];
  }

  /** A reference table (loaded once per context). */
  reference<N extends ReferenceName>(name: N): ReferenceTable<N> {
    let t = this.refs.get(name);
    if (!t) {
      t = loadReference(name, this.referenceDir) as unknown as ReferenceTable<ReferenceName>;
      this.refs.set(name, t);
    }
    return t as unknown as ReferenceTable<N>;
  }

  /** Workload `id` with `params` and `seed`, generated once and kept in memory. */
  workload(id: string, params: WorkloadParamInput = {}, seed = 0): Promise<FigureTrace> {
    return this.held(`${id}|${stableStringify(params)}|${seed}`, id, { ...params }, async () => workloadTrace(id, params, seed));
  }

  /**
   * Workload `id`'s default instance, the paper-sized input notebooks use (docs/workloads.md "Default instances": the
   * committed `traces/<id>` file, or the generated instance through the workload cache), read once and kept in memory.
   */
  defaultInstance(id: WorkloadId): Promise<FigureTrace> {
    return this.held(`default-instance|${id}`, id, { ...(generatedInstanceParams(id) ?? defaultInstanceParams(id)) }, () => defaultInstanceTrace(id));
  }

  /** The trace `open` gives, read whole into memory once under `key`, with its page footprint. */
  private held(key: string, workload: string, params: Record<string, unknown>, open: () => Promise<Trace>): Promise<FigureTrace> {
    let t = this.traces.get(key);
    if (!t) {
      t = (async () => {
        const source = await open();
        const { batches, reader } = await collectBatches(source);
        const fp = new FootprintTracker(4 * KiB);
        for (const b of batches) fp.update(b);
        // held for every run of the context, never changed: scanned once (rememberingScans)
        return { key, trace: rememberingScans(memoryTrace(source.name, batches, reader.meta)), workload, params, pageFootprintBytes: fp.peakBytes };
      })();
      this.traces.set(key, t);
    }
    return t;
  }

  /** Register a trace built by a figure (not a workload generator) under `key`. */
  custom(key: string, build: () => Promise<Omit<FigureTrace, 'key'>>): Promise<FigureTrace> {
    const k = `custom|${key}`;
    let t = this.traces.get(k);
    if (!t) {
      t = build().then((x) => ({ ...x, trace: rememberingScans(x.trace), key: k }));
      this.traces.set(k, t);
    }
    return t;
  }

  /** One run of one system item on `ft` (cached by trace and spec). */
  run(ft: FigureTrace, spec: RunSpec): Promise<RunResult> {
    const key = `${ft.key}|${hashOf(spec)}`;
    let r = this.runs.get(key);
    if (!r) {
      r = (async () => {
        const t0 = Date.now();
        const res = await run(ft.trace, { debug: this.debug, ...spec });
        this.runCount++;
        this.onRun?.(`${ft.workload} ${res.summary.system}${spec.oversub ? ` oversub ${spec.oversub}` : ''}`, Date.now() - t0);
        return res;
      })();
      this.runs.set(key, r);
    }
    return r;
  }
}

/**
 * The ml-train instance the figures run, by scale: the committed paper-sized instance (`DEFAULT_INSTANCE_PARAMS`,
 * 2.18 GiB: a 3× oversubscribed device still holds 730 MiB) outside `quick`, two layers and one step for tests.
 */
export const ML_TRAIN_PARAMS: Readonly<Record<FigureScale, WorkloadParamInput>> = {
  quick: { layers: 2, steps: 1 },
  default: defaultInstanceParams('ml-train'),
  full: defaultInstanceParams('ml-train'),
};

/**
 * Capacity in bytes that puts `footprintBytes` at `level` × capacity, rounded down to whole 4 KiB pages. A
 * relative 1e-9 slack keeps exact quotients exact (110 pages / 1.1 is 99.999… in binary floating point, and
 * must give 100 pages, not 99).
 */
export function capacityForLevel(footprintBytes: number, level: number): number {
  const pages = footprintBytes / level / (4 * KiB);
  return Math.floor(pages * (1 + 1e-9)) * 4 * KiB;
}
