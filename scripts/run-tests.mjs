#!/usr/bin/env node
// `npm test`: run every test/**/*.test.ts through Node's test runner (tsx loader) with the gmemlab reporter.
// Node 20's --test has no glob, so the file list is built here. Usage: npm test [-- <filter substring>...]
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2);

function walk(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

const files = walk(join(root, 'test'), []).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
const args = ['--import', 'tsx', '--test', '--test-reporter=./scripts/test-reporter.mjs', '--test-reporter-destination=stdout', ...files];
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, GMEMLAB_DEBUG: process.env.GMEMLAB_DEBUG ?? '1' } });
process.exit(r.status ?? 1);
