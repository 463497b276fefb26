#!/usr/bin/env node
// The project's Jupyter kernel: tslab, started with the project root as working folder whatever folder Jupyter
// starts it in. tslab compiles local .ts files only under its working folder and notebooks import `./src/...`
// relative to the project root, so notebooks in notebooks/ (or a fixture under test/) need this.
// Registered as `.gmemlab-cache/jupyter/data/kernels/tslab/kernel.json` by src/workbench/kernel.ts.
//
// Cells are type-checked and emitted by tslab; the project's .ts files they import are loaded by Node through
// tsx (as in the CLI and the tests) instead of being type-checked and emitted again by tslab in every kernel:
// see src/workbench/kernel-compile.ts for why and what it changes.
'use strict';
const path = require('node:path');

const root = path.join(__dirname, '..');
process.chdir(root);
require(require.resolve('tsx/cjs/api', { paths: [root] })).register();
const tsPath = require.resolve('@tslab/typescript-for-tslab', { paths: [path.join(root, 'node_modules', 'tslab')] });
const ts = require(tsPath);
const { wrapTypescriptForKernel } = require(path.join(root, 'src', 'workbench', 'kernel-compile.ts'));
require.cache[tsPath].exports = wrapTypescriptForKernel(ts);
require(path.join(root, 'node_modules', 'tslab', 'dist', 'main.js')).main();
