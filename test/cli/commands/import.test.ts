import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { HEADER } from '../../trace/canonical-csv/helpers';
import { capture } from '../../helpers/cli';
import { formatDiagnosticLine } from '../../../src/log/diagnostic';
import { importerMessages } from '../../../src/log/messages/importers';
import { RECORD_HINTS } from '../../../src/importers/import-file';
import { writeNsysFixture } from '../../importers/nsys-sqlite/fixture';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-cli-import-'));

const GOOD = '# workload=demo\n' + HEADER +
  '0,alloc,cpu,0x7f0000000000,4194304,,,,managed,,,,,,\n' +
  '10,access,dev0,0x7f0000000000,4096,r,,,,,,3,,,\n' +
  '20,free,cpu,0x7f0000000000,,,,,,,,,,,\n';

test('import prints the summary and writes an identical canonical CSV', async () => {
  const src = join(dir, 'good.csv');
  writeFileSync(src, GOOD.replace('# workload=demo\n', '# format=gmemlab-events\n# version=1\n# workload=demo\n'));
  const out = join(dir, 'good-out.csv');
  const io = capture();
  assert.equal(await main(['import', src, '-o', out, '--no-cache'], io), 0, io.err);
  assert.equal(readFileSync(out, 'utf8'), readFileSync(src, 'utf8'));
  assert.match(io.out, /^trace +.*good\.csv\n/);
  assert.match(io.out, /\nevents +3 over 20 ns \(t_ns 0 … 20\)\n/);
  assert.match(io.out, /\nops +alloc 1, free 1, access 1\n/);
  assert.match(io.out, /\naccesses +3 \(weighted by count\)\n/);
  assert.match(io.out, /\nagents +cpu \(2 events\), dev0 \(1 event\)\n/);
  assert.match(io.out, /\nfootprint +4 MiB /);
  assert.match(io.out, /\nwarnings +none\n/);
  assert.match(io.out, /\nwritten +.*good-out\.csv \(canonical CSV\)\n$/);
  assert.equal(io.err, '');
});

test('import -o into a folder that does not exist yet creates it, as run and sweep do (docs/import.md: -o out/foreign.arrow on a fresh clone)', async () => {
  const src = join(dir, 'good-nested.csv');
  writeFileSync(src, GOOD);
  const out = join(dir, 'new', 'deeper', 'out.arrow');
  const io = capture();
  assert.equal(await main(['import', src, '-o', out, '--no-cache'], io), 0, io.err);
  assert.ok(existsSync(out), 'the output exists');
  assert.match(io.out, /\nwritten +.*out\.arrow \(Arrow IPC\)\n$/);
});

test('import -o under a regular file (no folder can be made there) exits 2 with io.cannot-write before reading', async () => {
  const src = join(dir, 'good-under-file.csv');
  writeFileSync(src, GOOD);
  const blocker = join(dir, 'a-file');
  writeFileSync(blocker, 'x');
  const io = capture();
  assert.equal(await main(['import', src, '-o', join(blocker, 'out.csv'), '--no-cache'], io), 2);
  assert.match(io.err, /^error \[io\.cannot-write\] .*a-file\/out\.csv: cannot write output: ENOTDIR/);
  assert.equal(io.err.split('\n').length, 2, 'one line');
});

test('bad input exits 2; the first stderr line is file:line:col: message; no output is written', async () => {
  const src = join(dir, 'bad.csv');
  writeFileSync(src, GOOD + '30,access,dev0,0x7f0000000000,-4096,r,,,,,,,,,\n');
  const out = join(dir, 'bad-out.arrow');
  const io = capture();
  assert.equal(await main(['import', src, '-o', out, '--no-cache'], io), 2);
  assert.equal(io.err.split('\n')[0], `error [csv.negative] ${src}:6:31: negative value (field 'bytes', expected a value ≥ 0, found "-4096")`);
  assert.doesNotMatch(io.err, /\n\s+at /, 'no stack trace');
  assert.equal(existsSync(out), false);
});

test('--lenient imports the good rows, prints counts and the kept examples on stderr', async () => {
  const src = join(dir, 'lenient.csv');
  writeFileSync(src, GOOD + '30,access,dev0,0x7f0000000000,0,r,,,,,,,,,\n40,free,cpu,0x1000,,,,,,,,,,,\n');
  const out = join(dir, 'lenient-out.arrow');
  const io = capture();
  assert.equal(await main(['import', src, '--lenient', '-o', out, '--no-cache'], io), 0, io.err);
  assert.match(io.out, /\nwarnings +csv\.zero-size ×1, trace\.free-not-live ×1\n/);
  assert.match(io.out, /\nformat +csv@1 \(lenient\)/);
  assert.match(io.err, /lenient\.csv:6:31: zero size on a "access" row/);
  assert.match(io.err, /warning \[trace\.free-not-live\] \S*lenient\.csv:7: event 3: free of an address/);
  assert.ok(existsSync(out));
});

test('argument problems exit 2 with an argument: line', async () => {
  const io = capture();
  assert.equal(await main(['import'], io), 2);
  assert.match(io.err, /^error \[cli\.missing-argument\] argument: import: missing <file>\n/);
  const io2 = capture();
  assert.equal(await main(['import', join(dir, 'x.csv'), '--strict', '--lenient'], io2), 2);
  assert.match(io2.err, /^error \[[\w.-]+\] argument: import: --strict and --lenient exclude each other/);
  const io3 = capture();
  assert.equal(await main(['import', join(dir, 'x.csv'), '-o', join(dir, 'x.json')], io3), 2);
  assert.match(io3.err, /^error \[[\w.-]+\] argument: cannot tell the output format/);
});

// --- an import with nothing to simulate exits 2 (issue 17): it says what the file holds and how to record what is needed ---

test('a Kineto trace without [memory] events exits 2 naming its contents and profile_memory=True; no output is written', async () => {
  const src = join(dir, 'no-memory.json');
  writeFileSync(src, JSON.stringify({
    traceEvents: [
      { ph: 'X', cat: 'cpu_op', name: 'aten::mm', ts: 1, dur: 5 },
      { ph: 'X', cat: 'kernel', name: 'gemm', ts: 2, dur: 3, args: { device: 0 } },
      { ph: 'X', cat: 'kernel', name: 'gemm', ts: 6, dur: 3, args: { device: 0 } },
      { ph: 'X', cat: 'gpu_memcpy', name: 'Memcpy HtoD (Pageable -> Device)', ts: 10, dur: 1, args: { device: 0, bytes: 64 } },
    ],
  }));
  for (const lenient of [false, true]) {
    const out = join(dir, `no-memory-${lenient}.csv`);
    const io = capture();
    assert.equal(await main(['import', src, '-o', out, '--no-cache', ...(lenient ? ['--lenient'] : [])], io), 2);
    // the copy's duration is also kept as an observation of the recorded run, and the message says so
    const holds = '5 events (copy 1 without an address, kernel_begin 2, kernel_end 2), none a memory event; it keeps observations of the recorded run (copy 1), which are not events';
    assert.equal(io.err.split('\n')[0], formatDiagnosticLine(importerMessages.nothingToSimulate({ file: src }, holds, RECORD_HINTS.kineto!)));
    assert.match(io.err, /profile_memory=True/);
    assert.doesNotMatch(io.err, /\n\s+at /, 'no stack trace');
    assert.equal(existsSync(out), false, 'no header-only CSV');
  }
});

test('an Nsight Systems export without CUDA memory rows exits 2 naming --cuda-memory-usage=true', async () => {
  const src = join(dir, 'no-memory.sqlite');
  // kept: the memcpy table (UM migrations → observations, one HtoD copy without an address); no faults, no memory usage, no runtime calls
  await writeNsysFixture(src, { omit: ['CUDA_UM_CPU_PAGE_FAULT_EVENTS', 'CUDA_UM_GPU_PAGE_FAULT_EVENTS', 'CUDA_GPU_MEMORY_USAGE_EVENTS', 'CUPTI_ACTIVITY_KIND_RUNTIME'] });
  const out = join(dir, 'no-memory-nsys.arrow');
  const io = capture();
  assert.equal(await main(['import', src, '-o', out, '--no-cache'], io), 2);
  // the unified-memory migrations it recorded are observations, which the message names (the file is not empty)
  const holds = '1 event (copy 1 without an address), none a memory event; it keeps observations of the recorded run (um_migration 2, copy 1), which are not events';
  assert.equal(io.err.split('\n')[0], formatDiagnosticLine(importerMessages.nothingToSimulate({ file: src }, holds, RECORD_HINTS['nsys-sqlite']!)));
  assert.match(io.err, /--cuda-memory-usage=true/);
  assert.equal(existsSync(out), false);
});

test('a file without any event (header only) also exits 2 with nothing-to-simulate in lenient mode', async () => {
  const src = join(dir, 'header-only.csv');
  writeFileSync(src, HEADER);
  const io = capture();
  assert.equal(await main(['import', src, '--lenient', '--no-cache'], io), 2);
  assert.equal(io.err.split('\n')[0], formatDiagnosticLine(importerMessages.nothingToSimulate({ file: src }, 'no events', RECORD_HINTS.csv!)));
});
