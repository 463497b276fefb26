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

test('decreasing times from an importer are an error; an empty trace is a warning', () => {
  assert.throws(() => check([{ op: 'marker', tNs: 5, label: 'a' }, { op: 'marker', tNs: 4, label: 'b' }]), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === traceMessages.timeBackwards.code);
  assert.deepEqual(check([]).countsByCode(), { [traceMessages.noEvents.code]: 1 });
});
