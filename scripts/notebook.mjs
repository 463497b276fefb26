#!/usr/bin/env node
// `npm run notebook`: set up (bootstrap.mjs), then start the classic Jupyter UI on 127.0.0.1 with the
// project's tslab kernel (src/workbench/jupyter-ui.ts). `npm run notebook -- --port 8890` picks a port.
import { createRequire } from 'node:module';
import { bootstrapOrExit } from './bootstrap.mjs';

bootstrapOrExit({ steps: 'all' });
const require = createRequire(import.meta.url);
const build = require('./build.cjs');
build.registerOrExit(); // compiled src/ (rebuilt first when stale)
build.typesOrWarn(); // declarations the notebook kernels check cells against
const { notebookMain } = require('../src/workbench/jupyter-ui.ts');
process.exitCode = await notebookMain(process.argv.slice(2));
