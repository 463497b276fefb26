import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchesToEvents } from '../../src/trace/batch';
import type { TraceEvent } from '../../src/trace/event';
import { collectBatches } from '../../src/trace/trace';
import { IOVA_BASE, lineRatePps, wireGbps } from '../../src/workloads/nic-rx/index';
import { workloadTrace } from '../../src/workloads/trace';

async function events(params: Record<string, string | number>, seed = 0): Promise<TraceEvent[]> {
  return batchesToEvents((await collectBatches(workloadTrace('nic-rx', params, seed))).batches);
}

test('line rate: 10 GbE carries 812,744 packets/s of 1500 B (38 B of framing each)', () => {
  assert.equal(Math.round(lineRatePps(10, 1500)), 812744);
  assert.ok(Math.abs(wireGbps(812744, 1500) - 10) < 1e-5);
  assert.equal(Math.round(lineRatePps(10, 64)), 12254902);
});

test('every received packet: mapped buffer → NIC write at its IOVA → unmap → CPU read → refill with a fresh IOVA', async () => {
  const ev = await events({ packets: 3000 });
  const mapped = new Map<number, string>(); // iova -> resource
  const hostOf = new Map<string, number>(); // resource -> host va
  let written = 0;
  let unmapped = 0;
  let cpuReads = 0;
  const pendingRead = new Set<string>();
  for (const e of ev) {
    if (e.op === 'alloc' && e.resource?.startsWith('rxbuf')) hostOf.set(e.resource, e.va!);
    if (e.op === 'map' && e.resource?.startsWith('rxbuf')) {
      assert.equal(e.agent, 'dev0');
      assert.equal(e.pageBytes, 4096);
      assert.ok(!mapped.has(e.va!), 'a fresh IOVA');
      mapped.set(e.va!, e.resource);
    }
    if (e.op === 'access' && e.agent === 'dev0' && e.bytes === 1500) {
      assert.ok(mapped.has(e.va!), 'the NIC writes only into a mapped buffer');
      assert.equal(e.access, 'w');
      written++;
    }
    if (e.op === 'unmap' && e.va !== IOVA_BASE && mapped.has(e.va!)) {
      pendingRead.add(mapped.get(e.va!)!);
      mapped.delete(e.va!);
      unmapped++;
    }
    if (e.op === 'access' && e.agent === 'cpu' && e.bytes === 1500) {
      const res = [...pendingRead].find((r) => hostOf.get(r) === e.va);
      assert.ok(res, 'the CPU reads a packet only after its buffer was unmapped');
      pendingRead.delete(res!);
      cpuReads++;
    }
  }
  assert.equal(written, 3000, 'at line rate with the default stack cost no packet is dropped');
  assert.ok(unmapped >= 3000 && cpuReads === 3000);
});

test('offered rate matches ratePps, and a slow stack drops packets instead of writing them', async () => {
  const ev = await events({ packets: 4000, arrival: 'uniform', ratePps: 1e6 });
  const writes = ev.filter((e) => e.op === 'access' && e.agent === 'dev0' && e.bytes === 1500);
  const span = writes.at(-1)!.tNs - writes[0]!.tNs;
  assert.ok(Math.abs(span - 3999 * 1000) <= 1, `${span} ns for 4000 packets at 1 Mpps`);
  const slow = await events({ packets: 4000, stackNsPerPacket: 3000 });
  const drops = slow.filter((e) => e.op === 'marker' && e.label === 'rx_drop').length;
  const received = slow.filter((e) => e.op === 'access' && e.agent === 'dev0' && e.bytes === 1500).length;
  assert.ok(drops > 0);
  assert.equal(drops + received, 4000);
});

test('NAPI polls process at most napiBudget packets each', async () => {
  const ev = await events({ packets: 3000, napiBudget: 8 });
  let inPoll = 0;
  let maxPerPoll = 0;
  for (const e of ev) {
    if (e.op === 'marker' && e.label === 'napi_poll') inPoll = 0;
    if (e.op === 'access' && e.agent === 'cpu' && e.bytes === 1500) maxPerPoll = Math.max(maxPerPoll, ++inPoll);
  }
  assert.equal(maxPerPoll, 8);
});
