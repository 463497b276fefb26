#!/usr/bin/env node
// `npm run bench`: the benchmark suite (src/bench/runner.ts). Needs only npm dependencies.
import { createRequire } from 'node:module';
import { bootstrapOrExit } from './bootstrap.mjs';

bootstrapOrExit({ steps: 'npm' });
const require = createRequire(import.meta.url);
require('./build.cjs').registerOrExit(); // compiled src/ (rebuilt first when stale)
const { benchMain } = require('../src/bench/runner.ts');
process.exitCode = await benchMain(process.argv.slice(2));
