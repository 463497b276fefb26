import { fail, type Diagnostic } from '../log/diagnostic';
import { runMessages } from '../log/messages/run';
import { systemPreset } from '../systems/index';
import { TraceDigest } from '../trace/digest';
import { CPU, NO_AGENT, agentName } from '../trace/event';
import { FootprintTracker } from '../trace/footprint';
import type { Trace } from '../trace/trace';
import { simulate, type SimulateOptions } from '../sim/engine';
import { normalize, type TraceFacts } from './normalize';
import { TouchedPages } from './touched-pages';
import type { RunSpec } from './run-spec';
import type { ResolvedRun, RunResult } from '../sim/run-types';

/** What one pass over a trace establishes before simulating (shared by all systems of a run). */
export interface TraceScan extends TraceFacts {
  /** Trace rows. */
  readonly events: number;
  /** Highest device agent code used as `agent` or `target` (0 when only the CPU appears). */
  readonly maxAgent: number;
}

/**
 * One pass: footprint (docs/cli.md §3), canonical digest and the highest device agent, together. With a `signal`
 * the pass stops (throwing its reason) at the first batch after an abort. A trace that remembers the scan of an
 * earlier complete pass (`knownScan`: an unchanged imported file) is not read at all; a complete pass is
 * offered to the trace to remember (`rememberScan`).
 */
export async function scanTrace(trace: Trace, signal?: AbortSignal): Promise<TraceScan> {
  const known = rememberedScan(trace.name, trace.knownScan?.(SCAN_VERSION));
  if (known) return known;
  const fp = new FootprintTracker();
  const touched = new TouchedPages();
  const dg = new TraceDigest();
  let events = 0;
  let maxAgent = CPU;
  for await (const b of trace.read()) {
    if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    fp.update(b);
    touched.update(b);
    dg.update(b);
    events += b.length;
    const { agent, target } = b;
    const none = NO_AGENT; // a local: imported bindings compile to getter calls under tsx (CommonJS interop)
    for (let i = 0; i < b.length; i++) {
      const a = agent[i]!;
      if (a > maxAgent) maxAgent = a;
      const t = target[i]!;
      if (t !== none && t > maxAgent) maxAgent = t;
    }
  }
  const scan: TraceScan = { name: trace.name, digest: dg.digest(), footprintBytes: fp.peakBytes, touchedBytes: touched.bytes, events, maxAgent };
  trace.rememberScan?.(SCAN_VERSION, { digest: scan.digest, footprintBytes: scan.footprintBytes, touchedBytes: touched.bytes, events, maxAgent });
  return scan;
}

/** The scan of `name` from remembered facts (`Trace.knownScan` of `SCAN_VERSION`), or undefined when they are not one. */
export function rememberedScan(name: string, facts: Readonly<Record<string, number | string>> | undefined): TraceScan | undefined {
  const known = facts as Omit<TraceScan, 'name'> | undefined;
  if (known && typeof known.digest === 'string' && typeof known.events === 'number') return { ...known, name };
  return undefined;
}

/**
 * Version of what `scanTrace` computes. Imported files remember their scan per version (`Trace.knownScan`;
 * `openTrace` keeps it in the import cache), so bump this whenever a field is added or a rule behind one
 * (footprint, touched pages, digest, agents) changes: remembered scans of other versions are then ignored.
 */
export const SCAN_VERSION = 2;

/** Resolve `spec` for `trace` (after a scan) without simulating: the runs `compare` would execute. */
export function planRuns(spec: RunSpec, scan: TraceScan): ResolvedRun[] {
  const runs = normalize(spec, scan);
  for (const r of runs) {
    const devices = r.platform.host.devices;
    if (scan.maxAgent > devices) fail(runMessages.unknownAgent({}, agentName(scan.maxAgent), r.platform.id, devices));
  }
  return runs;
}

/** `compare`'s options: the engine's, and where planning warnings go before anything is simulated. */
export interface CompareOptions extends SimulateOptions {
  /**
   * Called once per distinct planning warning of the runs (`ResolvedRun.warnings`, e.g. `run.oversub-below-unit`),
   * after planning and before the first simulation. The results carry them either way.
   */
  readonly onPlanWarning?: (d: Diagnostic) => void;
}

/**
 * Run the same trace through every system of `spec` (one result per `--system` item, in order): one scan
 * pass (footprint, digest, agents), then one simulation pass per system. Results carry each system's
 * resolved run (`result.run`: params, platform with sources, capacity, specHash).
 */
export async function compare(trace: Trace, spec: RunSpec, opts: CompareOptions = {}): Promise<RunResult[]> {
  const scan = await scanTrace(trace, opts.signal);
  const runs = planRuns(spec, scan);
  if (opts.onPlanWarning) for (const d of new Set(runs.flatMap((r) => r.warnings ?? []))) opts.onPlanWarning(d);
  const out: RunResult[] = [];
  for (const r of runs) out.push(await simulate(r, systemPreset(r.preset)!.def, trace, opts));
  return out;
}

/** Run one system (`spec.system` must name exactly one item). */
export async function run(trace: Trace, spec: RunSpec, opts: CompareOptions = {}): Promise<RunResult> {
  const results = await compare(trace, spec, opts);
  if (results.length !== 1) fail(runMessages.badItem({}, String(spec.system ?? spec.systems), 'run() takes exactly one system; use compare() for several'));
  return results[0]!;
}
