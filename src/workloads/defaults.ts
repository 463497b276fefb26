import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes, formatNs } from '../units';
import { getWorkload, workloadIds } from './index';
import { formatParamValue, resolveWorkloadParams, type WorkloadParamInput } from './params';
import type { WorkloadId } from './types';
import { writeWorkloadTrace } from './write';

/**
 * The committed default instances (`traces/`): one file per workload, default parameters, seed 0, written
 * by the canonical writer, plus the generated "defaults" table of docs/workloads.md (events, footprint,
 * trace time and op mix of each). `npm run traces` regenerates both; a test checks they are current.
 */

/** Seed of every committed default trace. */
export const DEFAULT_SEED = 0;

/**
 * Parameters of the committed default instances that differ from the generator's own defaults: the paper-sized
 * inputs the notebooks use (issue 15: footprints of at least 1 GiB, docs/workloads.md "Default instances").
 * The generators' defaults stay small (tests, `--quick` figures, `gmemlab generate` without `--set`); a workload
 * not listed here commits its defaults (the exceptions docs/workloads.md names, with the reason).
 */
export const DEFAULT_INSTANCE_PARAMS: Readonly<Partial<Record<WorkloadId, WorkloadParamInput>>> = {
  // BERT-large/GPT-2-medium width (d = 1024), 8 layers: 2.18 GiB of weights, gradients, Adam state and activations
  'ml-train': { hidden: 1024, layers: 8 },
  // a 1 GiB texture streaming pool (Unreal Engine's highest texture-quality preset: r.Streaming.PoolSize=1000 MB,
  // [TextureQuality@3] of Engine/Config/BaseScalability.ini)
  'game-remap': { poolBytes: 1024 * 1024 * 1024 },
  // three 320 MiB weight buffers and a 160 MiB activation buffer: 1.09 GiB allocated, still 125 rows (the --map example)
  'foreign-csv': { layerBytes: 320 * 1024 * 1024 },
  // Rodinia pathfinder over a 100 × 2.75 M wall (1.04 GiB): 571,662 rows of 4 KiB pages, 1.7 MB compressed — small enough
  // to commit (each launch streams a 20-row band of the wall once, so rows grow only linearly with the scale)
  'rodinia-pathfinder': { scale: 42 },
  // Rodinia backprop with 7.9 M input units (1.06 GiB): 1,109,238 rows of 4 KiB pages, 3.1 MB compressed (two launches,
  // each sweeping the input-weight matrix once)
  'rodinia-backprop': { scale: 120 },
};

/**
 * Paper-sized instances too large to commit (tens of MB compressed, a minute or more of CPU): the Rodinia
 * kernels (but pathfinder and backprop, committed) at a `scale` whose footprint is at least 1 GiB (issue 15; docs/workloads.md "Default instances" gives
 * each one's rows, size and generation time). They are generated on first use into the workload cache
 * (`defaultInstanceTrace`, src/analysis/default-trace.ts) and read from it afterwards; `traces/<id>.csv.gz` keeps
 * Rodinia's standard input (the generator's defaults) for tests and `--quick`. Rows stay at 4 KiB pages (the
 * recorded granularity: coarser rows hand a 4 KiB system GMEM's all-or-nothing pattern) except where noted.
 */
export const GENERATED_INSTANCE_PARAMS: Readonly<Partial<Record<WorkloadId, WorkloadParamInput>>> = {
  'rodinia-bfs': { scale: 430 }, // 28.2 M nodes: 1.03 GiB
  'rodinia-hotspot': { scale: 19 }, // 9,728² grid: 1.06 GiB
  'rodinia-fdtd': { scale: 19 }, // 9,728² grid: 1.06 GiB
  'rodinia-nw': { scale: 23 }, // 11,776² score matrix: 1.03 GiB
  'rodinia-srad': { scale: 13.5 }, // 6,912² image: 1.07 GiB
};

/** The parameters of `id`'s paper-sized instance when it is generated on first use instead of committed, else undefined. */
export function generatedInstanceParams(id: WorkloadId): WorkloadParamInput | undefined {
  return GENERATED_INSTANCE_PARAMS[id];
}

/** The parameters of workload `id`'s committed default instance (`--set` values over its defaults). */
export function defaultInstanceParams(id: WorkloadId): WorkloadParamInput {
  return DEFAULT_INSTANCE_PARAMS[id] ?? {};
}

/** Path of a workload's committed default trace, relative to the project root. */
export function defaultTracePath(id: WorkloadId): string {
  return getWorkload(id).write ? `traces/${id}.csv` : `traces/${id}.csv.gz`;
}

/** Facts about one default instance, as the docs table shows them. */
export interface DefaultFacts {
  readonly id: WorkloadId;
  readonly events: number;
  /** Access rows weighted by `count`. */
  readonly accesses: number;
  readonly footprintBytes: number;
  readonly lastTNs: number;
  readonly opCounts: Readonly<Record<string, number>>;
}

const n = (x: number): string => x.toLocaleString('en-US');

/** The markdown table of default instances. */
export function renderDefaultsTable(facts: readonly DefaultFacts[]): string {
  const rows = facts.map((f) => {
    const ops = Object.entries(f.opCounts)
      .map(([k, v]) => `${k} ${n(v)}`)
      .join(' · ');
    const set = Object.entries(defaultInstanceParams(f.id)).map(([k, v]) => `\`${k}=${formatParamValue(v)}\``).join(' ') || 'defaults';
    return `| \`${f.id}\` | ${set} | ${n(f.events)} | ${n(f.accesses)} | ${formatBytes(f.footprintBytes)} | ${formatNs(f.lastTNs)} | ${ops} |`;
  });
  return ['| Workload | Parameters | Events | Accesses (× count) | Footprint | Trace time | Op mix (rows) |', '|---|---|---|---|---|---|---|', ...rows].join('\n') + '\n';
}

/** The parameter table of one workload: name, default, unit, meaning. */
export function renderParamsTable(id: WorkloadId): string {
  const def = getWorkload(id);
  const rows = Object.keys(def.defaults).map((k) => {
    const doc = def.params[k]!;
    const v = def.defaults[k]!;
    let shown = formatParamValue(v);
    if (typeof v === 'number' && doc.unit === 'bytes' && v >= 1024) shown += ` (${formatBytes(v)})`;
    if (typeof v === 'number' && doc.unit === 'ns' && v >= 1000) shown += ` (${formatNs(v)})`;
    const values = doc.values ? ` One of ${doc.values.map((x) => `\`${x}\``).join(', ')}.` : '';
    return `| \`${k}\` | ${shown} | ${doc.unit ?? ''} | ${doc.summary.replace(/\|/g, '\\|')}.${values} |`;
  });
  return ['| Parameter | Default | Unit | Meaning |', '|---|---|---|---|', ...rows].join('\n') + '\n';
}

const begin = (name: string): string => `<!-- generated:${name} begin (npm run traces; do not edit) -->`;
const end = (name: string): string => `<!-- generated:${name} end -->`;

/** `doc` with the generated section `name` replaced by `content` (the markers must exist). */
export function replaceSection(doc: string, name: string, content: string): string {
  const a = doc.indexOf(begin(name));
  const b = doc.indexOf(end(name));
  if (a < 0 || b < a) throw new Error(`docs/workloads.md lacks the markers of section '${name}'`);
  return doc.slice(0, a + begin(name).length) + '\n' + content + doc.slice(b);
}

/**
 * docs/workloads.md with every generated section current: the defaults table and one parameter table per
 * registered workload (each workload's section needs its `params:<id>` markers).
 */
export function updateWorkloadsDoc(doc: string, facts: readonly DefaultFacts[]): string {
  let out = replaceSection(doc, 'defaults', renderDefaultsTable(facts));
  for (const f of facts) out = replaceSection(out, `params:${f.id}`, renderParamsTable(f.id));
  return out;
}

/** Regenerate every committed default trace and the docs table. Returns the facts, in registry order. */
export async function regenerateDefaults(root: string, log: (s: string) => void = () => {}): Promise<DefaultFacts[]> {
  const facts: DefaultFacts[] = [];
  for (const id of workloadIds()) {
    const def = getWorkload(id);
    const s = await writeWorkloadTrace(id, resolveWorkloadParams(def, defaultInstanceParams(id)), DEFAULT_SEED, join(root, defaultTracePath(id)));
    facts.push({ id, events: s.events, accesses: s.accesses, footprintBytes: s.footprintBytes, lastTNs: s.lastTNs, opCounts: s.opCounts });
    log(`${defaultTracePath(id)}: ${n(s.events)} events, ${(s.elapsedMs / 1000).toFixed(2)} s`);
  }
  const docPath = join(root, 'docs', 'workloads.md');
  writeFileSync(docPath, updateWorkloadsDoc(readFileSync(docPath, 'utf8'), facts));
  return facts;
}
