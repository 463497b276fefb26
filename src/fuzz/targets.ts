import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { importers } from '../importers/index';
import { writeNsysFixture } from '../importers/nsys-sqlite/fixture';
import type { FormatId, ImporterDef } from '../importers/types';
import type { ParamValue } from '../params';
import { writeFileAtomic } from '../io/atomic';
import { readSafePickle } from '../importers/pytorch-snapshot/safe-pickle';
import { importFile } from '../importers/import-file';
import type { Rng } from '../sim/rng';
import { VERSION } from '../version';
import { sharedListSnapshotPickle, type StructuralKind } from './mutate';
import { loadSqlJs } from '../importers/nsys-sqlite/db';

/**
 * What the fuzz runner mutates and how it feeds each mutated input to gmemlab. A target is one reader:
 * every importer of the registry (through `openTrace`, i.e. sniffing, option resolution, the importer, the
 * semantic checker), the `--map` path of the CSV importer, and the safe pickle reader on its own. Its corpus
 * is the committed traces (traces/, docs/examples/) and the real samples (`../shared/trace-samples`, when
 * present), reduced to sizes that parse in milliseconds so a run tries many inputs:
 * - canonical CSVs are cut after ~96 KiB at a line end (a valid prefix: the tail is more of the same rows);
 * - the 53 MB Kineto sample keeps its first 1,500 trace events (re-serialised, so still a valid trace);
 * - Arrow inputs are written from cut canonical traces by `import -o x.arrow` at corpus build time;
 * - the Nsight Systems database is the test fixture (no public export has a usable licence).
 * Targets whose corpus is empty (samples absent) are skipped with a note.
 */

/** One corpus file: content plus what importing it needs besides the bytes. */
export interface CorpusEntry {
  /** Where it came from (shown in reports and saved beside crashes). */
  readonly name: string;
  readonly bytes: Uint8Array;
  /** Map spec (JSON text) for `csv-map` entries. */
  readonly map?: string;
}

/** How a worker runs one input. */
export interface FuzzJob {
  readonly target: string;
  /**
   * `import`: `openTrace` + a full pass; `pickle`: `readSafePickle` on the raw bytes; `simulate`: an import
   * that succeeds is then run through `system` (debug invariants on).
   */
  readonly kind: 'import' | 'pickle' | 'simulate';
  /** For `simulate`: the `--system` item, platform and oversubscription. */
  readonly system?: string;
  readonly profile?: string;
  readonly oversub?: number | null;
  readonly from?: FormatId | 'auto';
  readonly map?: string;
  readonly strict: boolean;
  readonly options?: Readonly<Record<string, ParamValue>>;
}

/** A fuzz target. */
export interface FuzzTarget {
  readonly name: string;
  readonly summary: string;
  /** Build the corpus (files are read once per run). `scratch` is a folder for generated inputs. */
  corpus(env: CorpusEnv): Promise<CorpusEntry[]>;
  /** The job for one mutated input of `entry` (random choices: auto-detection, lenient mode, options). */
  job(entry: CorpusEntry, rng: Rng): FuzzJob;
  /** Structural mutations that fit the format (mutate.ts), tried for a share of the inputs besides byte-level ones. */
  readonly structural?: readonly StructuralKind[];
}

/** Where corpus files come from. */
export interface CorpusEnv {
  readonly projectRoot: string;
  /** `../shared/trace-samples` (may be absent). */
  readonly samplesDir: string;
  readonly scratch: string;
  /** The cache folder (`cacheRoot()`), for reductions of large samples. */
  readonly cacheDir: string;
}

const CSV_CUT_BYTES = 96 * 1024;
const KINETO_EVENTS = 1500;

function read(path: string): Uint8Array | undefined {
  if (!existsSync(path)) return undefined;
  const raw = readFileSync(path);
  return raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
}

/** About the first `max` decompressed bytes of a file (gzip: only a prefix of the stream is inflated). */
function readPrefix(path: string, max: number): Uint8Array {
  const raw = readFileSync(path);
  if (raw[0] !== 0x1f || raw[1] !== 0x8b) return raw.subarray(0, max);
  for (let k = 16 * 1024; ; k *= 2) {
    const out = gunzipSync(raw.subarray(0, Math.min(k, raw.length)), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    if (out.length >= max || k >= raw.length) return out.subarray(0, max);
  }
}

/**
 * A corpus file derived from a sample by a slow step (parsing tens of MB), kept in the cache folder under
 * the SHA-256 of the source bytes and the step's id, so later runs start at once.
 */
function derived(env: CorpusEnv, source: Uint8Array, step: string, build: () => Uint8Array): Uint8Array {
  const key = createHash('sha256').update(source).update(`\0${step}\0${VERSION}`).digest('hex').slice(0, 32);
  const file = join(env.cacheDir, 'fuzz-corpus', `${key}.bin`);
  if (existsSync(file)) return readFileSync(file);
  const bytes = build();
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomic(file, bytes);
  } catch {
    // an unwritable cache folder only costs the step next time
  }
  return bytes;
}

/** The first `max` bytes of a text file, cut after the last complete line. */
export function cutAtLine(bytes: Uint8Array, max: number): Uint8Array {
  if (bytes.length <= max) return bytes;
  const nl = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).lastIndexOf(0x0a, max - 1);
  return bytes.subarray(0, nl < 0 ? max : nl + 1);
}

function samples(env: CorpusEnv, ...rels: string[]): CorpusEntry[] {
  const out: CorpusEntry[] = [];
  for (const rel of rels) {
    const b = read(join(env.samplesDir, rel));
    if (b) out.push({ name: `samples/${rel}`, bytes: b });
  }
  return out;
}

/** Committed canonical traces (traces/*.csv[.gz]), each cut to a valid prefix. */
function committedCsv(env: CorpusEnv): CorpusEntry[] {
  const dir = join(env.projectRoot, 'traces');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.csv(\.gz)?$/.test(f) && f !== 'foreign-csv.csv')
    .sort()
    .map((f) => ({ name: `traces/${f}`, bytes: cutAtLine(readPrefix(join(dir, f), CSV_CUT_BYTES + 1), CSV_CUT_BYTES) }));
}

/**
 * The JSON form of a snapshot (`json.dump(torch.cuda.memory._snapshot())`) made from the pickle sample, with
 * the stack `frames` dropped (the importer ignores them; they are most of the bytes).
 */
function snapshotJson(pickle: Uint8Array): Uint8Array {
  const value = readSafePickle(pickle, 'memory.pickle');
  const text = JSON.stringify(value, (k, v: unknown) => (k === 'frames' ? undefined : typeof v === 'bigint' ? Number(v) : v));
  return Buffer.from(text, 'utf8');
}

/**
 * A 53 MB Kineto sample reduced to a valid trace of at most `KINETO_EVENTS` events (in file order, at most a
 * third of them from one category, so memory, kernel and memcpy events all stay). Parsing the original takes
 * seconds, so the reduction is kept in the cache folder, keyed by the sample's size and mtime.
 */
function reducedKineto(env: CorpusEnv, rel: string): CorpusEntry | undefined {
  const src = join(env.samplesDir, rel);
  if (!existsSync(src)) return undefined;
  const bytes = derived(env, readFileSync(src), `kineto-${KINETO_EVENTS}`, () => {
    const j = JSON.parse(Buffer.from(read(src)!).toString('utf8')) as { traceEvents?: Array<{ cat?: unknown }> };
    if (Array.isArray(j.traceEvents)) {
      const perCat = new Map<unknown, number>();
      const kept: Array<{ cat?: unknown }> = [];
      for (const e of j.traceEvents) {
        const n = perCat.get(e?.cat) ?? 0;
        if (n >= KINETO_EVENTS / 3) continue;
        perCat.set(e?.cat, n + 1);
        kept.push(e);
        if (kept.length >= KINETO_EVENTS) break;
      }
      j.traceEvents = kept;
    }
    return Buffer.from(JSON.stringify(j, null, 1));
  });
  return { name: `samples/${rel} (${KINETO_EVENTS} events)`, bytes };
}

/** Random values for an importer's enumerated and boolean options (numbers keep their defaults). */
function randomOptions(def: ImporterDef<any>, rng: Rng): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [k, doc] of Object.entries(def.options as Record<string, { values?: readonly string[] }>)) {
    if (rng.next() < 0.5) continue;
    const d = (def.defaults as Record<string, ParamValue>)[k];
    if (doc.values?.length) out[k] = doc.values[rng.int(doc.values.length)]!;
    else if (typeof d === 'boolean') out[k] = rng.next() < 0.5;
  }
  return out;
}

/** An importer target: 75 % `--from <format>`, 25 % `--from auto`; 30 % lenient; random enumerated options. */
function importerTarget(format: FormatId, summary: string, corpus: (env: CorpusEnv) => Promise<CorpusEntry[]> | CorpusEntry[], structural: readonly StructuralKind[] = []): FuzzTarget {
  const def = importers[format] as ImporterDef<any>;
  return {
    name: format,
    summary,
    structural,
    corpus: async (env) => corpus(env),
    job: (_entry, rng) => ({
      target: format,
      kind: 'import',
      from: rng.next() < 0.25 ? 'auto' : format,
      strict: rng.next() >= 0.3,
      options: format === 'csv' ? (rng.next() < 0.2 ? { sort: true } : {}) : randomOptions(def, rng),
    }),
  };
}

/** Structural mutations of the pickle readers (issue 18: memo sharing, cyclic and deep keys, huge strings). */
const PICKLE_STRUCTURAL: readonly StructuralKind[] = ['shared-refs', 'cyclic-key', 'huge-string'];

/** A small generated snapshot pickle, so the pickle targets run (and mutate) without the shared samples too. */
function generatedSnapshot(): CorpusEntry {
  return { name: 'generated snapshot.pickle (1 device, 40 entries)', bytes: sharedListSnapshotPickle(1, 40) };
}

/** An SQLite database with `StringIds` row 1 (the runtime call name the importer looks up) replaced by a string of `bytes` bytes. */
async function withHugeString(db: Uint8Array, bytes: number): Promise<Uint8Array> {
  const SQL = await loadSqlJs();
  const d = new SQL.Database(db);
  try {
    d.run('UPDATE StringIds SET value = ? WHERE id = 1', ['w'.repeat(bytes)]);
    return d.export();
  } finally {
    d.close();
  }
}

/** Systems and platforms the `simulate` target draws from. */
const SIMULATED = ['gmem-linux', 'gmem-paper', 'gmem-linux:mode=share', 'uvm', 'uvm:prefetch=none:eviction=lru-4k', 'hmm-svm', 'explicit-copy', 'gpuvm-sparse', 'iommu-dma'];
const PROFILES = ['a100-pcie4', 'gh200-c2c', 'rtx4090'];

/** Every fuzz target, in the order a run visits them. */
export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  importerTarget('csv', 'canonical CSV reader (fast and general paths, validation, semantic checks)', committedCsv, ['wide-csv', 'huge-string']),
  {
    name: 'csv-map',
    summary: 'foreign CSV through --map (papaparse fields, unit conversion, canonical row checks)',
    async corpus(env) {
      const out: CorpusEntry[] = [];
      const pairs: Array<[string, string]> = [
        ['traces/foreign-csv.csv', 'datasets/maps/foreign-csv.map.json'],
        ['docs/examples/alloc-log.csv', 'docs/examples/alloc-log.map.json'],
      ];
      for (const [csv, map] of pairs) {
        const b = read(join(env.projectRoot, csv));
        const m = join(env.projectRoot, map);
        if (b && existsSync(m)) out.push({ name: csv, bytes: b, map: readFileSync(m, 'utf8') });
      }
      return out;
    },
    job: (entry, rng) => ({ target: 'csv-map', kind: 'import', from: 'csv', map: entry.map, strict: rng.next() >= 0.3 }),
    structural: ['wide-csv', 'huge-string'],
  },
  {
    name: 'arrow',
    summary: 'gmemlab Arrow trace reader (footer, checksums, dictionaries, zero-copy columns)',
    async corpus(env) {
      const out: CorpusEntry[] = [];
      for (const e of committedCsv(env).filter((c) => /ml-train|rodinia-bfs|game-remap/.test(c.name))) {
        const csv = join(env.scratch, `${basename(e.name).replace(/\.gz$/, '')}`);
        const arrow = csv.replace(/\.csv$/, '.arrow');
        const cut = cutAtLine(e.bytes, 32 * 1024);
        writeFileAtomic(csv, cut);
        await importFile(csv, { cache: false }, arrow);
        out.push({ name: `${e.name} → arrow`, bytes: readFileSync(arrow) });
      }
      return out;
    },
    job: (_e, rng) => ({ target: 'arrow', kind: 'import', from: rng.next() < 0.25 ? 'auto' : 'arrow', strict: true }),
  },
  {
    name: 'pickle',
    summary: 'safe pickle reader alone (data opcodes only; memo, marks, frames, LONG1)',
    corpus: async (env) => [...samples(env, 'pytorch-memory-snapshot/memory.pickle'), generatedSnapshot()],
    job: () => ({ target: 'pickle', kind: 'pickle', strict: true }),
    structural: PICKLE_STRUCTURAL,
  },
  {
    name: 'simulate',
    summary: 'mutated canonical traces that import cleanly, simulated by a random system (debug invariants on)',
    corpus: async (env) => committedCsv(env).map((e) => ({ ...e, bytes: cutAtLine(e.bytes, 24 * 1024) })),
    job: (_e, rng) => {
      const system = SIMULATED[rng.int(SIMULATED.length)]!;
      const profile = system === 'gmem-paper' ? 'x97-sim' : system === 'iommu-dma' ? 'nic-iommu' : PROFILES[rng.int(PROFILES.length)]!;
      return { target: 'simulate', kind: 'simulate', from: 'csv', strict: rng.next() >= 0.5, system, profile, oversub: [null, 1.5, 4][rng.int(3)]! };
    },
  },
  importerTarget('pytorch-snapshot', 'PyTorch memory snapshot, pickle and JSON forms', (env) => {
    const out = samples(env, 'pytorch-memory-snapshot/memory.pickle');
    const pickle = out[0]?.bytes;
    if (pickle) out.push({ name: 'samples/pytorch-memory-snapshot/memory.pickle as JSON', bytes: derived(env, pickle, 'snapshot-json', () => snapshotJson(pickle)) });
    out.push(generatedSnapshot());
    return out;
  }, PICKLE_STRUCTURAL),
  importerTarget('kineto', 'Kineto / PyTorch profiler Chrome trace JSON', (env) => {
    const out = samples(env, 'kineto-chrome-trace/mi250_minitoy_train_ROCm6_2_kineto.json.gz');
    const big = reducedKineto(env, 'kineto-chrome-trace/df_index_resolver.json.gz');
    if (big) out.push(big);
    // hand-written fixtures of both eras: PyTorch ≤ 1.9 ([memory] without Addr, Kernel/Memcpy/Memset) and current
    for (const f of ['legacy-pytorch-1.9.json', 'current-pytorch-2.json']) {
      const fx = read(join(env.projectRoot, 'test', 'fixtures', 'kineto', f));
      if (fx) out.push({ name: `test/fixtures/kineto/${f}`, bytes: fx });
    }
    return out;
  }, ['huge-string']),
  importerTarget('pytorch-timeline', 'PyTorch export_memory_timeline raw tuples', (env) => samples(env, 'pytorch-memory-timeline-raw/memory_timeline.raw.gz'), ['huge-string']),
  importerTarget('nsys-sqlite', 'Nsight Systems SQLite export (built fixture)', async (env) => {
    const p = join(env.scratch, 'nsys-fixture.sqlite');
    await writeNsysFixture(p);
    const fixture = readFileSync(p);
    // the same export with one 2 MiB string in StringIds (a runtime call's name): long strings in SQLite values
    return [{ name: 'nsys fixture (src/importers/nsys-sqlite/fixture.ts)', bytes: fixture }, { name: 'nsys fixture with a 2 MiB string', bytes: await withHugeString(fixture, 2 << 20) }];
  }),
  importerTarget('uvm-fault-log', 'UVM fault/batch kernel log (SC\'21 instrumented driver)', (env) =>
    samples(env, 'uvm-eval-fault-log/abc/short_log_32_ts/abc_1', 'uvm-eval-fault-log/abc/short_log_32_ts/abc_3'), ['huge-string'],
  ),
  importerTarget('rocprofv3-csv', 'rocprofv3 memory allocation / copy CSV', (env) =>
    samples(env, 'rocprofv3-csv/memory_allocation_trace.csv', 'rocprofv3-csv/memory_copy_trace.csv'), ['wide-csv', 'huge-string'],
  ),
  importerTarget('rocprofv3-scratch', 'rocprofv3 scratch-memory trace CSV (hand-written fixtures, with and without sizes)', (env) => {
    const out: CorpusEntry[] = [];
    for (const f of ['scratch_memory_trace.csv', 'scratch_memory_trace_nosize.csv']) {
      const fx = read(join(env.projectRoot, 'test', 'fixtures', 'rocprofv3-scratch', f));
      if (fx) out.push({ name: `test/fixtures/rocprofv3-scratch/${f}`, bytes: fx });
    }
    return out;
  }, ['wide-csv', 'huge-string']),
  importerTarget('gfxr-jsonl', 'GFXReconstruct JSON Lines (vkFunc and function keys)', (env) => {
    const out = samples(env, 'gfxreconstruct/external-memory-fd-import.jsonl', 'gfxreconstruct/multisample-depth.jsonl');
    const fx = read(join(env.projectRoot, 'test', 'fixtures', 'gfxr-jsonl', 'function-key-sparse.jsonl'));
    if (fx) out.push({ name: 'test/fixtures/gfxr-jsonl/function-key-sparse.jsonl', bytes: fx });
    return out;
  }, ['huge-string']),
  importerTarget('vma-json', 'VMA / D3D12MA JSON statistics dump (3.x sample, hand-written 2.x fixture)', (env) => {
    const out = samples(env, 'vma-json-dump/Sample.json');
    const fx = read(join(env.projectRoot, 'test', 'fixtures', 'vma-json', 'vma2-detailed-map.json'));
    if (fx) out.push({ name: 'test/fixtures/vma-json/vma2-detailed-map.json', bytes: fx });
    return out;
  }, ['huge-string']),
  importerTarget('vma-recording', 'VMA 2.x calls-recording CSV', (env) => samples(env, 'vma-recording-csv/vma_replay.csv'), ['wide-csv', 'huge-string']),
];

/** Target names, for argument checks and `--help`. */
export function fuzzTargetNames(): string[] {
  return FUZZ_TARGETS.map((t) => t.name);
}
