// Node test-runner reporter for gmemlab: one line per failing or skipped test, one progress line per finished
// test file (`[ 12/130 files, 45 s] 310 passed, 0 failed  test/x.test.ts`), and, as the very last line,
// `N passed, N failed` (the CI contract in README.md). The file total comes from GMEMLAB_TEST_FILES (set by
// scripts/run-tests.mjs), else from the files the runner announced so far. GMEMLAB_TEST_PROGRESS=0 turns the
// progress lines off.
import { relative } from 'node:path';

/** The progress line for one finished file (exported for its test). */
export function progressLine(done, total, elapsedMs, passed, failed, file) {
  const width = String(total).length;
  return `[${String(done).padStart(width)}/${total} files, ${Math.round(elapsedMs / 1000)} s] ${passed} passed, ${failed} failed  ${file}\n`;
}

/** @param {AsyncIterable<{type: string, data: any}>} source */
export default async function* reporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures = [];
  const started = Date.now();
  const announced = new Set();
  let filesDone = 0;
  const envTotal = Number(process.env.GMEMLAB_TEST_FILES);
  const showProgress = process.env.GMEMLAB_TEST_PROGRESS !== '0';
  for await (const event of source) {
    const d = event.data;
    if (event.type === 'test:enqueue' && d.file !== undefined && d.name === d.file) announced.add(d.file);
    else if (event.type === 'test:complete' && d.file !== undefined && d.name === d.file) {
      // a test file finished (Node reports the file itself as a test named by its path)
      filesDone++;
      const total = Number.isInteger(envTotal) && envTotal > 0 ? envTotal : announced.size;
      if (showProgress) yield progressLine(filesDone, Math.max(total, filesDone), Date.now() - started, passed, failed, relative(process.cwd(), d.file));
    } else if (event.type === 'test:pass') {
      if (d.details?.type === 'suite') continue;
      if (d.skip !== undefined || d.todo !== undefined) {
        skipped++;
        yield `SKIP ${where(d)} ${d.name}${typeof d.skip === 'string' ? ` — ${d.skip}` : ''}\n`;
      } else passed++;
    } else if (event.type === 'test:fail') {
      if (d.details?.type === 'suite' && d.details?.error?.failureType === 'subtestsFailed') continue;
      failed++;
      const err = d.details?.error;
      const cause = err?.cause ?? err;
      const text = cause?.stack ?? cause?.message ?? String(cause);
      failures.push(`FAIL ${where(d)} ${d.name}\n${indent(String(text))}`);
      yield `FAIL ${where(d)} ${d.name}\n`;
    } else if (event.type === 'test:diagnostic' && /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) /.test(d.message)) {
      // the runner's own totals; ours follow
    } else if (event.type === 'test:stderr' || event.type === 'test:stdout') {
      if (process.env.GMEMLAB_TEST_VERBOSE) yield d.message;
    }
  }
  if (failures.length) yield `\n${failures.join('\n\n')}\n\n`;
  if (skipped) yield `${skipped} skipped\n`;
  yield `${passed} passed, ${failed} failed\n`;
}

function where(d) {
  return d.file ? relative(process.cwd(), d.file) + (d.line ? `:${d.line}` : '') : '';
}

function indent(s) {
  return s.split('\n').map((l) => '    ' + l).join('\n');
}
