import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GmemlabError } from '../../src/log/diagnostic';
import { Rng } from '../../src/sim/rng';
import { ArrowTraceWriter } from '../../src/trace/arrow/write';
import { batchesToEvents, eventsToBatches, type EventBatch } from '../../src/trace/batch';
import { writeCanonicalCsv } from '../../src/trace/canonical-csv/write';
import { digestBatches } from '../../src/trace/digest';
import { ADVICE_NAMES, FLAG_NAMES, type FlagName, type TraceEvent } from '../../src/trace/event';
import { importFile } from '../../src/importers/import-file';
import { openTrace } from '../../src/importers/open';
import { StringTable } from '../../src/trace/strings';
import { collectBatches } from '../../src/trace/trace';
import { foreignCsvWorkload } from '../../src/workloads/foreign-csv';
import { chunked } from './canonical-csv/helpers';
import { readCanonicalCsv } from '../../src/trace/canonical-csv/read';
import { DiagnosticLog } from '../../src/log/collector';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-rt-'));

const TEXTS = ['a', 'buf,0', 'say "hi"', 'naïve ☃', ' padded ', 'two\nlines', 'phase:warm,up', 'x'.repeat(40)];
const AGENTS = ['cpu', 'dev0', 'dev1', 'dev17'];

/** A random valid trace: every op, every optional column, edge values (addresses near 2^53, big counts). */
function randomTrace(seed: number, n: number): TraceEvent[] {
  const rng = new Rng(seed);
  const pick = <T>(a: readonly T[]): T => a[rng.int(a.length)]!;
  const out: TraceEvent[] = [];
  let t = rng.int(1000);
  for (let i = 0; i < n; i++) {
    t += rng.next() < 0.3 ? 0 : rng.int(100000);
    const page = pick([4096, 65536, 2097152]);
    const bytes = page * (1 + rng.int(8));
    const va = rng.next() < 0.1 ? 2 ** 53 - bytes : page * (1 + rng.int(1 << 20)); // ranges may end exactly at 2^53
    const agent = pick(AGENTS);
    const ops = ['reserve', 'release', 'alloc', 'free', 'map', 'unmap', 'access', 'prefetch', 'advise', 'copy', 'kernelBegin', 'kernelEnd', 'marker', 'protect', 'fork'] as const;
    const op = pick(ops);
    const e: Record<string, unknown> = { op, tNs: t, agent };
    switch (op) {
      case 'reserve': case 'unmap': case 'protect': Object.assign(e, { va, bytes }); break;
      case 'release': case 'free': Object.assign(e, { va }, rng.next() < 0.5 ? { bytes } : {}); break;
      case 'alloc': Object.assign(e, { va, bytes, flags: [pick(['host', 'device', 'managed', 'peer_shared', 'pinned_host'] as FlagName[])] }, rng.next() < 0.5 ? { resource: pick(TEXTS) } : {}); break;
      case 'map': Object.assign(e, { va, bytes, pageBytes: page, offsetBytes: page * rng.int(4) }, rng.next() < 0.3 ? { flags: ['null'] } : { resource: pick(TEXTS), flags: rng.next() < 0.5 ? ['readonly', 'compressed'] : undefined }); break;
      case 'access': Object.assign(e, { va, bytes: 1 + rng.int(Math.min(8192, bytes)), access: pick(['r', 'w', 'rw', 'atomic']) }, rng.next() < 0.3 ? { count: 1 + rng.int(2 ** 32 - 1) } : {}, rng.next() < 0.2 ? { flags: ['from_fault', 'synthetic'] } : {}); break;
      case 'prefetch': Object.assign(e, { va, bytes, target: pick(AGENTS) }, rng.next() < 0.5 ? { flags: ['async'] } : {}); break;
      case 'advise': Object.assign(e, { va, bytes, advice: pick(Object.values(ADVICE_NAMES)) }, rng.next() < 0.5 ? { target: pick(AGENTS) } : {}); break;
      case 'copy': Object.assign(e, { target: pick(AGENTS) }, rng.next() < 0.5 ? { bytes } : { flags: ['size_unknown'] }, rng.next() < 0.5 ? { va } : {}); break;
      case 'kernelBegin': Object.assign(e, { label: pick(TEXTS), durNs: rng.int(1e9) }); break;
      case 'kernelEnd': Object.assign(e, rng.next() < 0.5 ? { label: pick(TEXTS) } : {}); break;
      case 'marker': Object.assign(e, { label: pick(['oom', 'frame', 'phase:x', ...TEXTS]) }, rng.next() < 0.3 ? { bytes: rng.int(1 << 30), durNs: rng.int(1000) } : {}); break;
      default: break;
    }
    for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
    out.push(e as unknown as TraceEvent);
  }
  void FLAG_NAMES;
  return out;
}

async function writeCsv(batches: EventBatch[], name: string, meta: Record<string, string> = {}): Promise<string> {
  const p = join(dir, name);
  await writeCanonicalCsv(batches, meta, p);
  return p;
}

test('canonical CSV → import → write CSV reproduces the file byte for byte (generated workload and random traces)', async () => {
  const w = foreignCsvWorkload;
  const inputs: Array<[EventBatch[], Record<string, string>]> = [[[...w.generate(w.defaults, 5)], w.meta(w.defaults, 5) as Record<string, string>]];
  for (const seed of [1, 2, 3]) inputs.push([eventsToBatches(randomTrace(seed, 3000)), { seed: String(seed) }]);
  let k = 0;
  for (const [batches, meta] of inputs) {
    const src = await writeCsv(batches, `src${k}.csv`, meta);
    const out = join(dir, `out${k++}.csv`);
    const { summary } = await importFile(src, { cache: false }, out);
    assert.equal(readFileSync(out, 'utf8'), readFileSync(src, 'utf8'));
    assert.equal(summary.digest, digestBatches(batches));
  }
});

test('random valid traces round-trip through CSV and through Arrow with the same events and digest', async () => {
  for (const seed of [11, 12, 13, 14]) {
    const events = randomTrace(seed, 2000);
    const batches = eventsToBatches(events, new StringTable(), 700);
    const csv = await writeCsv(batches, `r${seed}.csv`);
    const viaCsv = await collectBatches(await openTrace(csv, { cache: false }));
    assert.deepEqual(batchesToEvents(viaCsv.batches), batchesToEvents(batches));
    const arrow = join(dir, `r${seed}.arrow`);
    const w = ArrowTraceWriter.open(arrow);
    for (const b of viaCsv.batches) await w.write(b);
    await w.finish(viaCsv.reader.meta, viaCsv.reader.log);
    const viaArrow = await collectBatches(await openTrace(arrow, { cache: false }));
    assert.equal(digestBatches(viaArrow.batches), digestBatches(batches));
    assert.deepEqual(batchesToEvents(viaArrow.batches), batchesToEvents(batches));
  }
});

test('the Arrow cache gives the same events (same digest) as parsing the CSV', async () => {
  const batches = eventsToBatches(randomTrace(99, 70_000));
  const csv = await writeCsv(batches, 'cached.csv');
  const t = await openTrace(csv, { cache: { dir: join(dir, 'cache'), minBytes: 0 } });
  const first = await collectBatches(t);
  assert.ok(t.isCached());
  const second = await collectBatches(t);
  assert.equal(digestBatches(first.batches), digestBatches(batches));
  assert.equal(digestBatches(second.batches), digestBatches(batches));
});

function assertPrecise(e: unknown): void {
  assert.ok(e instanceof GmemlabError, `not a GmemlabError: ${(e as Error)?.stack ?? String(e)}`);
  const d = e.diagnostic;
  assert.ok(d.file !== undefined, `no file: ${e.message}`);
  assert.ok(d.line !== undefined || d.offset !== undefined, `no position: ${e.message}`);
  assert.ok(d.expected !== undefined && d.found !== undefined, `no expected/found: ${e.message}`);
}

test('random byte corruption (seeded) never escapes as anything but a precise GmemlabError', async () => {
  const base = readFileSync(await writeCsv(eventsToBatches(randomTrace(7, 300)), 'base.csv', { workload: 'x' }));
  const rng = new Rng(2024);
  let errors = 0;
  for (let iter = 0; iter < 200; iter++) {
    const buf = Buffer.from(base);
    const edits = 1 + rng.int(4);
    let data = buf;
    for (let k = 0; k < edits; k++) {
      const at = rng.int(data.length);
      const kind = rng.int(4);
      if (kind === 0) data[at] = rng.int(256);
      else if (kind === 1) data = Buffer.concat([data.subarray(0, at), Buffer.from([rng.int(256)]), data.subarray(at)]);
      else if (kind === 2) data = Buffer.concat([data.subarray(0, at), data.subarray(at + 1 + rng.int(20))]);
      else data = data.subarray(0, at); // truncation
    }
    for (const strict of [true, false]) {
      try {
        for await (const b of readCanonicalCsv(chunked(data, 1 + rng.int(4096)), { file: 'c.csv', strict, log: new DiagnosticLog(), strings: new StringTable(), meta: {} })) void b;
      } catch (e) {
        assertPrecise(e);
        errors++;
      }
    }
  }
  assert.ok(errors > 50, `corruption was detected (${errors} errors)`);
});

test('random byte corruption of an Arrow trace is detected or harmless, never an uncaught exception', async () => {
  const batches = eventsToBatches(randomTrace(8, 500), new StringTable(), 100);
  const p = join(dir, 'base.arrow');
  const w = ArrowTraceWriter.open(p);
  for (const b of batches) await w.write(b);
  await w.finish({}, null);
  const base = readFileSync(p);
  const want = digestBatches(batches);
  const rng = new Rng(77);
  for (let iter = 0; iter < 60; iter++) {
    const data = Buffer.from(base);
    data[rng.int(data.length)] ^= 1 + rng.int(255);
    const q = join(dir, 'bad.arrow');
    writeFileSync(q, data);
    try {
      const got = await collectBatches(await openTrace(q, { from: 'arrow', cache: false }));
      assert.equal(digestBatches(got.batches), want, 'undetected damage must not change the events');
    } catch (e) {
      assert.ok(e instanceof GmemlabError, `not a GmemlabError: ${(e as Error)?.stack ?? String(e)}`);
      assert.ok(e.diagnostic.file !== undefined && e.diagnostic.expected !== undefined);
    }
  }
});
