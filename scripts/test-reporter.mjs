// Node test-runner reporter for gmemlab: one line per failing or skipped test, a dot-free progress count,
// and, as the very last line, `N passed, N failed` (the CI contract in README.md).
import { relative } from 'node:path';

/** @param {AsyncIterable<{type: string, data: any}>} source */
export default async function* reporter(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const failures = [];
  for await (const event of source) {
    const d = event.data;
    if (event.type === 'test:pass') {
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
