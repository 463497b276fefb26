import { openAtomicWriter, writeChunk } from '../io/atomic';
import { Rng } from '../sim/rng';
import { BatchBuilder, type EventBatch } from '../trace/batch';
import type { TraceEvent } from '../trace/event';
import { StringTable } from '../trace/strings';
import type { TraceMeta } from '../trace/trace';
import { KiB, MiB } from '../units';
import type { WorkloadDef } from './types';

/**
 * `foreign-csv`: a small inference-style workload (a few managed weight buffers and an activation
 * buffer; per step, one kernel per layer reads random 64 KiB pieces of its weights and writes
 * activations; the CPU reads the output) written in a FOREIGN CSV dialect, as another tool might export it:
 * other column names, times in µs with decimals, 4 KiB page numbers instead of addresses, sizes with unit
 * suffixes (`8MiB`, `64KiB`), other op/agent/access names, an unused thread-id column and a free-text note
 * with commas. It is the bundled input of the `--map` example: `datasets/maps/foreign-csv.map.json` maps it
 * back to exactly the events `generate` yields (same digest; tested).
 */
export interface ForeignCsvParams extends Record<string, number> {
  layers: number;
  layerBytes: number;
  steps: number;
}

const PAGE = 4 * KiB;
const PIECE = 64 * KiB;
const BASE_VA = 0x7f0000000000;

const defaults: ForeignCsvParams = { layers: 3, layerBytes: 8 * MiB, steps: 4 };

/** The canonical events (authoring form), deterministic for a seed. */
export function foreignCsvEvents(p: Readonly<ForeignCsvParams>, seed: number): TraceEvent[] {
  const rng = new Rng(seed);
  const ev: TraceEvent[] = [];
  let t = 0;
  const tick = (ns: number): number => (t += ns);
  const layerBytes = Math.max(PIECE, Math.floor(p.layerBytes / PIECE) * PIECE);
  const actBytes = Math.max(PIECE, Math.floor(layerBytes / 2 / PIECE) * PIECE);
  const weights: number[] = [];
  let va = BASE_VA;
  for (let l = 0; l < p.layers; l++) {
    weights.push(va);
    ev.push({ op: 'alloc', tNs: t, agent: 'cpu', va, bytes: layerBytes, flags: ['managed'], resource: `w${l}` });
    va += layerBytes + 2 * MiB; // a guard gap between buffers
    tick(1500 + rng.int(1000));
  }
  const act = va;
  ev.push({ op: 'alloc', tNs: t, agent: 'cpu', va: act, bytes: actBytes, flags: ['managed'], resource: 'act' });
  for (let l = 0; l < p.layers; l++) {
    tick(20_000 + rng.int(5000));
    ev.push({ op: 'access', tNs: t, agent: 'cpu', va: weights[l]!, bytes: layerBytes, access: 'w' });
    tick(700);
    ev.push({ op: 'advise', tNs: t, agent: 'cpu', va: weights[l]!, bytes: layerBytes, advice: 'read_mostly' });
    tick(700);
    ev.push({ op: 'prefetch', tNs: t, agent: 'cpu', va: weights[l]!, bytes: layerBytes, target: 'dev0' });
  }
  for (let s = 0; s < p.steps; s++) {
    tick(5000 + rng.int(3000));
    ev.push({ op: 'marker', tNs: t, agent: 'cpu', label: `phase:step${s}` });
    tick(1000);
    ev.push({ op: 'access', tNs: t, agent: 'cpu', va: act, bytes: PIECE, access: 'w' });
    for (let l = 0; l < p.layers; l++) {
      tick(2000 + rng.int(500));
      const durNs = 40_000 + rng.int(20_000);
      ev.push({ op: 'kernelBegin', tNs: t, agent: 'dev0', durNs, label: `layer${l}` });
      const pieces = layerBytes / PIECE;
      const reads = 3 + rng.int(4);
      for (let k = 0; k < reads; k++) {
        tick(3000 + rng.int(2000));
        const off = rng.int(pieces) * PIECE;
        const count = 1 + rng.int(3);
        ev.push({ op: 'access', tNs: t, agent: 'dev0', va: weights[l]! + off, bytes: PIECE, access: 'r', ...(count > 1 ? { count } : {}) });
      }
      tick(2500);
      ev.push({ op: 'access', tNs: t, agent: 'dev0', va: act, bytes: actBytes, access: l % 2 ? 'rw' : 'w' });
      tick(durNs);
      ev.push({ op: 'kernelEnd', tNs: t, agent: 'dev0', label: `layer${l}` });
    }
    tick(1200);
    ev.push({ op: 'access', tNs: t, agent: 'cpu', va: act, bytes: PIECE, access: 'r' });
  }
  for (let l = 0; l < p.layers; l++) {
    tick(900);
    ev.push({ op: 'free', tNs: t, agent: 'cpu', va: weights[l]!, bytes: layerBytes });
  }
  tick(900);
  ev.push({ op: 'free', tNs: t, agent: 'cpu', va: act, bytes: actBytes });
  return ev;
}

// ---- the foreign dialect ------------------------------------------------------------------------------

/** Column order of the foreign file. */
export const FOREIGN_COLUMNS = ['ts_us', 'tid', 'event', 'engine', 'vpn', 'size', 'mode', 'dest', 'hint', 'kind', 'buffer', 'repeat', 'compute_us', 'name', 'note'] as const;

const EVENT_NAMES: Readonly<Record<string, string>> = {
  alloc: 'MALLOC_MANAGED', free: 'FREE', access: 'TOUCH', prefetch: 'PREFETCH', advise: 'MEM_ADVISE',
  kernelBegin: 'KERNEL_START', kernelEnd: 'KERNEL_END', marker: 'MARK',
};
const MODE_NAMES: Readonly<Record<string, string>> = { r: 'R', w: 'W', rw: 'RW', atomic: 'ATOMIC' };
const HINT_NAMES: Readonly<Record<string, string>> = { read_mostly: 'SET_READ_MOSTLY', preferred_location: 'SET_PREFERRED_LOCATION' };

/** µs with exactly three decimals (exact for integer ns). */
function us(ns: number): string {
  return `${Math.floor(ns / 1000)}.${String(ns % 1000).padStart(3, '0')}`;
}

/** Bytes with the largest binary unit that divides them exactly (`8MiB`, `64KiB`, `512B`). */
function sized(bytes: number): string {
  if (bytes % MiB === 0) return `${bytes / MiB}MiB`;
  if (bytes % KiB === 0) return `${bytes / KiB}KiB`;
  return `${bytes}B`;
}

function engine(agent: string | undefined): string {
  return agent === undefined || agent === 'cpu' ? 'CPU' : `GPU${agent.slice(3)}`;
}

/** One event as a foreign row. */
export function foreignRow(e: TraceEvent, tid: number): string {
  const cells: Record<string, string> = {
    ts_us: us(e.tNs),
    tid: String(tid),
    event: EVENT_NAMES[e.op]!,
    engine: engine(e.agent),
    vpn: e.va === undefined ? '' : String(e.va / PAGE),
    size: e.bytes === undefined ? '' : sized(e.bytes),
    mode: e.access ? MODE_NAMES[e.access]! : '',
    dest: e.target ? engine(e.target) : '',
    hint: e.advice ? HINT_NAMES[e.advice]! : '',
    kind: e.flags?.includes('managed') ? 'UM' : '',
    buffer: e.resource ?? '',
    repeat: e.count === undefined ? '' : String(e.count),
    compute_us: e.durNs === undefined ? '' : us(e.durNs),
    name: e.label ?? '',
    note: e.op === 'kernelBegin' ? '"launch, grid=auto"' : '',
  };
  return FOREIGN_COLUMNS.map((c) => cells[c]).join(',');
}

/** The `foreign-csv` workload definition (registered in src/workloads/index.ts). */
export const foreignCsvWorkload: WorkloadDef<ForeignCsvParams> = {
  name: 'foreign-csv',
  summary: 'small inference loop written in a foreign CSV dialect (µs, page numbers, unit sizes), the --map example (footprint 28 MiB)',
  defaults,
  params: {
    layers: { summary: 'number of layers (one managed weight buffer each)', unit: 'count' },
    layerBytes: { summary: 'bytes of weights per layer (rounded down to 64 KiB)', unit: 'bytes' },
    steps: { summary: 'inference steps (each runs one kernel per layer)', unit: 'count' },
  },
  *generate(params, seed): Iterable<EventBatch> {
    const b = new BatchBuilder(new StringTable());
    for (const e of foreignCsvEvents(params, seed)) {
      b.push(e);
      if (b.full) yield b.take();
    }
    yield b.take();
  },
  meta(params, seed): TraceMeta {
    const m: Record<string, string> = { workload: 'foreign-csv', seed: String(seed) };
    for (const [k, v] of Object.entries(params)) m[`param.${k}`] = String(v);
    return m;
  },
  async write(params, seed, target) {
    const w = openAtomicWriter(target);
    try {
      await writeChunk(w.stream, `# exported by memtrace-tool 2.3 (workload foreign-csv, seed ${seed})\n${FOREIGN_COLUMNS.join(',')}\n`);
      const rows = foreignCsvEvents(params, seed).map((e, i) => foreignRow(e, e.agent && e.agent !== 'cpu' ? 7000 + (i % 4) : 4242));
      await writeChunk(w.stream, rows.join('\n') + '\n');
      await w.commit();
    } catch (e) {
      await w.abort();
      throw e;
    }
  },
};
