import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/main';
import { commands } from '../../src/cli/commands/index';
import { REAL_IMPORTERS } from '../../src/importers/real-formats';
import { capture } from '../helpers/cli';
import { FIXTURES } from '../importers/helpers';
import { join } from 'node:path';

test('gmemlab formats lists every real format id of docs/cli.md, one line each', async () => {
  const io = capture();
  assert.equal(await main(['formats'], io, commands), 0);
  const ids = io.out.trimEnd().split('\n').map((l) => l.split(/\s+/)[0]);
  for (const id of ['csv', 'arrow', 'pytorch-snapshot', 'kineto', 'pytorch-timeline', 'nsys-sqlite', 'uvm-fault-log', 'rocprofv3-csv', 'rocprofv3-scratch', 'gfxr-jsonl', 'vma-json', 'vma-recording']) {
    assert.ok(ids.includes(id), `${id} listed`);
  }
  assert.equal(ids.length, new Set(ids).size, 'one line per format');
  assert.match(io.out, /^pytorch-snapshot\s+PyTorch CUDA memory snapshot/m);
});

test('gmemlab formats <id> prints the options with defaults; an unknown id exits 2 listing the known ones', async () => {
  const io = capture();
  assert.equal(await main(['formats', 'pytorch-snapshot'], io, commands), 0);
  assert.match(io.out, /synthesis\s+default "touch-on-alloc" \(none \| touch-on-alloc \| touch-on-alloc-and-free\)/);
  const bad = capture();
  assert.equal(await main(['formats', 'nope'], bad, commands), 2);
  assert.match(bad.err, /^error \[[\w.-]+\] argument: bad value for formats <format> \(expected arrow, pytorch-snapshot, kineto, .*, csv, found "nope"\)/);
  for (const d of REAL_IMPORTERS) assert.ok(Object.keys(d.options).every((k) => k in d.defaults), `${d.name}: every option has a default`);
});

test('gmemlab formats names the VMA 2.x layout and the rocprofv3 scratch-memory trace; import --from auto detects both', async () => {
  const io = capture();
  assert.equal(await main(['formats'], io, commands), 0);
  assert.match(io.out, /^vma-json\s+.*VMA 2\.x and 3\.x layouts/m);
  assert.match(io.out, /^rocprofv3-scratch\s+AMD rocprofv3 scratch-memory trace CSV/m);
  const cases: Array<[string, string, RegExp]> = [
    [join(FIXTURES, 'vma-json', 'vma2-detailed-map.json'), 'vma-json@', /vma_version=2\.x/],
    [join(FIXTURES, 'rocprofv3-scratch', 'scratch_memory_trace.csv'), 'rocprofv3-scratch@', /synthesized_addresses=rocprofv3-scratch/],
  ];
  for (const [file, importer, meta] of cases) {
    const imp = capture();
    assert.equal(await main(['import', file, '--from', 'auto', '--no-cache'], imp, commands), 0, imp.err);
    assert.match(imp.out, new RegExp(`^format\\s+${importer}`, 'm'));
    assert.match(imp.out, meta);
  }
  // the sizeless variant: exit 2 with what the file holds and how to record sizes
  const bad = capture();
  assert.equal(await main(['import', join(FIXTURES, 'rocprofv3-scratch', 'scratch_memory_trace_nosize.csv'), '--no-cache'], bad, commands), 2);
  assert.match(bad.err, /nothing to simulate: .*no Allocation_Size column.*rocprofv3 --scratch-memory-trace --output-format csv -- <app>/);
});
