import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticLog } from '../../src/log/collector';
import { GmemlabError } from '../../src/log/diagnostic';
import { traceMessages } from '../../src/log/messages/trace';
import { eventsToBatches } from '../../src/trace/batch';
import type { TraceEvent } from '../../src/trace/event';
import { SemanticChecker } from '../../src/trace/semantic-check';
import { readText } from './canonical-csv/helpers';

function check(events: TraceEvent[]): DiagnosticLog {
  const log = new DiagnosticLog();
  const c = new SemanticChecker('t', log);
  for (const b of eventsToBatches(events, undefined, 2)) c.update(b);
  c.finish();
  return log;
}

const MiB = 1 << 20;

test('a clean trace has no warnings', () => {
  const log = check([
    { op: 'reserve', tNs: 0, va: 0x100000, bytes: 4 * MiB },
    { op: 'alloc', tNs: 1, va: 0x900000, bytes: MiB, flags: ['managed'] },
    { op: 'map', tNs: 2, va: 0x100000, bytes: 65536, resource: 'm' },
    { op: 'map', tNs: 3, va: 0x900000, bytes: 4096, resource: 'dma' }, // a DMA map inside an allocation
    { op: 'unmap', tNs: 4, va: 0x100000, bytes: 65536 },
    { op: 'free', tNs: 5, va: 0x900000, bytes: MiB },
    { op: 'release', tNs: 6, va: 0x100000 },
  ]);
  assert.deepEqual(log.countsByCode(), {});
});

test('free/release of something never allocated, unmap of something never mapped, overlapping maps are warnings', () => {
  const log = check([
    { op: 'free', tNs: 0, va: 0x1000 },
    { op: 'release', tNs: 1, va: 0x2000 },
    { op: 'reserve', tNs: 2, va: 0x100000, bytes: MiB },
    { op: 'map', tNs: 3, va: 0x100000, bytes: 65536, resource: 'a' },
    { op: 'map', tNs: 4, va: 0x108000, bytes: 65536, resource: 'b' }, // overlaps the first by 32 KiB
    { op: 'unmap', tNs: 5, va: 0x200000, bytes: 4096 }, // never mapped (and outside)
    { op: 'map', tNs: 6, va: 0x400000, bytes: 4096, resource: 'c' }, // outside any reservation
    { op: 'alloc', tNs: 7, va: 0x800000, bytes: MiB, flags: ['device'] },
    { op: 'alloc', tNs: 8, va: 0x880000, bytes: MiB, flags: ['device'] }, // overlaps
    { op: 'free', tNs: 9, va: 0x800000, bytes: 4096 }, // size mismatch
  ]);
  assert.deepEqual(log.countsByCode(), {
    [traceMessages.freeNotLive.code]: 2,
    [traceMessages.liveAtEnd.code]: 1, // the alloc at 0x880000 is never freed
    [traceMessages.mapOutsideReservation.code]: 1,
    [traceMessages.overlappingMap.code]: 1,
    [traceMessages.overlappingRange.code]: 1,
    [traceMessages.sizeMismatch.code]: 1,
    [traceMessages.unmapNotMapped.code]: 1,
  });
  const overlap = log.examples().find((d) => d.code === traceMessages.overlappingMap.code)!;
  assert.equal(overlap.found, '32768 bytes already mapped');
  assert.equal(overlap.severity, 'warning');
  assert.match(overlap.message, /^event 4: /);
});

test('releasing a reservation drops its mappings (no spurious unmap warning later, re-map is clean)', () => {
  const log = check([
    { op: 'reserve', tNs: 0, va: 0x100000, bytes: MiB },
    { op: 'map', tNs: 1, va: 0x100000, bytes: 65536, resource: 'a' },
    { op: 'release', tNs: 2, va: 0x100000, bytes: MiB },
    { op: 'reserve', tNs: 3, va: 0x100000, bytes: MiB },
    { op: 'map', tNs: 4, va: 0x100000, bytes: 65536, resource: 'a' },
  ]);
  assert.deepEqual(log.countsByCode(), {});
});

test('warnings from a CSV name its line', async () => {
  const r = await readText('t_ns,op,va\n1,free,0x1000\n');
  const log = new DiagnosticLog();
  const c = new SemanticChecker('t.csv', log);
  for (const b of r.batches) c.update(b);
  assert.equal(log.examples()[0]!.line, 2);
  assert.equal(log.examples()[0]!.file, 't.csv');
});

test('a CSV cut exactly at a line break: 25 allocations never freed and an open kernel are end-of-trace warnings', async () => {
  // the whole recording: 25 allocs of 2 MiB, two kernels, then the 25 frees
  const rows: string[] = [];
  for (let k = 0; k < 25; k++) rows.push(`${k},alloc,cpu,${(k + 1) * 2 * MiB},${2 * MiB},device,`);
  rows.push('30,kernel_begin,dev0,,,,', `31,access,dev0,${2 * MiB},4096,,rw`, '32,kernel_end,dev0,,,,');
  rows.push('40,kernel_begin,dev0,,,,', `41,access,dev0,${4 * MiB},4096,,rw`, '42,kernel_end,dev0,,,,');
  for (let k = 0; k < 25; k++) rows.push(`${50 + k},free,cpu,${(k + 1) * 2 * MiB},${2 * MiB},,`);
  const header = 't_ns,op,agent,va,bytes,flags,access\n';
  const run = async (lines: string[]): Promise<DiagnosticLog> => {
    const r = await readText(header + lines.map((l) => `${l}\n`).join(''));
    const log = new DiagnosticLog();
    const c = new SemanticChecker('cut.csv', log);
    for (const b of r.batches) c.update(b);
    c.finish();
    return log;
  };
  assert.deepEqual((await run(rows)).countsByCode(), {}, 'the whole recording frees everything and ends every kernel');
  const cut = await run(rows.slice(0, 29)); // ends right after the second kernel_begin and its access
  assert.deepEqual(cut.countsByCode(), { [traceMessages.liveAtEnd.code]: 1, [traceMessages.kernelOpenAtEnd.code]: 1 });
  const live = cut.examples().find((d) => d.code === traceMessages.liveAtEnd.code)!;
  assert.equal(live.severity, 'warning');
  assert.equal(live.file, 'cut.csv');
  assert.equal(live.found, `25 live (${25 * 2 * MiB} bytes)`); // 52428800
  assert.match(live.message, /25 allocations never freed/);
  const open = cut.examples().find((d) => d.code === traceMessages.kernelOpenAtEnd.code)!;
  assert.equal(open.found, '2 kernel_begin, 1 kernel_end');
  assert.match(open.message, /1 kernel still open/);
});

test('decreasing times from an importer are an error; an empty trace is a warning', () => {
  assert.throws(() => check([{ op: 'marker', tNs: 5, label: 'a' }, { op: 'marker', tNs: 4, label: 'b' }]), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === traceMessages.timeBackwards.code);
  assert.deepEqual(check([]).countsByCode(), { [traceMessages.noEvents.code]: 1 });
});

test('access rows outside every live allocation and mapping are counted into one warning at the end, located at the first', () => {
  const log = check([
    { op: 'alloc', tNs: 0, agent: 'cpu', va: 0x10000, bytes: 0x4000, flags: ['managed'] },
    { op: 'access', tNs: 1, agent: 'dev0', va: 0x10000, bytes: 0x1000, access: 'r' }, // inside
    { op: 'access', tNs: 2, agent: 'dev0', va: 0x13000, bytes: 0x2000, access: 'r' }, // runs past the end
    { op: 'access', tNs: 3, agent: 'dev0', va: 0x40000, bytes: 0x1000, access: 'r' }, // nowhere
    { op: 'reserve', tNs: 4, agent: 'dev0', va: 0x80000, bytes: 0x10000 },
    { op: 'access', tNs: 5, agent: 'dev0', va: 0x80000, bytes: 0x1000, access: 'r' }, // reserved, not mapped
    { op: 'map', tNs: 6, agent: 'dev0', va: 0x80000, bytes: 0x10000, resource: 'r0', offsetBytes: 0, pageBytes: 4096 },
    { op: 'access', tNs: 7, agent: 'dev0', va: 0x80000, bytes: 0x1000, access: 'r' }, // mapped
    { op: 'free', tNs: 8, agent: 'cpu', va: 0x10000 },
    { op: 'access', tNs: 9, agent: 'dev0', va: 0x10000, bytes: 0x1000, access: 'r' }, // freed (the cached range is gone)
  ]);
  assert.equal(log.count('trace.access-outside-allocation'), 1);
  const d = log.examples().find((x) => x.code === 'trace.access-outside-allocation')!;
  assert.match(d.message, /^4 access rows touch memory outside .*the first: 8192 bytes at 0x13000$/);
});
