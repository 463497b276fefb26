#!/usr/bin/env node
// `npm start`: set up on a fresh clone (plain Node, see bootstrap.mjs), then run the notebooks
// (src/workbench/start.ts, compiled: scripts/build.cjs). Arguments after `--` select notebooks by name.
import { createRequire } from 'node:module';
import { bootstrapOrExit } from './bootstrap.mjs';

bootstrapOrExit({ steps: 'all' });
const require = createRequire(import.meta.url);
const build = require('./build.cjs');
build.registerOrExit(); // compiled src/ (rebuilt first when stale)
build.typesOrWarn(); // declarations the notebook kernels check cells against
const { startMain } = require('../src/workbench/start.ts');
process.exitCode = await startMain(process.argv.slice(2));
