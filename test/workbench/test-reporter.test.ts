import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/version';
import { tempDir } from '../helpers/temp-dir';

test('npm test prints a progress line per finished file (count and elapsed seconds) and still ends with "N passed, N failed"', () => {
  const dir = tempDir('reporter');
  writeFileSync(join(dir, 'a.test.mjs'), "import { test } from 'node:test'; test('a1', () => {}); test('a2', () => {});\n");
  writeFileSync(join(dir, 'b.test.mjs'), "import { test } from 'node:test'; test('b1', () => { throw new Error('no'); });\n");
  // a child `node --test` started from inside a test would report to this runner instead of printing
  const env: NodeJS.ProcessEnv = { ...process.env, GMEMLAB_TEST_FILES: '2', GMEMLAB_TEST_PROGRESS: '' };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(process.execPath, ['--test', `--test-reporter=${join(PROJECT_ROOT, 'scripts', 'test-reporter.mjs')}`, '--test-reporter-destination=stdout', 'a.test.mjs', 'b.test.mjs'], {
    cwd: dir, encoding: 'utf8', env,
  });
  const lines = r.stdout.trimEnd().split('\n');
  const progress = lines.filter((l) => /^\[\d\/2 files, \d+ s\]/.test(l));
  assert.equal(progress.length, 2, r.stdout);
  assert.match(progress[0]!, /^\[1\/2 files, \d+ s\] 2 passed, 0 failed {2}a\.test\.mjs$/);
  assert.match(progress[1]!, /^\[2\/2 files, \d+ s\] 2 passed, 1 failed {2}b\.test\.mjs$/);
  assert.equal(lines.at(-1), '2 passed, 1 failed');
});
