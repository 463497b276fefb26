import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable } from '../display/text-table';
import { oneLineArgError } from '../log/arg-error';
import { writeFileAtomic } from '../io/atomic';
import { formatDiagnostic } from '../log/diagnostic';
import { PROJECT_ROOT } from '../version';
import { runFuzzJob } from './run-job';
import { runFuzz, type FuzzNote, type FuzzReport } from './runner';
import { FUZZ_TARGETS, fuzzTargetNames } from './targets';

/** `npm run fuzz` usage. */
export const FUZZ_USAGE = `Usage: npm run fuzz -- [--seconds N] [--seed S] [--target name …] [--inputs N] [--timeout-ms N] [--out-dir dir]
       npm run fuzz -- --replay out/fuzz/<finding>.json
       npm run fuzz -- --list

Mutates the committed traces and the shared trace samples (byte flips, truncations, insertions, deletions,
splices, repeated chunks, huge numbers, gzip-wrapped and damaged gzip; and, per format, pickles with shared
references and cyclic or deep keys, huge strings, CSVs with up to 100 k columns) and imports each mutated input in a
worker thread under a watchdog. Fails (exit 1) on any crash (an exception other than a gmemlab error), hang
(no answer within the time bound) or rejection without file, position, expected and found. Problem inputs
are saved under out/fuzz/ with a note to --replay.

  --seconds N     total time, split evenly over the targets (default 60)
  --seed S        seed of the mutations (default: derived from the clock, printed)
  --target name   only these targets (repeatable or comma list); --list shows them
  --inputs N      at most N inputs per target (with --seconds, whichever ends first)
  --timeout-ms N  per-input time bound (default 20000 + 2000 per MB of input)
  --out-dir dir   where findings are saved (default out/fuzz)
`;

/** Output channels (tests capture them). */
export interface FuzzIO {
  stdout(s: string): void;
  stderr(s: string): void;
}

const processIO: FuzzIO = { stdout: (s) => void process.stdout.write(s), stderr: (s) => void process.stderr.write(s) };

/** The report as text: one row per target, then the totals and the distinct rejection codes. */
export function formatFuzzReport(r: FuzzReport): string {
  const rows = r.targets.map((t) => [
    t.name, String(t.corpusFiles), t.skipped ? 'skipped' : String(t.inputs), String(t.ok), String(t.rejected), String(Object.keys(t.codes).length),
    String(t.crashes), String(t.hangs), String(t.unlocated), t.seconds.toFixed(1),
  ]);
  const codes = new Map<string, number>();
  for (const t of r.targets) for (const [c, n] of Object.entries(t.codes)) codes.set(c, (codes.get(c) ?? 0) + n);
  const crashes = r.targets.reduce((n, t) => n + t.crashes, 0);
  const hangs = r.targets.reduce((n, t) => n + t.hangs, 0);
  const unlocated = r.targets.reduce((n, t) => n + t.unlocated, 0);
  const pos = r.targets.reduce((a, t) => ({ line: a.line + t.positions.line, offset: a.offset + t.positions.offset, field: a.field + t.positions.field }), { line: 0, offset: 0, field: 0 });
  const lines = [
    formatTable(['target', 'corpus', 'inputs', 'ok', 'rejected', 'codes', 'crashes', 'hangs', 'unlocated', 'seconds'], rows).trimEnd(),
    '',
    `seed ${r.seed}: ${r.inputs} inputs tried in ${r.seconds.toFixed(0)} s; ${r.distinctCodes} distinct error codes; ${crashes} crashes, ${hangs} hangs, ${unlocated} rejections without file/position/expected/found`,
    `rejections located by line ${pos.line}, byte offset ${pos.offset}, field path ${pos.field}`,
    `error codes: ${[...codes.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c, n]) => `${c} ${n}`).join(', ')}`,
  ];
  for (const f of r.findings) lines.push(`${f.kind.toUpperCase()} ${f.target} #${f.index}: ${f.summary} → ${f.saved}`);
  return `${lines.join('\n')}\n`;
}

/** Re-run a saved finding in this process and print what happens now (with the stack of a crash). */
async function replay(notePath: string, io: FuzzIO): Promise<number> {
  if (!existsSync(notePath)) {
    io.stderr(`argument: no such finding note: ${notePath}\n`);
    return 2;
  }
  const note = JSON.parse(readFileSync(notePath, 'utf8')) as FuzzNote;
  io.stdout(`${note.target} #${note.index} (seed ${note.seed}): ${note.mutation} of ${note.entry}\njob ${JSON.stringify(note.job)}\ninput ${note.input}\n`);
  const t0 = Date.now();
  const o = await runFuzzJob(note.job, note.input);
  const ms = Date.now() - t0;
  if (o.status === 'ok') io.stdout(`now: imports cleanly (${o.rows} rows, ${ms} ms)\n`);
  else if (o.status === 'rejected') io.stdout(`now: rejected in ${ms} ms: ${formatDiagnostic(o.diagnostic)}\n`);
  else io.stdout(`now: CRASH ${o.stack ?? `${o.name}: ${o.message}`}\n`);
  return o.status === 'crash' ? 1 : 0;
}

/** `npm run fuzz` — returns the exit code: 0 clean, 1 findings, 2 bad arguments. */
export async function fuzzMain(argv: readonly string[], io: FuzzIO = processIO, root: string = PROJECT_ROOT): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: {
        seconds: { type: 'string' }, seed: { type: 'string' }, target: { type: 'string', multiple: true }, inputs: { type: 'string' },
        'timeout-ms': { type: 'string' }, 'out-dir': { type: 'string' }, replay: { type: 'string' }, list: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (e) {
    io.stderr(`argument: ${oneLineArgError(e)}\n`);
    return 2;
  }
  const v = args.values;
  if (v.help) {
    io.stdout(FUZZ_USAGE);
    return 0;
  }
  if (v.list) {
    io.stdout(formatTable(['target', 'summary'], FUZZ_TARGETS.map((t) => [t.name, t.summary])));
    return 0;
  }
  if (v.replay !== undefined) return replay(v.replay, io);
  const num = (flag: string, s: string | undefined, min: number): number | undefined | string => {
    if (s === undefined) return undefined;
    const n = Number(s);
    return s.trim() !== '' && Number.isInteger(n) && n >= min ? n : `argument: bad value for --${flag} (expected an integer >= ${min}, found ${JSON.stringify(s)})`;
  };
  const seconds = num('seconds', v.seconds, 1);
  const seed = num('seed', v.seed, 0);
  const inputs = num('inputs', v.inputs, 1);
  const timeoutMs = num('timeout-ms', v['timeout-ms'], 100);
  for (const x of [seconds, seed, inputs, timeoutMs]) {
    if (typeof x === 'string') {
      io.stderr(`${x}\n`);
      return 2;
    }
  }
  const targets = (v.target ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
  const unknown = targets.find((t) => !fuzzTargetNames().includes(t));
  if (unknown !== undefined) {
    io.stderr(`argument: unknown fuzz target '${unknown}' (expected one of ${fuzzTargetNames().join(', ')})\n`);
    return 2;
  }
  const s = (seed as number | undefined) ?? (Date.now() % 2 ** 31);
  const outDir = v['out-dir'] ?? join(root, 'out', 'fuzz');
  io.stderr(`fuzz: seed ${s}${inputs === undefined || seconds !== undefined ? `, ${(seconds as number | undefined) ?? 60} s` : ''}${inputs !== undefined ? `, at most ${inputs} inputs per target` : ''}\n`);
  const report = await runFuzz({
    seed: s,
    ...(seconds !== undefined ? { seconds: seconds as number } : {}),
    ...(inputs !== undefined ? { inputsPerTarget: inputs as number } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs: timeoutMs as number } : {}),
    ...(targets.length ? { targets } : {}),
    outDir,
    projectRoot: root,
    log: (l) => io.stderr(`  ${l}\n`),
  });
  io.stdout(`\n${formatFuzzReport(report)}`);
  mkdirSync(outDir, { recursive: true });
  writeFileAtomic(join(outDir, 'last-run.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report.findings.length ? 1 : 0;
}
