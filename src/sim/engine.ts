import { DiagnosticLog } from '../log/collector';
import { arrowMessages } from '../log/messages/trace';
import { LinkTimeline } from '../model/link-timeline';
import { NO_AGENT, Op, OP_COUNT } from '../trace/event';
import type { Trace, TraceReader } from '../trace/trace';
import { CAUSE_FIELDS, Cause, SimClock } from './clock';
import { replayCopy } from './copy-replay';
import { COUNTER_FIELDS, Counters } from './counters';
import { runStatus } from './run-status';
import { Reporter } from './reporter';
import { ResultEventLog } from './result-events';
import { Rng } from './rng';
import type { Platform } from '../profiles/types';
import type { ResolvedRun, RunResult, RunSummary } from './run-types';
import type { RowHook, SystemDef, SystemEnv, SystemModel } from './system';
import { SeriesSampler } from './series';
import { traceMetaWarnings } from './trace-meta-warnings';
import { MigrationSizeRecorder } from './migration-sizes';
import { RowLoop, type RowRoutes } from './row-loop';

/** With a `signal`, the engine yields to the event loop at least this often (wall ms) so an abort can land. */
const YIELD_EVERY_MS = 50;

export interface SimulateOptions {
  /** Called after every batch with the rows processed so far (progress bars). */
  readonly onProgress?: (eventsDone: number) => void;
  /**
   * Cooperative cancellation (SIGINT during a sweep or run): checked between batches and, within one, every
   * 256 rows and after rows of 256 MiB together (row-loop.ts `PAUSE_AFTER_BYTES`). With a signal the engine also yields to the event loop every ~50 ms of wall time (a trace
   * read from memory, or one long batch, would otherwise never let the signal's handler run).
   */
  readonly signal?: AbortSignal;
  /** Sample budget of the time series. */
  readonly maxSamples?: number;
}

/**
 * Phase 4: replay a trace through one system (docs/architecture.md §2). Pure apart from reading the trace:
 * the same resolved run and trace give the same result.
 *
 * Time (docs/cli.md §5): before each row the gap since the previous row's trace time is charged as compute,
 * except inside a kernel whose `kernel_begin` carries `dur_ns`: there the gaps are ignored and `dur_ns` is
 * charged as compute at the matching `kernel_end` (or at the end of the trace). A `marker phase:*` with
 * `dur_ns` charges that duration as compute at the marker. Everything else on the clock is charged by the
 * system.
 */
export async function simulate(run: ResolvedRun, def: SystemDef<any>, trace: Trace, opts: SimulateOptions = {}): Promise<RunResult> {
  const clock = new SimClock();
  const counters = new Counters();
  const events = new ResultEventLog();
  const log = new DiagnosticLog();
  const report = new Reporter({ counters, events, log, traceName: run.traceName }, def.name);
  const env: SystemEnv = {
    platform: run.platform,
    clock,
    counters,
    events,
    log,
    report,
    link: new LinkTimeline(run.platform.link),
    rng: new Rng(run.seed),
    debug: run.debug,
    traceName: run.traceName,
    touchedBytesHint: sizeHintBytes(run),
  };
  const model = def.create(run.params, env);
  const route = routeRows(model, env, run.debug);
  const sampler = new SeriesSampler(opts.maxSamples);
  const sizes = new MigrationSizeRecorder();
  const reader = trace.read();
  const signal = opts.signal;
  // the rows go through RowLoop (row-loop.ts: why the loop is a function of its own, calling bound hooks only)
  const loop = new RowLoop(clock, counters, sizes, sampler, report, env, route, signal !== undefined, maxRowBytes(run.platform));
  let yieldAt = signal ? Date.now() + YIELD_EVERY_MS : Infinity;
  for await (const b of reader) {
    if (Date.now() >= yieldAt) {
      // in-memory traces never leave the microtask queue: let signal handlers (SIGINT) run now and then
      await new Promise<void>((resolve) => setImmediate(resolve));
      yieldAt = Date.now() + YIELD_EVERY_MS;
    }
    if (opts.signal?.aborted) throw opts.signal.reason ?? new Error('aborted');
    const n = b.length;
    loop.accesses = 0;
    // within a batch too (one batch can take seconds: debug invariants, 2 MiB accesses of 4 KiB pages): at the row
    // loop's pause points (every 256 rows, and after rows of 256 MiB together), stop once aborted, and let signal
    // handlers run every ~50 ms
    for (let i = loop.rows(b, 0); i < n; i = loop.rows(b, i)) {
      if (signal!.aborted) throw signal!.reason ?? new Error('aborted');
      if (Date.now() >= yieldAt) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        yieldAt = Date.now() + YIELD_EVERY_MS;
        if (signal!.aborted) throw signal!.reason ?? new Error('aborted');
      }
    }
    counters.events += n;
    counters.accesses += loop.accesses;
    opts.onProgress?.(counters.events);
  }
  return result(run, model, route.anyUnsupported, loop, clock, counters, events, log, report, sampler, sizes, reader);
}

/** `SystemEnv.touchedBytesHint`: the touched footprint when the trace facts have it, else the allocated one. */
function sizeHintBytes(run: ResolvedRun): number {
  const b = run.touchedBytes ?? run.footprintBytes;
  return Number.isFinite(b) && b > 0 ? b : 0;
}

/** The run's result, once every row is processed. */
function result(
  run: ResolvedRun,
  model: SystemModel,
  anyUnsupported: boolean,
  loop: RowLoop,
  clock: SimClock,
  counters: Counters,
  events: ResultEventLog,
  log: DiagnosticLog,
  report: Reporter,
  sampler: SeriesSampler,
  sizes: MigrationSizeRecorder,
  reader: TraceReader,
): RunResult {
  const debug = run.debug && model.checkInvariants !== undefined;
  if (loop.kernelAgent !== NO_AGENT) clock.charge(Cause.compute, loop.kernelDurNs);
  const finished = model.finish();
  const extra = anyUnsupported ? { ...finished, unsupportedOps: report.unsupportedOps } : finished;
  sizes.observe(counters);
  if (debug) model.checkInvariants!();
  sampler.sample(clock.nowNs, counters, model.residentBytes());

  const metaWarnings = [...(run.warnings ?? []), ...traceMetaWarnings(reader.meta, run)];
  const metaCounts: Record<string, number> = {};
  for (const d of metaWarnings) metaCounts[d.code] = (metaCounts[d.code] ?? 0) + 1;
  const warnings = mergeCounts(mergeCounts(traceCounts(reader.log.countsByCode()), log.countsByCode()), metaCounts);
  const summary = buildSummary(run, clock, counters, extra, warnings, events.count('hmadvise-error'));
  return {
    summary,
    run,
    series: sampler.result(),
    migrationSizes: sizes.result(),
    resultEvents: events.kept,
    resultEventCounts: events.countsByKind(),
    diagnostics: [...metaWarnings, ...reader.log.examples(), ...log.examples()],
    provenance: {
      trace: run.traceName,
      traceDigest: run.traceDigest,
      traceMeta: reader.meta,
      seed: run.seed,
      version: run.version,
      model: run.model,
      modelRevision: run.modelRevision,
      specHash: run.specHash,
      profileSources: {
        device: run.platform.device.sources,
        link: run.platform.link.sources,
        host: run.platform.host.sources,
      },
    },
  };
}

/** The per-op dispatch of one model (what RowLoop calls), and whether some op family fell back to "unsupported". */
type RowRoute = RowRoutes & {
  /** Some op family falls back to "unsupported" (→ `extra.unsupportedOps`). */
  readonly anyUnsupported: boolean;
};

/** Hook name per op code (null: `access`, routed by agent). */
const HOOK_OF_OP: readonly (keyof SystemModel | null)[] = (() => {
  const names: (keyof SystemModel | null)[] = new Array<keyof SystemModel | null>(OP_COUNT).fill(null);
  names[Op.reserve] = 'reserve';
  names[Op.release] = 'release';
  names[Op.alloc] = 'alloc';
  names[Op.free] = 'free';
  names[Op.map] = 'map';
  names[Op.unmap] = 'unmap';
  names[Op.prefetch] = 'prefetch';
  names[Op.advise] = 'advise';
  names[Op.copy] = 'copy';
  names[Op.kernelBegin] = 'kernelBegin';
  names[Op.kernelEnd] = 'kernelEnd';
  names[Op.marker] = 'marker';
  names[Op.protect] = 'protect';
  names[Op.fork] = 'fork';
  return names;
})();

/**
 * The most one row can touch on `platform`: every device's memory plus the host's (`host.dramBytes`, the backing
 * store). A touched page lives in one of them whatever the system does, so a larger row cannot be served.
 */
export function maxRowBytes(platform: Platform): number {
  return platform.device.memory.capacityBytes * Math.max(1, platform.host.devices) + platform.host.dramBytes;
}

/** Ops whose rows only carry compute time (the engine's): no hook means nothing to do. */
const TIME_ONLY_OPS: ReadonlySet<number> = new Set([Op.kernelBegin, Op.kernelEnd, Op.marker]);

/**
 * Bind `model`'s hooks once per run, with the engine's defaults where it has none: copies replayed on the link,
 * kernel/marker rows ignored, anything else reported as unsupported (docs/architecture.md §4).
 */
function routeRows(model: SystemModel, env: SystemEnv, debug: boolean): RowRoute {
  let anyUnsupported = false;
  const unsupported = (op: number): RowHook => {
    anyUnsupported = true;
    return () => env.report.unsupported(op);
  };
  const bound = (name: keyof SystemModel): RowHook | undefined => {
    const f = model[name];
    return typeof f === 'function' ? (f as RowHook).bind(model) : undefined;
  };
  const nothing: RowHook = () => {};
  const hooks: RowHook[] = HOOK_OF_OP.map((name, op) => {
    if (name === null) return nothing;
    const own = bound(name);
    if (own !== undefined) return own;
    if (op === Op.copy) return (b, i) => replayCopy(env, env.link, b, i, env.report);
    return TIME_ONLY_OPS.has(op) ? nothing : unsupported(op);
  });
  const cpuAccess = bound('cpuAccess') ?? unsupported(Op.access);
  const deviceAccess = bound('deviceAccess') ?? unsupported(Op.access);
  const checkInvariants = debug ? model.checkInvariants?.bind(model) : undefined;
  return {
    hooks, cpuAccess, deviceAccess, beforeRow: bound('beforeRow'),
    warmRows: typeof model.warmRows === 'function' ? model.warmRows.bind(model) : undefined,
    deviceHits: typeof model.deviceHits === 'function' ? model.deviceHits.bind(model) : undefined,
    residentBytes: model.residentBytes.bind(model), checkInvariants,
    allDevices: model.allDevices === true, anyUnsupported,
  };
}

/**
 * The reader's diagnostics that describe the trace: those about this process's import cache (a damaged entry
 * rebuilt, an unwritable folder) are left out, so a result never depends on the state of the cache
 * (same spec + trace + seed → the same bytes, test/sim/determinism.test.ts). The reader still logs them.
 */
function traceCounts(counts: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [code, n] of Object.entries(counts)) if (!CACHE_CODES.has(code)) out[code] = n;
  return out;
}
const CACHE_CODES: ReadonlySet<string> = new Set([arrowMessages.cacheRebuilt.code, arrowMessages.cacheUnwritable.code]);

function mergeCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) out[k] = (a[k] ?? 0) + (b[k] ?? 0);
  return out;
}

function buildSummary(
  run: ResolvedRun,
  clock: SimClock,
  counters: Counters,
  extra: Readonly<Record<string, number>>,
  warnings: Record<string, number>,
  hmadviseErrors: number,
): RunSummary {
  const row: Record<string, unknown> = {
    system: run.system,
    preset: run.preset,
    params: run.params,
    profile: run.platform.id,
    capacityBytes: run.capacityBytes,
    footprintBytes: run.footprintBytes,
    touchedBytes: run.touchedBytes ?? null,
    oversub: run.oversub,
    oversubBasis: run.oversubBasis ?? null,
  };
  for (const f of COUNTER_FIELDS) row[f] = counters[f];
  row.status = runStatus({ oomEvents: counters.oomEvents, errorEvents: counters.errorEvents - hmadviseErrors });
  row.simTimeNs = clock.nowNs;
  CAUSE_FIELDS.forEach((f, i) => (row[f] = clock.byCause[i]));
  row.extra = extra;
  row.specHash = run.specHash;
  row.traceDigest = run.traceDigest;
  row.seed = run.seed;
  row.version = run.version;
  row.warnings = warnings;
  return row as unknown as RunSummary;
}
