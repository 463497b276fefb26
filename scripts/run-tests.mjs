#!/usr/bin/env node
// `npm test`: set up on a fresh clone (bootstrap.mjs: npm ci, Debian packages), then run every
// test/**/*.test.ts through Node's test runner (tsx loader) with the gmemlab reporter, whose last line is
// `N passed, N failed`. The type-check and the notebook runs are tests too (test/typecheck.test.ts,
// test/notebooks/notebooks.test.ts), so a type error or a failing notebook counts as a failed test.
// Node 20's --test has no glob, so the file list is built here. Usage: npm test [-- <path substring>...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { bootstrapOrExit } from './bootstrap.mjs';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

bootstrapOrExit({ steps: 'all' });
// tests run from the sources through tsx; the CLI, notebook kernels and workers they start use the build
const build = createRequire(import.meta.url)('./build.cjs');
build.registerOrExit();
build.typesOrWarn(); // declarations the notebook kernels of the notebook tests check cells against

function walk(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const files = walk(join(root, 'test'), []).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  process.stderr.write(`no test file matches ${filters.map((f) => JSON.stringify(f)).join(', ')}\n`);
  process.exit(2);
}
process.stdout.write(`running ${files.length} test file${files.length === 1 ? '' : 's'}\n`);
const args = ['--import', 'tsx', '--test', '--test-reporter=./scripts/test-reporter.mjs', '--test-reporter-destination=stdout', ...files];
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, GMEMLAB_DEBUG: process.env.GMEMLAB_DEBUG ?? '1', GMEMLAB_TEST_FILES: String(files.length) } });
process.exit(r.status ?? 1);
