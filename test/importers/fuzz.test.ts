import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { REAL_IMPORTERS } from '../../src/importers/real-formats';
import type { ImporterDef } from '../../src/importers/types';
import { GmemlabError } from '../../src/log/diagnostic';
import { Rng } from '../../src/sim/rng';
import { absent, FIXTURES, importWith, sample } from './helpers';
import { writeNsysFixture } from './nsys-sqlite/fixture';

/**
 * Fuzz-style robustness (issue 6 acceptance): truncations and seeded random byte flips of each importer's
 * sample either import cleanly (possibly with warnings) or stop with a GmemlabError that names the file and
 * a location (line, byte offset or field) — never any other exception. Large samples get fewer variants to
 * keep the suite fast; the seed makes every run identical.
 */
const dir = mkdtempSync(join(tmpdir(), 'gmemlab-fuzz-'));
const byName = (n: string): ImporterDef<any> => REAL_IMPORTERS.find((d) => d.name === n)!;

interface Target {
  readonly format: string;
  readonly rel?: string;
  readonly fixture?: string;
  readonly variants: number;
  readonly opts?: Record<string, unknown>;
}

const TARGETS: Target[] = [
  { format: 'pytorch-snapshot', rel: 'pytorch-memory-snapshot/memory.pickle', variants: 2 },
  { format: 'kineto', rel: 'kineto-chrome-trace/mi250_minitoy_train_ROCm6_2_kineto.json.gz', variants: 16 },
  { format: 'kineto', fixture: 'kineto/legacy-pytorch-1.9.json', variants: 16 },
  { format: 'pytorch-timeline', rel: 'pytorch-memory-timeline-raw/memory_timeline.raw.gz', variants: 3, opts: { layout: 'bump' } },
  { format: 'uvm-fault-log', rel: 'uvm-eval-fault-log/abc/short_log_32_ts/abc_1', variants: 16 },
  { format: 'rocprofv3-csv', rel: 'rocprofv3-csv/memory_allocation_trace.csv', variants: 16 },
  { format: 'rocprofv3-csv', rel: 'rocprofv3-csv/memory_copy_trace.csv', variants: 16 },
  { format: 'gfxr-jsonl', rel: 'gfxreconstruct/external-memory-fd-import.jsonl', variants: 16 },
  { format: 'gfxr-jsonl', fixture: 'gfxr-jsonl/function-key-sparse.jsonl', variants: 16 },
  { format: 'vma-json', rel: 'vma-json-dump/Sample.json', variants: 16 },
  { format: 'vma-json', fixture: 'vma-json/vma2-detailed-map.json', variants: 16 },
  { format: 'rocprofv3-scratch', fixture: 'rocprofv3-scratch/scratch_memory_trace.csv', variants: 16 },
  { format: 'vma-recording', rel: 'vma-recording-csv/vma_replay.csv', variants: 16 },
  { format: 'nsys-sqlite', variants: 12 },
];

/** Accept a clean import or a located GmemlabError; rethrow anything else. */
async function survives(def: ImporterDef<any>, path: string, opts: Record<string, unknown> | undefined, what: string): Promise<'ok' | 'error'> {
  try {
    await importWith(def, path, opts);
    return 'ok';
  } catch (e) {
    if (!(e instanceof GmemlabError)) {
      assert.fail(`${what}: ${def.name} threw a non-GmemlabError: ${(e as Error)?.stack ?? String(e)}`);
    }
    const d = e.diagnostic;
    assert.equal(d.file, path, `${what}: the error names the file (${e.message})`);
    assert.ok(d.line !== undefined || d.offset !== undefined || d.field !== undefined, `${what}: the error has a location (${e.message})`);
    assert.ok(d.expected !== undefined || d.severity === 'error', `${what}: ${e.message}`);
    return 'error';
  }
}

async function original(t: Target): Promise<Buffer | undefined> {
  if (t.format === 'nsys-sqlite') {
    const p = join(dir, 'nsys.sqlite');
    await writeNsysFixture(p);
    return readFileSync(p);
  }
  const p = t.fixture ? join(FIXTURES, t.fixture) : sample(t.rel!);
  if (!p) return undefined;
  const raw = readFileSync(p);
  return raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw; // fuzz the content, not the gzip framing
}

for (const t of TARGETS) {
  const name = t.rel ?? t.fixture ?? 'built nsys fixture';
  test(`fuzz ${t.format} (${name}): truncations and seeded byte flips give a clean import or a located GmemlabError`, { skip: t.rel ? absent(t.rel) : false }, async () => {
    const def = byName(t.format);
    const bytes = (await original(t))!;
    const rng = new Rng(0x5eed + bytes.length);
    let errors = 0;
    // truncations: empty, tiny, random cut points, one byte short
    const cuts = [0, 1, 7, bytes.length - 1];
    for (let k = 0; k < t.variants; k++) cuts.push(1 + rng.int(bytes.length - 1));
    for (const n of cuts) {
      const p = join(dir, `${t.format}-cut-${n}`);
      writeFileSync(p, bytes.subarray(0, n));
      if ((await survives(def, p, t.opts, `truncated to ${n} bytes`)) === 'error') errors++;
    }
    // byte flips: 1 to 8 random positions replaced by random bytes
    for (let k = 0; k < t.variants; k++) {
      const b = Buffer.from(bytes);
      const flips = 1 + rng.int(8);
      for (let f = 0; f < flips; f++) b[rng.int(b.length)] = rng.int(256);
      const p = join(dir, `${t.format}-flip-${k}`);
      writeFileSync(p, b);
      if ((await survives(def, p, t.opts, `flip variant ${k}`)) === 'error') errors++;
    }
    assert.ok(errors > 0, 'damage is detected at least once (truncation to 1 byte cannot be a valid file)');
  });
}

test('gzip damage (truncated or flipped compressed bytes) is a located io error', { skip: absent('kineto-chrome-trace/mi250_minitoy_train_ROCm6_2_kineto.json.gz') }, async () => {
  const def = byName('kineto');
  const raw = readFileSync(sample('kineto-chrome-trace/mi250_minitoy_train_ROCm6_2_kineto.json.gz')!);
  const p = join(dir, 'cut.json.gz');
  writeFileSync(p, raw.subarray(0, raw.length >> 1));
  assert.equal(await survives(def, p, undefined, 'half gzip'), 'error');
  const flipped = Buffer.from(raw);
  flipped[raw.length - 6] ^= 0xff; // CRC/size trailer
  writeFileSync(p, flipped);
  assert.equal(await survives(def, p, undefined, 'gzip trailer flip'), 'error');
});
