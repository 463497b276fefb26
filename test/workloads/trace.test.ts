import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectBatches } from '../../src/trace/trace';
import { digestBatches } from '../../src/trace/digest';
import { GmemlabError } from '../../src/log/diagnostic';
import { workloadTrace } from '../../src/workloads/trace';

test('workloadTrace re-reads identically and exposes the metadata and string table', async () => {
  const tr = workloadTrace('nic-rx', { packets: 300, packetBytes: '1KiB' }, 5);
  assert.equal(tr.name, 'workload:nic-rx');
  const a = await collectBatches(tr);
  const b = await collectBatches(tr);
  assert.equal(digestBatches(a.batches), digestBatches(b.batches));
  assert.equal(a.reader.meta['param.packetBytes'], '1024');
  assert.equal(a.reader.meta.seed, '5');
  assert.equal(a.batches[0]!.strings, a.reader.strings, 'batches share the reader string table');
});

test('bad ids, parameters and seeds fail when the trace is made, not when it is read', () => {
  assert.throws(() => workloadTrace('nope'), GmemlabError);
  assert.throws(() => workloadTrace('nic-rx', { packets: -1 }), GmemlabError);
  assert.throws(() => workloadTrace('nic-rx', {}, -3), GmemlabError);
});

test('generation is lazy: the first batches of a 1e12-event trace arrive without generating the rest', async () => {
  const tr = workloadTrace('synthetic-access', { events: 1e12, footprintBytes: '1GiB' });
  const rssBefore = process.memoryUsage().rss;
  let rows = 0;
  let batches = 0;
  for await (const b of tr.read()) {
    rows += b.length;
    if (++batches === 20) break;
  }
  assert.ok(rows > 1e6 && rows < 2e6);
  assert.ok(process.memoryUsage().rss - rssBefore < 400e6, 'bounded memory');
});
