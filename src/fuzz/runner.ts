import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { writeFileAtomic } from '../io/atomic';
import type { Diagnostic } from '../log/diagnostic';
import { Rng } from '../sim/rng';
import { cacheRoot } from '../trace/cache';
import { PROJECT_ROOT } from '../version';
import { mutate, mutateStructural } from './mutate';
import { FUZZ_TARGETS, type CorpusEntry, type FuzzJob, type FuzzTarget } from './targets';
import { JobThread, type LateCrash, type WatchedOutcome } from './watchdog';

/**
 * The fuzz runner (`npm run fuzz`): for each target (src/fuzz/targets.ts), mutate its corpus files
 * (src/fuzz/mutate.ts) and feed every mutated input to gmemlab in a worker thread under a watchdog
 * (src/fuzz/watchdog.ts). Asserted for every input:
 * - no crash: the input imports cleanly or is rejected with a `GmemlabError`; any other exception, a dead
 *   thread or running out of the thread's heap is a crash;
 * - no hang: an answer within the time bound (the thread is terminated otherwise);
 * - every rejection is located and explained: its diagnostic names the input file, a position (line, byte
 *   offset, or for decoded structures the field path), what was expected and what was found.
 * Crashing, hanging and unlocated inputs are saved under `outDir` (default out/fuzz/) with a JSON note
 * (target, job, mutation, corpus file, outcome) that `npm run fuzz -- --replay <note.json>` re-runs.
 *
 * Input `i` of target `t` is a pure function of (seed, t, i): a run is reproducible from its seed, whether
 * it is bounded by time (`seconds`) or by count (`inputsPerTarget`, which `npm test` uses).
 */
export interface FuzzOptions {
  /** Total time budget, split evenly over the targets (default 60). */
  readonly seconds?: number;
  /** Stop each target after this many inputs (default: no limit; the time budget decides). */
  readonly inputsPerTarget?: number;
  readonly seed: number;
  /** Target names (default: all). */
  readonly targets?: readonly string[];
  /** Per-input time bound, ms (default 20,000 plus 2 s per MB of input). */
  readonly timeoutMs?: number;
  /** Where crashing inputs are saved (default <project>/out/fuzz). */
  readonly outDir?: string;
  readonly projectRoot?: string;
  /** Shared trace samples (default <project>/../shared/trace-samples). */
  readonly samplesDir?: string;
  /** Module exporting `runFuzzJob` (tests substitute one that hangs or throws on purpose). */
  readonly jobModule?: string;
  /** The targets to choose from (default FUZZ_TARGETS). */
  readonly registry?: readonly FuzzTarget[];
  /** Progress lines. */
  readonly log?: (line: string) => void;
}

/** A problem input: what happened and where the input was saved. */
export interface FuzzFinding {
  readonly target: string;
  readonly index: number;
  readonly kind: 'crash' | 'hang' | 'unlocated';
  /** One line: the exception, the hang time, or which diagnostic fields are missing. */
  readonly summary: string;
  readonly saved: string;
}

/** Counts of one target. */
export interface TargetReport {
  readonly name: string;
  readonly corpusFiles: number;
  /** Reason the target did not run (empty corpus). */
  readonly skipped?: string;
  inputs: number;
  ok: number;
  rejected: number;
  /** Rejections by message code. */
  readonly codes: Record<string, number>;
  /** Rejections by the kind of position they carry. */
  readonly positions: { line: number; offset: number; field: number };
  crashes: number;
  hangs: number;
  unlocated: number;
  seconds: number;
}

/** The outcome of a run. */
export interface FuzzReport {
  readonly seed: number;
  readonly targets: TargetReport[];
  readonly findings: FuzzFinding[];
  readonly inputs: number;
  /** Distinct rejection codes over all targets. */
  readonly distinctCodes: number;
  readonly seconds: number;
}

/** What a rejection lacks (empty when it is complete): file, position, expected, found. */
export function missingFields(d: Diagnostic, file: string): string[] {
  const out: string[] = [];
  if (d.file !== file) out.push(d.file === undefined ? 'file' : `file (names ${JSON.stringify(d.file)})`);
  if (d.line === undefined && d.offset === undefined && d.field === undefined) out.push('position');
  if (d.expected === undefined) out.push('expected');
  if (d.found === undefined) out.push('found');
  if (d.severity !== 'error') out.push(`severity error (is ${d.severity})`);
  return out;
}

/** Share of a target's inputs mutated structurally when it names structural mutations (targets.ts). */
export const STRUCTURAL_SHARE = 0.25;

/** Seed of input `index` of `target` in a run seeded `seed`. */
export function inputSeed(seed: number, target: string, index: number): number {
  return createHash('sha256').update(`${seed}\0${target}\0${index}`).digest().readUInt32LE(0);
}

/** A file name for an input: the corpus file's extension(s), so name-based sniffing sees the same. */
function inputName(target: string, index: number, entry: CorpusEntry): string {
  const base = entry.name.split(/[\\/]/).pop()!.split(' ')[0]!;
  const ext = base.endsWith('.json.gz') ? '.json.gz' : base.endsWith('.raw.gz') ? '.raw.gz' : extname(base);
  return `${target}-${index}${ext}`;
}

/** Build every selected target's corpus (splice material is shared across targets). */
async function corpora(targets: readonly FuzzTarget[], env: { projectRoot: string; samplesDir: string; scratch: string; cacheDir: string }) {
  const out = new Map<string, CorpusEntry[]>();
  for (const t of targets) out.set(t.name, await t.corpus(env));
  return out;
}

/** Run the fuzzer. */
export async function runFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const log = o.log ?? (() => {});
  const root = o.projectRoot ?? PROJECT_ROOT;
  const registry = o.registry ?? FUZZ_TARGETS;
  const selected = o.targets?.length ? registry.filter((t) => o.targets!.includes(t.name)) : [...registry];
  const outDir = o.outDir ?? join(root, 'out', 'fuzz');
  const scratch = mkdtempSync(join(tmpdir(), 'gmemlab-fuzz-'));
  const thread = new JobThread(o.jobModule ? { module: o.jobModule } : {});
  const t0 = Date.now();
  const reports: TargetReport[] = [];
  const findings: FuzzFinding[] = [];
  try {
    log(`building the corpus of ${selected.length} target(s)…`);
    const env = { projectRoot: root, samplesDir: o.samplesDir ?? join(root, '..', 'shared', 'trace-samples'), scratch, cacheDir: cacheRoot() };
    const all = await corpora(selected, env);
    const splicePool = [...all.values()].flat().map((e) => e.bytes);
    const active = selected.filter((t) => all.get(t.name)!.length > 0);
    const perTargetMs = ((o.seconds ?? 60) * 1000) / Math.max(1, active.length);
    /** The input before the current one: asynchronous exceptions found later are its crashes. */
    let prev: Input | undefined;
    const record = (input: Input, kind: FuzzFinding['kind'], summary: string, outcome: WatchedOutcome): void => {
      const saved = save(outDir, { seed: o.seed, target: input.target, index: input.index, job: input.job, entry: input.entry, mutation: input.mutation, outcome, bytes: input.bytes, path: input.path });
      findings.push({ target: input.target, index: input.index, kind, summary, saved });
      log(`${input.target} #${input.index}: ${kind.toUpperCase()} ${summary} (${input.mutation} of ${input.entry}; saved ${saved})`);
    };
    const lateCrash = (input: Input, c: LateCrash): void => {
      input.report.crashes++;
      record(input, 'crash', `${c.name}: ${c.message.split('\n')[0]} (raised asynchronously after the import returned)`, c);
    };
    for (const t of selected) {
      const corpus = all.get(t.name)!;
      const rep: TargetReport = {
        name: t.name, corpusFiles: corpus.length, inputs: 0, ok: 0, rejected: 0, codes: {}, positions: { line: 0, offset: 0, field: 0 },
        crashes: 0, hangs: 0, unlocated: 0, seconds: 0,
      };
      reports.push(rep);
      if (corpus.length === 0) {
        (rep as { skipped?: string }).skipped = 'no corpus files (shared trace samples absent)';
        log(`${t.name}: skipped (no corpus files)`);
        continue;
      }
      const start = Date.now();
      const deadline = start + perTargetMs;
      const limit = o.inputsPerTarget ?? Infinity;
      const timed = o.seconds !== undefined || o.inputsPerTarget === undefined;
      for (let i = 0; i < limit; i++) {
        if (timed && Date.now() >= deadline) break;
        const rng = new Rng(inputSeed(o.seed, t.name, i));
        const entry = corpus[rng.int(corpus.length)]!;
        const job = t.job(entry, rng);
        // a share of the inputs get a structural mutation that fits the format (issue 18), the rest byte-level ones
        const m = t.structural?.length && rng.next() < STRUCTURAL_SHARE ? mutateStructural(entry.bytes, t.structural, rng) : mutate(entry.bytes, splicePool, rng);
        const path = join(scratch, inputName(t.name, i, entry));
        writeFileAtomic(path, m.bytes);
        const timeout = o.timeoutMs ?? 20_000 + 2 * Math.ceil(m.bytes.length / 1e6) * 1000;
        const { outcome, previous } = await thread.run(job, path, timeout);
        if (prev) for (const late of previous) lateCrash(prev, late);
        rep.inputs++;
        const input: Input = { target: t.name, index: i, job, entry: entry.name, mutation: m.detail, bytes: m.bytes, path, report: rep };
        const finding = classify(rep, outcome, path);
        if (finding) record(input, finding.kind, finding.summary, outcome);
        rmSync(path, { force: true });
        prev = input;
      }
      if (prev) for (const late of await thread.flush()) lateCrash(prev, late);
      prev = undefined;
      rep.seconds = (Date.now() - start) / 1000;
      log(`${t.name}: ${rep.inputs} inputs, ${rep.ok} ok, ${rep.rejected} rejected (${Object.keys(rep.codes).length} codes), ${rep.crashes} crashes, ${rep.hangs} hangs, ${rep.unlocated} unlocated, ${rep.seconds.toFixed(1)} s`);
    }
  } finally {
    await thread.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  const codes = new Set(reports.flatMap((r) => Object.keys(r.codes)));
  return { seed: o.seed, targets: reports, findings, inputs: reports.reduce((n, r) => n + r.inputs, 0), distinctCodes: codes.size, seconds: (Date.now() - t0) / 1000 };
}

/** A mutated input, kept until the next one has run (late crashes are attributed to it). */
interface Input {
  readonly target: string;
  readonly index: number;
  readonly job: FuzzJob;
  readonly entry: string;
  readonly mutation: string;
  readonly bytes: Uint8Array;
  readonly path: string;
  readonly report: TargetReport;
}

/** Count an outcome; returns the finding it is, if any. */
function classify(rep: TargetReport, outcome: WatchedOutcome, path: string): { kind: FuzzFinding['kind']; summary: string } | undefined {
  switch (outcome.status) {
    case 'ok':
      rep.ok++;
      return undefined;
    case 'hang':
      rep.hangs++;
      return { kind: 'hang', summary: `no answer after ${(outcome.ms / 1000).toFixed(1)} s` };
    case 'crash':
      rep.crashes++;
      return { kind: 'crash', summary: `${outcome.name}: ${outcome.message.split('\n')[0]}` };
    case 'rejected': {
      const d = outcome.diagnostic;
      rep.rejected++;
      rep.codes[d.code] = (rep.codes[d.code] ?? 0) + 1;
      if (d.line !== undefined) rep.positions.line++;
      else if (d.offset !== undefined) rep.positions.offset++;
      else if (d.field !== undefined) rep.positions.field++;
      // a run refusing an imported trace (agents beyond the platform, no footprint to oversubscribe) is about
      // the whole trace and its settings, not a place in the file
      const missing = outcome.phase === 'simulate' ? [] : missingFields(d, path);
      if (missing.length === 0) return undefined;
      rep.unlocated++;
      return { kind: 'unlocated', summary: `${d.code} lacks ${missing.join(', ')}: ${d.message}` };
    }
  }
}

/** A saved finding: the input and a note to replay it. */
export interface FuzzNote {
  readonly seed: number;
  readonly target: string;
  readonly index: number;
  readonly job: FuzzJob;
  readonly entry: string;
  readonly mutation: string;
  readonly outcome: WatchedOutcome;
  /** The input file, beside the note. */
  readonly input: string;
}

function save(outDir: string, f: Omit<FuzzNote, 'input'> & { bytes: Uint8Array; path: string }): string {
  mkdirSync(outDir, { recursive: true });
  const hash = createHash('sha256').update(f.bytes).digest('hex').slice(0, 12);
  const ext = f.path.slice(f.path.indexOf('.', f.path.lastIndexOf('/')));
  const input = join(outDir, `${f.target}-${hash}${ext.startsWith('.') ? ext : ''}`);
  writeFileAtomic(input, f.bytes);
  const note: FuzzNote = { seed: f.seed, target: f.target, index: f.index, job: f.job, entry: f.entry, mutation: f.mutation, outcome: f.outcome, input };
  const notePath = join(outDir, `${f.target}-${hash}.json`);
  writeFileAtomic(notePath, `${JSON.stringify(note, null, 2)}\n`);
  return notePath;
}
