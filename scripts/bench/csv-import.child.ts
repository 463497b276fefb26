/**
 * One measurement of the csv-import benchmark, run in its own process so its peak RSS is its own:
 *   node --import tsx scripts/bench/csv-import.child.ts <mode> <input> <report.json> [<output>]
 * Modes: generate (write a synthetic canonical CSV of <output> bytes to <input>), split (hand-written
 * byte-loop line splitter), split-native (Buffer.indexOf line splitter), parse (canonical reader to
 * batches), open (openTrace pass without cache: SHA-256 + parse + semantic checks), papaparse (its fastest
 * streaming configuration, fields only), cache-build (openTrace pass that writes the Arrow import cache
 * into the folder <output>), cache-load (the re-run: openTrace pass served from that cache).
 */
import { createReadStream, statSync, writeFileSync } from 'node:fs';
import Papa from 'papaparse';
import { openAtomicWriter, writeChunk } from '../../src/io/atomic';
import { DiagnosticLog } from '../../src/log/collector';
import { Rng } from '../../src/sim/rng';
import { BatchBuilder } from '../../src/trace/batch';
import { readCanonicalCsv } from '../../src/trace/canonical-csv/read';
import { RowEncoder } from '../../src/trace/canonical-csv/encode';
import { HEADER_LINE, metaLines } from '../../src/trace/canonical-csv/write';
import { Access, Flag, Op } from '../../src/trace/event';
import { openTrace } from '../../src/importers/open';
import { StringTable } from '../../src/trace/strings';

const [mode, input, report, output] = process.argv.slice(2) as [string, string, string, string | undefined];

/** A synthetic but valid canonical trace: mostly accesses, with allocations, sparse binds, kernels, markers. */
async function generate(path: string, targetBytes: number): Promise<number> {
  const rng = new Rng(1);
  const w = openAtomicWriter(path);
  let bytes = 0;
  let rows = 0;
  const head = metaLines({ workload: 'bench-synthetic', seed: '1' }) + HEADER_LINE;
  await writeChunk(w.stream, head);
  bytes += head.length;
  const strings = new StringTable();
  const b = new BatchBuilder(strings, 16384);
  const enc = new RowEncoder();
  const ALLOC_VA = 0x7f0000000000;
  const RESERVE_VA = 0x100000000;
  const slots = 1024; // 64 KiB slots of the reservation
  const mapped = new Uint8Array(slots);
  let t = 0;
  b.addRow(Op.alloc, t, 0, ALLOC_VA, 1 << 30);
  b.cols.flags[0] = Flag.managed;
  b.cols.resource[0] = strings.intern('heap');
  b.addRow(Op.reserve, t, 1, RESERVE_VA, slots * 65536);
  let kernel = 0;
  while (bytes < targetBytes) {
    while (!b.full) {
      t += 1 + rng.int(400);
      const r = rng.next();
      if (r < 0.9) {
        const i = b.addRow(Op.access, t, rng.next() < 0.8 ? 1 : 0, ALLOC_VA + rng.int(1 << 18) * 4096, rng.next() < 0.9 ? 4096 : 65536);
        b.cols.access[i] = rng.next() < 0.7 ? Access.r : rng.next() < 0.8 ? Access.w : Access.rw;
        if (rng.next() < 0.1) b.cols.count[i] = 2 + rng.int(30);
      } else if (r < 0.96) {
        const s = rng.int(slots);
        const va = RESERVE_VA + s * 65536;
        if (mapped[s]) {
          b.addRow(Op.unmap, t, 1, va, 65536);
          mapped[s] = 0;
        } else {
          const i = b.addRow(Op.map, t, 1, va, 65536);
          b.cols.resource[i] = strings.intern(`mem${rng.int(64)}`);
          b.cols.offsetBytes[i] = rng.int(256) * 65536;
          b.cols.pageBytes[i] = 65536;
          mapped[s] = 1;
        }
      } else if (r < 0.99) {
        const i = b.addRow(kernel % 2 ? Op.kernelEnd : Op.kernelBegin, t, 1, NaN, NaN);
        b.cols.label[i] = strings.intern(`kernel_${(kernel >> 1) % 37}`);
        if (kernel % 2 === 0) b.cols.durNs[i] = 1000 + rng.int(100000);
        kernel++;
      } else {
        const i = b.addRow(Op.marker, t, 0, NaN, NaN);
        b.cols.label[i] = strings.intern(rng.next() < 0.5 ? 'frame' : 'phase:step');
        b.cols.code[i] = 4;
      }
    }
    rows += b.length;
    const text = Buffer.from(enc.encode(b.take()));
    bytes += text.length;
    await writeChunk(w.stream, text);
  }
  await w.commit();
  return rows;
}

async function splitLoop(path: string): Promise<number> {
  let lines = 0;
  let longest = 0;
  let start = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const c = chunk as Buffer;
    for (let i = 0; i < c.length; i++) {
      if (c[i] === 10) {
        lines++;
        if (i - start > longest) longest = i - start;
        start = i + 1;
      }
    }
    start -= c.length;
  }
  return lines;
}

async function splitNative(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const c = chunk as Buffer;
    for (let p = c.indexOf(10); p >= 0; p = c.indexOf(10, p + 1)) lines++;
  }
  return lines;
}

async function parse(path: string): Promise<number> {
  let rows = 0;
  const opts = { file: path, strict: true, log: new DiagnosticLog(), strings: new StringTable(), meta: {} };
  for await (const b of readCanonicalCsv(createReadStream(path, { highWaterMark: 1 << 20 }), opts)) rows += b.length;
  return rows;
}

async function open(path: string): Promise<number> {
  let rows = 0;
  for await (const b of (await openTrace(path, { cache: false })).read()) rows += b.length;
  return rows;
}

/** papaparse's fastest streaming configuration measured here: the Node duplex stream, fastMode, no typing. */
async function papaparse(path: string): Promise<number> {
  let rows = 0;
  await new Promise<void>((resolve, reject) => {
    const p = Papa.parse(Papa.NODE_STREAM_INPUT, { fastMode: true, comments: '#', dynamicTyping: false, header: false });
    p.on('data', () => void rows++);
    p.on('end', () => resolve());
    p.on('error', reject);
    createReadStream(path, { highWaterMark: 1 << 20, encoding: 'utf8' }).pipe(p);
  });
  return rows - 1; // the header row
}

/** A full openTrace pass with the import cache in `dir`; `expectCached` says whether it must be a hit. */
async function cached(path: string, dir: string, expectCached: boolean): Promise<number> {
  const t = await openTrace(path, { cache: { dir, minBytes: 0 } });
  if (t.isCached() !== expectCached) throw new Error(`cache ${expectCached ? 'miss' : 'hit'} where a ${expectCached ? 'hit' : 'miss'} was expected`);
  let rows = 0;
  for await (const b of t.read()) rows += b.length;
  if (!t.isCached()) throw new Error('no cache entry after a full pass');
  return rows;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let rows: number;
  switch (mode) {
    case 'generate': rows = await generate(input, Number(output)); break;
    case 'split': rows = await splitLoop(input); break;
    case 'split-native': rows = await splitNative(input); break;
    case 'parse': rows = await parse(input); break;
    case 'open': rows = await open(input); break;
    case 'papaparse': rows = await papaparse(input); break;
    case 'cache-build': rows = await cached(input, output!, false); break;
    case 'cache-load': rows = await cached(input, output!, true); break;
    default: throw new Error(`unknown mode ${mode}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  writeFileSync(report, JSON.stringify({ mode, rows, seconds, cpuSeconds, bytes: statSync(input).size, maxRssBytes: process.resourceUsage().maxRSS * 1024 }));
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
