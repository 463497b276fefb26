import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TouchedPages, TOUCHED_PAGE_BYTES } from '../../src/run/touched-pages';
import { eventsToBatches } from '../../src/trace/batch';
import type { TraceEvent } from '../../src/trace/event';

const P = TOUCHED_PAGE_BYTES;

function touched(events: TraceEvent[]): TouchedPages {
  const t = new TouchedPages();
  for (const b of eventsToBatches(events)) t.update(b);
  return t;
}

test('touched footprint: distinct 4 KiB pages of access rows, partial pages rounded out, other ops ignored', () => {
  const t = touched([
    { op: 'alloc', tNs: 0, agent: 'cpu', va: 0, bytes: 64 * P },
    { op: 'access', tNs: 1, agent: 'dev0', va: 100, bytes: 10, access: 'r' }, // page 0
    { op: 'access', tNs: 2, agent: 'dev0', va: P - 1, bytes: 2, access: 'r' }, // pages 0 and 1
    { op: 'access', tNs: 3, agent: 'cpu', va: 10 * P, bytes: 3 * P, access: 'w' }, // pages 10, 11, 12
    { op: 'access', tNs: 4, agent: 'dev0', va: 11 * P, bytes: P, access: 'r' }, // repeat of 11
    { op: 'free', tNs: 5, agent: 'cpu', va: 0 },
  ]);
  assert.equal(t.pages, 5);
  assert.equal(t.bytes, 5 * P);
});

test('touched footprint: ranges across 32-page words and 256 MiB chunks count every page once', () => {
  const chunkBytes = 65536 * P;
  const t = touched([
    // 100 pages ending 30 pages past a chunk boundary, then an overlapping 40 pages, then a far chunk
    { op: 'access', tNs: 0, agent: 'dev0', va: chunkBytes - 70 * P, bytes: 100 * P, access: 'r' },
    { op: 'access', tNs: 1, agent: 'dev0', va: chunkBytes + 10 * P, bytes: 40 * P, access: 'r' },
    { op: 'access', tNs: 2, agent: 'dev0', va: 1000 * chunkBytes + 5, bytes: 33 * P, access: 'r' },
  ]);
  // 100 + (40 − 20 already counted) + 34 (33 pages starting 5 bytes into a page span 34 pages)
  assert.equal(t.pages, 100 + 20 + 34);
});

test('touched footprint equals a reference set of page numbers on random rows (property, seeded)', () => {
  let s = 12345;
  const rnd = (n: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s % n;
  };
  for (let round = 0; round < 20; round++) {
    const events: TraceEvent[] = [];
    const ref = new Set<number>();
    for (let i = 0; i < 400; i++) {
      const va = rnd(3) === 0 ? rnd(1 << 30) : rnd(200 * P);
      const bytes = 1 + (rnd(4) === 0 ? rnd(300 * P) : rnd(2 * P));
      events.push({ op: 'access', tNs: i, agent: 'dev0', va, bytes, access: 'r' });
      for (let p = Math.floor(va / P); p < Math.ceil((va + bytes) / P); p++) ref.add(p);
    }
    assert.equal(touched(events).pages, ref.size, `round ${round}`);
  }
});

test('huge rows: whole 256 MiB chunks are kept as runs, and the count is the union of all rows (property, seeded)', () => {
  const CHUNK = 65536; // pages per chunk
  let s = 777;
  const rnd = (n: number): number => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s % n;
  };
  // reference: the union length of page intervals (sorted, merged)
  const union = (iv: Array<[number, number]>): number => {
    const a = [...iv].sort((x, y) => x[0] - y[0]);
    let total = 0;
    let cs = -1;
    let ce = -1;
    for (const [f, e] of a) {
      if (f > ce) {
        total += ce - cs;
        cs = f;
        ce = e;
      } else ce = Math.max(ce, e);
    }
    return total + (ce - cs);
  };
  for (let round = 0; round < 30; round++) {
    const t = new TouchedPages();
    const iv: Array<[number, number]> = [];
    for (let i = 0; i < 60; i++) {
      // over 64 chunks: small rows, rows across chunk edges, and rows of 16–40 whole chunks (runs)
      const kind = rnd(4);
      const first = rnd(64 * CHUNK);
      const len = kind === 0 ? (16 + rnd(25)) * CHUNK + rnd(CHUNK) : kind === 1 ? rnd(3 * CHUNK) : 1 + rnd(100);
      const end = Math.min(first + len, 80 * CHUNK);
      if (end <= first) continue;
      t.addPages(first, end);
      iv.push([first, end]);
      assert.equal(t.pages, union(iv), `round ${round}, row ${i}`);
    }
  }
});

test('a 256 TiB row costs one run, not a bitmap per 256 MiB', () => {
  const t = touched([
    { op: 'access', tNs: 0, agent: 'dev0', va: 0x7f0000000000 + 5 * P, bytes: P, access: 'r' },
    { op: 'access', tNs: 1, agent: 'cpu', va: 0x7f0000000000, bytes: 2 ** 48, access: 'w' },
    { op: 'access', tNs: 2, agent: 'dev0', va: 0x7f0000000000 + 2 ** 47, bytes: 3 * P, access: 'r' }, // inside the run
  ]);
  assert.equal(t.pages, 2 ** 48 / P);
  const chunks = (t as unknown as { chunks: Map<number, Uint32Array> }).chunks;
  assert.ok(chunks.size <= 2, `bitmaps only for the edge chunks (${chunks.size})`);
});
