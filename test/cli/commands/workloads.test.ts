import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../../src/cli/main';
import { workloadIds } from '../../../src/workloads/index';
import { capture } from '../../helpers/cli';

test('workloads lists every id with a one-line summary stating its default footprint', async () => {
  const io = capture();
  assert.equal(await main(['workloads'], io), 0);
  const lines = io.out.trimEnd().split('\n');
  assert.deepEqual(lines.map((l) => l.split(/\s+/)[0]), workloadIds());
  for (const l of lines) assert.match(l, /\(footprint [^)]+\)$/);
});

test('workloads <id> prints the parameters with defaults and meanings', async () => {
  const io = capture();
  assert.equal(await main(['workloads', 'game-remap'], io), 0);
  assert.match(io.out, /^game-remap: /);
  assert.match(io.out, /\n  poolBytes\s+100663296 \(96 MiB\)\s+physical tile pool/);
  const bad = capture();
  assert.equal(await main(['workloads', 'nope'], bad), 2);
  assert.match(bad.err, /^error \[workloads\.unknown\] argument: unknown workload "nope"/);
});
