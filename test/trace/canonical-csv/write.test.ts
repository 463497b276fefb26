import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventsToBatches } from '../../../src/trace/batch';
import { writeCanonicalCsv } from '../../../src/trace/canonical-csv/write';

test('the writer emits metadata, the fixed header and canonical rows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-w-'));
  const out = join(dir, 't.csv');
  const n = await writeCanonicalCsv(
    eventsToBatches([
      { op: 'alloc', tNs: 0, agent: 'cpu', va: 0x7f0000000000, bytes: 67108864, flags: ['peer_shared'] },
      { op: 'access', tNs: 1000, agent: 'dev0', va: 0x7f0000000000, bytes: 4096, access: 'w', count: 2 },
      { op: 'marker', tNs: 2000, label: 'phase:a,b "q"' },
    ]),
    { workload: 'demo', seed: '7' },
    out,
  );
  assert.equal(n, 3);
  assert.equal(
    readFileSync(out, 'utf8'),
    '# format=gmemlab-events\n# version=1\n# workload=demo\n# seed=7\n' +
      't_ns,op,agent,va,bytes,access,advice,target,flags,resource,offset,count,page_bytes,dur_ns,label\n' +
      '0,alloc,cpu,0x7f0000000000,67108864,,,,peer_shared,,,,,,\n' +
      '1000,access,dev0,0x7f0000000000,4096,w,,,,,,2,,,\n' +
      '2000,marker,cpu,,,,,,,,,,,,"phase:a,b ""q"""\n',
  );
  assert.deepEqual(readdirSync(dir), ['t.csv']);
});

test('a failing source leaves no output file and no temporary', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-w-'));
  async function* broken() {
    yield eventsToBatches([{ op: 'marker', tNs: 0, label: 'x' }])[0]!;
    throw new Error('source failed');
  }
  await assert.rejects(writeCanonicalCsv(broken(), {}, join(dir, 't.csv')), /source failed/);
  assert.deepEqual(readdirSync(dir), []);
});
