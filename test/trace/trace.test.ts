import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare, scanTrace } from '../../src/run/run';
import { eventsToBatches } from '../../src/trace/batch';
import type { TraceEvent } from '../../src/trace/event';
import { memoryTrace, rememberingScans, type Trace } from '../../src/trace/trace';

const EVENTS: TraceEvent[] = [
  { op: 'alloc', tNs: 0, agent: 'cpu', va: 0x10000000, bytes: 8 << 20, flags: ['managed'] },
  { op: 'access', tNs: 10, agent: 'dev0', va: 0x10000000, bytes: 4096, access: 'w' },
  { op: 'access', tNs: 20, agent: 'dev0', va: 0x10200000, bytes: 4096, access: 'r' },
  { op: 'free', tNs: 30, agent: 'cpu', va: 0x10000000, bytes: 8 << 20 },
];

/** `trace` counting its passes. */
function counted(trace: Trace): { trace: Trace; reads: () => number } {
  let n = 0;
  return { trace: { name: trace.name, read: () => (n++, trace.read()) }, reads: () => n };
}

test('rememberingScans: the first run scans the trace, later runs find the same facts without reading it again', async () => {
  const c = counted(memoryTrace('t', eventsToBatches(EVENTS)));
  const t = rememberingScans(c.trace);
  const first = await scanTrace(t);
  assert.equal(c.reads(), 1);
  const again = await scanTrace(t);
  assert.equal(c.reads(), 1, 'no second pass');
  assert.deepEqual(again, first);
  // a run: one pass to simulate, none to scan
  const [r] = await compare(t, { system: 'gmem-linux', profile: 'a100-pcie4' });
  assert.equal(c.reads(), 2);
  assert.equal(r!.summary.traceDigest, first.digest);
  // the same results as a trace that scans every time
  const [plain] = await compare(memoryTrace('t', eventsToBatches(EVENTS)), { system: 'gmem-linux', profile: 'a100-pcie4' });
  assert.deepEqual(r!.summary, plain!.summary);
});

test('rememberingScans leaves a trace that already remembers its scans (an imported file) as it is', () => {
  const t: Trace = { ...memoryTrace('t', eventsToBatches(EVENTS)), knownScan: () => undefined, rememberScan: () => {} };
  assert.equal(rememberingScans(t), t);
});
