import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFile } from '../../src/importers/import-file';
import { openTrace } from '../../src/importers/open';
import { runMessages } from '../../src/log/messages/run';
import { runTask } from '../../src/analysis/sweep/sim-task';
import { compare, planRuns, scanTrace } from '../../src/run/run';
import { eventsToBatches } from '../../src/trace/batch';
import { memoryTrace } from '../../src/trace/trace';
import { StringTable } from '../../src/trace/strings';
import { shareBatches } from '../../src/analysis/sweep/shared-trace';
import { FIXTURES } from '../importers/helpers';

const LEGACY = join(FIXTURES, 'kineto', 'legacy-pytorch-1.9.json');
const warning = runMessages.synthesizedAddresses({}, 'kineto-legacy');

test('every result computed from a trace with synthesized addresses carries run.synthesized-addresses (direct import, and its canonical CSV)', async () => {
  const spec = { systems: ['gmem-linux', 'uvm'], profile: 'a100-pcie4' };
  const direct = await compare(await openTrace(LEGACY, { cache: false }), spec);
  const csv = join(mkdtempSync(join(tmpdir(), 'gmemlab-meta-warn-')), 'legacy.csv');
  await importFile(LEGACY, { cache: false }, csv);
  const viaCsv = await compare(await openTrace(csv, { cache: false }), spec);
  for (const r of [...direct, ...viaCsv]) {
    assert.equal(r.summary.warnings['run.synthesized-addresses'], 1, r.summary.system);
    assert.deepEqual(r.diagnostics[0], warning);
    assert.equal((r.provenance.traceMeta as Record<string, string>).synthesized_addresses, 'kineto-legacy');
    const keys = Object.keys(r.summary.warnings);
    assert.deepEqual(keys, [...keys].sort(), 'warning keys stay sorted');
  }
});

test('a trace with recorded addresses gets no such warning; sweep tasks add it like compare does', async () => {
  const rows = eventsToBatches([
    { op: 'alloc', tNs: 0, agent: 'cpu', va: 0x10000, bytes: 4096, flags: ['managed'] },
    { op: 'access', tNs: 10, agent: 'dev0', va: 0x10000, bytes: 4096, access: 'r' },
  ]);
  const [plain] = await compare(memoryTrace('plain', rows), { systems: ['uvm'], profile: 'a100-pcie4' });
  assert.equal(plain!.summary.warnings['run.synthesized-addresses'], undefined);
  const strings = new StringTable();
  const batches = eventsToBatches([
    { op: 'alloc', tNs: 0, agent: 'cpu', va: 0x10000, bytes: 4096, flags: ['managed'] },
    { op: 'access', tNs: 10, agent: 'dev0', va: 0x10000, bytes: 4096, access: 'r' },
  ], strings);
  const marked = memoryTrace('marked', batches, { synthesized_addresses: 'some-layout' });
  const scan = await scanTrace(marked);
  const spec = { systems: ['uvm'], profile: 'a100-pcie4' };
  const [run] = planRuns(spec, scan);
  const shared = shareBatches('marked', batches, { synthesized_addresses: 'some-layout' }, strings);
  const r = await runTask({ traceKey: 'marked-meta-warning', shared, spec, scan, specHash: run!.specHash }, { signal: new AbortController().signal, onProgress: () => undefined });
  assert.equal(r.summary.warnings['run.synthesized-addresses'], 1);
  assert.deepEqual(r.diagnostics[0], runMessages.synthesizedAddresses({}, 'some-layout'));
});

test('a trace whose source had no times (synthesized_times) gives every result run.synthesized-times, after any address warning', async () => {
  const ev = [
    { op: 'alloc', tNs: 0, agent: 'cpu', va: 0x10000, bytes: 4096, flags: ['managed'] },
    { op: 'access', tNs: 0, agent: 'dev0', va: 0x10000, bytes: 4096, access: 'r' },
  ] as const;
  const [untimed] = await compare(memoryTrace('untimed', eventsToBatches([...ev]), { synthesized_times: 'pytorch-snapshot-order' }), { systems: ['gmem-linux'], profile: 'a100-pcie4' });
  assert.equal(untimed!.summary.warnings['run.synthesized-times'], 1);
  assert.deepEqual(untimed!.diagnostics[0], runMessages.synthesizedTimes({}, 'pytorch-snapshot-order'));
  const [both] = await compare(memoryTrace('both', eventsToBatches([...ev]), { synthesized_times: 'x', synthesized_addresses: 'y' }), { systems: ['uvm'], profile: 'a100-pcie4' });
  assert.deepEqual(both!.diagnostics.slice(0, 2), [runMessages.synthesizedAddresses({}, 'y'), runMessages.synthesizedTimes({}, 'x')]);
});

test('a run on the profile\'s capacity says when the trace records a device of another size (capacity_bytes.dev0); --oversub or the same size does not', async () => {
  const ev = [
    { op: 'alloc', tNs: 0, agent: 'cpu', va: 0x10000000, bytes: 64 * 2 ** 20, flags: ['managed'] },
    { op: 'access', tNs: 0, agent: 'dev0', va: 0x10000000, bytes: 64 * 2 ** 20, access: 'r' },
  ] as const;
  const GiB = 2 ** 30;
  const recorded40 = memoryTrace('a100-40', eventsToBatches([...ev]), { 'capacity_bytes.dev0': String(42411098112) });
  const [r] = await compare(recorded40, { systems: ['gmem-linux'], profile: 'a100-pcie4' });
  assert.equal(r!.summary.capacityBytes, 80 * GiB);
  assert.equal(r!.summary.warnings['run.recorded-capacity-differs'], 1);
  assert.deepEqual(r!.diagnostics[0], runMessages.recordedCapacityDiffers({}, 42411098112, 80 * GiB, 'a100-pcie4'));
  // with --oversub the capacity is chosen on purpose
  const [o] = await compare(recorded40, { systems: ['gmem-linux'], profile: 'a100-pcie4', oversub: 1.5 });
  assert.equal(o!.summary.warnings['run.recorded-capacity-differs'], undefined);
  // the same device (within 1 %)
  const [same] = await compare(memoryTrace('a100-80', eventsToBatches([...ev]), { 'capacity_bytes.dev0': String(80 * GiB - 2 ** 20) }), { systems: ['gmem-linux'], profile: 'a100-pcie4' });
  assert.equal(same!.summary.warnings['run.recorded-capacity-differs'], undefined);
});

test('a trace that touches no page (allocations only, e.g. a snapshot without allocator history) gives every result run.no-accesses; one access removes it', async () => {
  const alloc = { op: 'alloc', tNs: 0, agent: 'cpu', va: 0x10000000, bytes: 2 ** 20, flags: ['managed'] } as const;
  const free = { op: 'free', tNs: 10, agent: 'cpu', va: 0x10000000 } as const;
  const results = await compare(memoryTrace('allocs-only', eventsToBatches([alloc, free])), { systems: ['gmem-linux', 'uvm', 'hmm-svm', 'gmem-paper'], profile: 'a100-pcie4' });
  for (const r of results) {
    assert.equal(r.summary.warnings['run.no-accesses'], 1, r.summary.system);
    assert.deepEqual(r.diagnostics[0], runMessages.noAccesses({}));
  }
  const touched = await compare(memoryTrace('touched', eventsToBatches([alloc, { op: 'access', tNs: 5, agent: 'cpu', va: 0x10000000, bytes: 4096, access: 'w' }, free])), { systems: ['gmem-linux'], profile: 'a100-pcie4' });
  assert.equal(touched[0]!.summary.warnings['run.no-accesses'], undefined);
});

test('a trace where only the CPU appears gives every result run.no-device-rows; one device row removes it', async () => {
  const alloc = { op: 'alloc', tNs: 0, agent: 'cpu', va: 0x10000000, bytes: 2 ** 20, flags: ['managed'] } as const;
  const cpu = { op: 'access', tNs: 5, agent: 'cpu', va: 0x10000000, bytes: 4096, access: 'w' } as const;
  const results = await compare(memoryTrace('cpu-only', eventsToBatches([alloc, cpu])), { systems: ['gmem-linux', 'uvm', 'hmm-svm', 'gmem-paper'], profile: 'a100-pcie4' });
  for (const r of results) {
    assert.equal(r.summary.warnings['run.no-device-rows'], 1, r.summary.system);
    assert.equal(r.summary.warnings['run.no-accesses'], undefined);
  }
  const dev = { op: 'access', tNs: 6, agent: 'dev0', va: 0x10000000, bytes: 4096, access: 'r' } as const;
  const [withDevice] = await compare(memoryTrace('cpu-and-device', eventsToBatches([alloc, cpu, dev])), { systems: ['gmem-linux'], profile: 'a100-pcie4' });
  assert.equal(withDevice!.summary.warnings['run.no-device-rows'], undefined);
});
