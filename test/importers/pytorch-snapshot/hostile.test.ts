import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pytorchSnapshotImporter as def } from '../../../src/importers/pytorch-snapshot/index';
import { decodeSnapshot } from '../../../src/importers/pytorch-snapshot/decode';
import { mapSnapshot } from '../../../src/importers/pytorch-snapshot/map';
import { MAX_KEY_TEXT, readSafePickle, readSafePickleAsync } from '../../../src/importers/pytorch-snapshot/safe-pickle';
import { Checkpoint } from '../../../src/importers/shared/checkpoint';
import { createImportContext } from '../../../src/importers/shared/context';
import { maxImportRecords } from '../../../src/importers/shared/limits';
import { openInput } from '../../../src/io/input';
import { GmemlabError } from '../../../src/log/diagnostic';
import { importerMessages } from '../../../src/log/messages/importers';
import { MAX_DEVICE_INDEX } from '../../../src/trace/event';
import { importWith } from '../helpers';

// Issue 18: hostile pickles. Byte builders for protocol-4 pickles (no CPython needed).
const dir = mkdtempSync(join(tmpdir(), 'gmemlab-snap-hostile-'));
const B = (...xs: Array<number | Buffer | number[]>): Buffer =>
  Buffer.concat(xs.map((x) => (typeof x === 'number' ? Buffer.from([x]) : Buffer.isBuffer(x) ? x : Buffer.from(x))));
const str = (s: string): Buffer => B(0x8c, Buffer.byteLength(s), Buffer.from(s)); // SHORT_BINUNICODE
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const PROTO = [0x80, 0x04];
const STOP = 0x2e;
/** `{'segments': [], 'device_traces': [[]], <key>: 1}` with the key's opcodes in `key` (leaving one value). */
const snapshotWithKey = (key: Buffer): Buffer =>
  B(PROTO, 0x7d, str('segments'), 0x5d, 0x73, str('device_traces'), 0x5d, 0x5d, 0x61, 0x73, key, 0x4b, 1, 0x73, STOP);
/** `levels` tuples, each (t, t) of the one before, sharing references through the memo: t0 = (). */
const sharedTuples = (levels: number): Buffer => {
  const parts: Buffer[] = [B(0x29, 0x94)]; // EMPTY_TUPLE MEMOIZE(0)
  for (let i = 1; i <= levels; i++) parts.push(B(0x6a, u32(i - 1), 0x86, 0x94)); // LONG_BINGET i-1, TUPLE2, MEMOIZE(i)
  return Buffer.concat(parts);
};

function rejectsWith(f: () => unknown, code: string, check: (d: GmemlabError['diagnostic']) => void = () => undefined): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof GmemlabError, `a GmemlabError (exit 2), got ${String(e)}`);
    assert.equal(e.diagnostic.code, code);
    check(e.diagnostic);
    return true;
  });
}

test('a tuple key of 20 levels sharing references is interned, not expanded: its key is short (JSON text would have 2^20 leaves)', () => {
  const v = readSafePickle(snapshotWithKey(sharedTuples(20)), 'k.pickle') as Record<string, unknown>;
  const keys = Object.keys(v).filter((k) => k !== 'segments' && k !== 'device_traces');
  assert.equal(keys.length, 1);
  // bytes produced for the key are bounded by the key-text limit, whatever the depth of sharing
  assert.ok(keys[0]!.length <= MAX_KEY_TEXT, `key of ${keys[0]!.length} chars`);
  assert.match(keys[0]!, /^tuple#\d+$/);
  // 60 levels (the 1 KB pickle): same, and the file is under 1 KB
  const deep = snapshotWithKey(sharedTuples(60));
  assert.ok(deep.length < 1024);
  assert.match(Object.keys(readSafePickle(deep, 'k60.pickle') as object).find((k) => k.startsWith('tuple#')) ?? '', /^tuple#\d+$/);
});

test('tuple keys compare by structure, as in Python: equal tuples built separately are one key; short ones keep their JSON text', () => {
  // d[(1, 'a')] = 1; d[(1, 'a')] = 2 (a second, separately built tuple); d[((), ())] = 3
  const p = B(PROTO, 0x7d, 0x4b, 1, str('a'), 0x86, 0x4b, 1, 0x73, 0x4b, 1, str('a'), 0x86, 0x4b, 2, 0x73, 0x29, 0x29, 0x86, 0x4b, 3, 0x73, STOP);
  assert.deepEqual({ ...(readSafePickle(p, 't.pickle') as object) }, { '[1,"a"]': 2, '[[],[]]': 3 });
  // two 12-level towers from different leaves are the same key
  const tower = (memoBase: number): Buffer => {
    const parts: Buffer[] = [B(0x29, 0x94)];
    for (let i = 1; i <= 12; i++) parts.push(B(0x6a, u32(memoBase + i - 1), 0x86, 0x94));
    return Buffer.concat(parts);
  };
  const two = B(PROTO, 0x7d, tower(0), 0x4b, 1, 0x73, tower(13), 0x4b, 2, 0x73, STOP);
  const v = readSafePickle(two, 't2.pickle') as Record<string, unknown>;
  assert.equal(Object.keys(v).length, 1);
  assert.equal(Object.values(v)[0], 2);
});

test('a cyclic key (L = []; T = (L,); L.append(T); d[T] = 1) is bad input naming the SETITEM offset, not a JSON error', () => {
  // dict, 'x', L=[] MEMOIZE(0), BINGET 0, TUPLE1 MEMOIZE(1), APPEND (L.append(T)), SETITEM (d['x'] = L), BINGET 1, 1, SETITEM
  const p = B(PROTO, 0x7d, str('x'), 0x5d, 0x94, 0x68, 0, 0x85, 0x94, 0x61, 0x73, 0x68, 1, 0x4b, 1, 0x73, STOP);
  const setitem = p.length - 2;
  rejectsWith(() => readSafePickle(p, 'c.pickle'), importerMessages.syntax.code, (d) => {
    assert.equal(d.offset, setitem);
    assert.equal(d.found, 'a tuple holding a list (unhashable)');
  });
});

test('a tuple key nested a million deep decodes without recursion; a list key is refused as unhashable (no stack overflow)', () => {
  const n = 1_000_000;
  const v = readSafePickle(snapshotWithKey(B(0x29, Buffer.alloc(n, 0x85))), 'deep.pickle') as Record<string, unknown>;
  assert.ok(Object.keys(v).some((k) => /^tuple#\d+$/.test(k)));
  // [[[…]]] a million deep: EMPTY_LIST × (n+1), APPEND × n
  const lists = B(Buffer.alloc(n + 1, 0x5d), Buffer.alloc(n, 0x61));
  rejectsWith(() => readSafePickle(snapshotWithKey(lists), 'deepl.pickle'), importerMessages.syntax.code, (d) => assert.equal(d.found, 'a list'));
  // a tuple holding a deep list
  rejectsWith(() => readSafePickle(snapshotWithKey(B(lists, 0x85)), 'deeptl.pickle'), importerMessages.syntax.code, (d) => assert.equal(d.found, 'a tuple holding a list (unhashable)'));
});

test('a pickle str longer than the string limit is refused at its opcode offset before it is built; the limit comes from GMEMLAB_MAX_STRING_BYTES', () => {
  const p = (n: number): Buffer => B(PROTO, 0x58, u32(n), Buffer.alloc(n, 0x61), STOP);
  assert.equal(readSafePickle(p(16), 's.pickle', { maxStringBytes: 16 }), 'a'.repeat(16));
  rejectsWith(() => readSafePickle(p(17), 's.pickle', { maxStringBytes: 16 }), importerMessages.stringTooLong.code, (d) => {
    assert.equal(d.offset, 2);
    assert.equal(d.expected, 'at most 16 bytes');
    assert.equal(d.found, '17 bytes');
  });
  // a claimed length past the limit is refused even when the bytes are not there (nothing is read or allocated)
  rejectsWith(() => readSafePickle(B(PROTO, 0x58, u32(600 * 1024 * 1024), STOP), 'huge.pickle'), importerMessages.stringTooLong.code, (d) => {
    assert.equal(d.found, `${600 * 1024 * 1024} bytes`);
  });
  const saved = process.env.GMEMLAB_MAX_STRING_BYTES;
  try {
    process.env.GMEMLAB_MAX_STRING_BYTES = '1KiB';
    assert.equal((readSafePickle(p(1024), 'e.pickle') as string).length, 1024);
    rejectsWith(() => readSafePickle(p(1025), 'e.pickle'), importerMessages.stringTooLong.code);
  } finally {
    if (saved === undefined) delete process.env.GMEMLAB_MAX_STRING_BYTES;
    else process.env.GMEMLAB_MAX_STRING_BYTES = saved;
  }
});

/** A long but valid pickle: a list of `n` Nones (MARK, NONE × n, … in APPENDS of 1000). */
function manyOpcodes(n: number): Buffer {
  const parts: Buffer[] = [B(PROTO, 0x5d)];
  for (let i = 0; i < n; i += 1000) parts.push(B(0x28, Buffer.alloc(Math.min(1000, n - i), 0x4e), 0x65));
  parts.push(B(STOP));
  return Buffer.concat(parts);
}

test('the async pickle reader checks the abort signal every N opcodes: once aborted it throws the reason after at most N more', async () => {
  const data = manyOpcodes(100_000);
  const ac = new AbortController();
  const cp = new Checkpoint(ac.signal, 1000);
  const reason = new Error('interrupted (SIGINT)');
  const reading = readSafePickleAsync(data, 'long.pickle', { checkpoint: cp });
  // the first slice (1000 opcodes) ran synchronously up to the first pause; abort now
  ac.abort(reason);
  await assert.rejects(reading, (e: unknown) => e === reason);
  assert.equal(cp.steps, 1000, 'no opcode ran after the abort');
  // aborted before the start: nothing runs
  const cp2 = new Checkpoint(ac.signal, 1000);
  await assert.rejects(readSafePickleAsync(data, 'long.pickle', { checkpoint: cp2 }), (e: unknown) => e === reason);
  assert.equal(cp2.steps, 0);
  // not aborted: the same value as the synchronous reader
  assert.deepEqual(await readSafePickleAsync(data, 'long.pickle', { checkpoint: new Checkpoint(new AbortController().signal, 1000) }), readSafePickle(data, 'long.pickle'));
});

/** A snapshot pickle whose `devices` device lists are all one list of `entries` references to one alloc entry. */
function sharedDevices(devices: number, entries: number): Buffer {
  const entry = B(0x7d, 0x94, 0x28, str('action'), str('alloc'), str('addr'), 0x4d, 0x00, 0x10, str('size'), 0x4d, 0x00, 0x10, str('time_us'), 0x4b, 1, 0x75);
  const parts: Buffer[] = [B(PROTO, 0x7d, str('segments'), 0x5d, 0x73, str('device_traces'), 0x5d, 0x28, 0x5d, 0x94, 0x28)];
  // memo: the device list is memo 0 (MEMOIZE after EMPTY_LIST); the entry dict is memo 1
  parts.push(entry);
  for (let i = 1; i < entries; i++) parts.push(B(0x68, 1));
  parts.push(B(0x65)); // APPENDS into the device list
  for (let d = 1; d < devices; d++) parts.push(B(0x68, 0));
  parts.push(B(0x65, 0x73, STOP));
  return Buffer.concat(parts);
}

test('records a snapshot lists are budgeted per input byte: 64 devices sharing one list stop with exit 2 before any event is made', async () => {
  const path = join(dir, 'shared.pickle');
  const data = sharedDevices(64, 1000);
  writeFileSync(path, data);
  // 64 lists + 64 × 1000 entries, from a file of ~2 KB
  const found = 64 + 64 * 1000;
  await withRecordLimit(10000, async () => {
    await assert.rejects(importWith(def, path), (e: unknown) => {
      assert.ok(e instanceof GmemlabError);
      assert.equal(e.diagnostic.code, importerMessages.tooManyRecords.code);
      assert.equal(e.diagnostic.field, 'device_traces');
      assert.equal(e.diagnostic.expected, 'at most 10000 records');
      assert.equal(e.diagnostic.found, `${found} records`);
      return true;
    });
  });
  // raised: the same file imports, one synthetic access per entry per device
  await withRecordLimit(found, async () => {
    const r = await importWith(def, path);
    assert.equal(r.rows, 64 * 1000);
  });
});

test('the default record budget is 1,000,000 + 1 per 4 input bytes (GMEMLAB_MAX_IMPORT_RECORDS replaces it)', () => {
  const saved = process.env.GMEMLAB_MAX_IMPORT_RECORDS;
  try {
    delete process.env.GMEMLAB_MAX_IMPORT_RECORDS;
    assert.equal(maxImportRecords(0), 1_000_000);
    // the 1.5 MB pickle: 1,393,216 records allowed, 19.2 M listed
    assert.equal(maxImportRecords(1.5 * 1024 * 1024), 1_393_216);
    process.env.GMEMLAB_MAX_IMPORT_RECORDS = '5';
    assert.equal(maxImportRecords(1e9), 5);
  } finally {
    if (saved === undefined) delete process.env.GMEMLAB_MAX_IMPORT_RECORDS;
    else process.env.GMEMLAB_MAX_IMPORT_RECORDS = saved;
  }
});

test('more device lists than agents (dev0 … dev65533) is bad input, not a wrapped agent id', async () => {
  const n = MAX_DEVICE_INDEX + 2;
  // device_traces = [L] * n with L = [] (MEMOIZE 0, then LONG_BINGET 0 × (n-1))
  const parts: Buffer[] = [B(PROTO, 0x7d, str('segments'), 0x5d, 0x73, str('device_traces'), 0x5d, 0x28, 0x5d, 0x94)];
  const get = B(0x6a, u32(0));
  for (let d = 1; d < n; d++) parts.push(get);
  parts.push(B(0x65, 0x73, STOP));
  const path = join(dir, 'agents.pickle');
  writeFileSync(path, Buffer.concat(parts));
  await assert.rejects(decodeSnapshot(await openInput(path), path), (e: unknown) => {
    assert.ok(e instanceof GmemlabError);
    assert.equal(e.diagnostic.code, importerMessages.badField.code);
    assert.equal(e.diagnostic.found, `${n} lists`);
    return true;
  });
});

test('the mapper checks the abort signal every N entries: once aborted it throws the reason after at most N more', async () => {
  const path = join(dir, 'map.pickle');
  writeFileSync(path, sharedDevices(2, 500));
  const raw = await decodeSnapshot(await openInput(path), path);
  const ac = new AbortController();
  const ctx = createImportContext(path, { signal: ac.signal });
  const cp = new Checkpoint(ac.signal, 100);
  const it = mapSnapshot(raw, { synthesis: 'touch-on-alloc', freeAsDontneed: false, segmentKind: 'managed', expandable: 'alloc', compactDevices: true }, ctx, cp);
  const first = it.next();
  const reason = new Error('interrupted (SIGTERM)');
  ac.abort(reason);
  await assert.rejects(first, (e: unknown) => e === reason);
  assert.equal(cp.steps, 100, 'the mapper stopped at the first checkpoint after the abort');
  // without an abort it maps every entry (2 devices × 500)
  let rows = 0;
  for await (const b of mapSnapshot(raw, { synthesis: 'touch-on-alloc', freeAsDontneed: false, segmentKind: 'managed', expandable: 'alloc', compactDevices: true }, createImportContext(path))) rows += b.length;
  assert.equal(rows, 1000);
});

test('overlapping dumped segments (one dict listed 2,000 times) are merged into one reservation, so maps find their owner by binary search', async () => {
  // segments = [S] * 2000 (S expandable at 1 MiB, 2 MiB long); device 0 maps the segment 2,000 times.
  // Before, every map scanned every reservation (2,000 × 2,000 here; 200,000 × 200,000 from an 800 KB file).
  const n = 2000;
  const i32 = (v: number): Buffer => B(0x4a, u32(v));
  const seg = B(0x7d, 0x94, 0x28, str('device'), 0x4b, 0, str('address'), i32(0x100000), str('total_size'), i32(0x200000), str('is_expandable'), 0x88, 0x75);
  const map = B(0x7d, 0x94, 0x28, str('action'), str('segment_map'), str('addr'), i32(0x100000), str('size'), i32(0x200000), str('time_us'), 0x4b, 1, 0x75);
  const p = B(
    PROTO, 0x7d, str('segments'), 0x5d, 0x28, seg, Buffer.concat(new Array<Buffer>(n - 1).fill(B(0x68, 0))), 0x65, 0x73,
    str('device_traces'), 0x5d, 0x5d, 0x28, map, Buffer.concat(new Array<Buffer>(n - 1).fill(B(0x68, 1))), 0x65, 0x61, 0x73, STOP,
  );
  const path = join(dir, 'overlap.pickle');
  writeFileSync(path, p);
  const r = await importWith(def, path, { expandable: 'map' });
  assert.deepEqual(r.counts, { reserve: 1, map: n });
  // as allocations, the range is mapped once: the other maps map nothing new
  assert.deepEqual((await importWith(def, path)).counts, { alloc: 1 });
});

test('expandable=alloc counts the pieces its maps and unmaps visit against the record budget before making any (no quadratic blow-up)', async () => {
  // 100 two-MiB maps, each followed by a gap, make 201 cuts over [base, base + 200 P): 200 pieces. The first unmap of
  // the whole range finds the 100 gaps never mapped in the trace (so mapped before it: 100 pre-existing pieces), and
  // the 20 unmaps and maps of the whole range visit 200 pieces each: 100 + 100 + 4,000 visits
  const P = 0x200000;
  const base = 0x7f0000000000;
  const entries: object[] = [];
  for (let k = 0; k < 100; k++) entries.push({ action: 'segment_map', addr: base + 2 * k * P, size: P, time_us: k });
  for (let k = 0; k < 10; k++) {
    entries.push({ action: 'segment_unmap', addr: base, size: 200 * P, time_us: 100 + 2 * k });
    entries.push({ action: 'segment_map', addr: base, size: 200 * P, time_us: 101 + 2 * k });
  }
  const path = join(dir, 'pieces.json');
  writeFileSync(path, JSON.stringify({ segments: [], device_traces: [entries] }));
  const visits = 100 + 100 + 20 * 200;
  await withRecordLimit(1000, async () => {
    await assert.rejects(importWith(def, path), (e: unknown) => {
      assert.ok(e instanceof GmemlabError);
      assert.equal(e.diagnostic.code, importerMessages.tooManyRecords.code);
      assert.equal(e.diagnostic.found, `${visits} records`);
      return true;
    });
    // as VMM calls it is one row per entry (110 maps) plus the 100 pre-existing ones, within the same budget
    assert.equal((await importWith(def, path, { expandable: 'map' })).counts.map, 210);
  });
  await withRecordLimit(visits, async () => {
    const r = await importWith(def, path);
    // allocations: 100 pre-existing, 100 maps, then each whole-range map 200; each whole-range unmap frees 200
    assert.deepEqual(r.counts, { alloc: 100 + 100 + 10 * 200, free: 10 * 200 });
  });
});

/** `fn` with GMEMLAB_MAX_IMPORT_RECORDS set to `limit`, restored afterwards. */
async function withRecordLimit(limit: number, fn: () => Promise<void>): Promise<void> {
  const saved = process.env.GMEMLAB_MAX_IMPORT_RECORDS;
  process.env.GMEMLAB_MAX_IMPORT_RECORDS = String(limit);
  try {
    await fn();
  } finally {
    if (saved === undefined) delete process.env.GMEMLAB_MAX_IMPORT_RECORDS;
    else process.env.GMEMLAB_MAX_IMPORT_RECORDS = saved;
  }
}
