#!/usr/bin/env node
// The project's Jupyter kernel: tslab, started with the project root as working folder whatever folder Jupyter
// starts it in. tslab compiles local .ts files only under its working folder and notebooks import `./src/...`
// relative to the project root, so notebooks in notebooks/ (or a fixture under test/) need this.
// Registered as `.gmemlab-cache/jupyter/data/kernels/tslab/kernel.json` by src/workbench/kernel.ts.
//
// Cells are type-checked and emitted by tslab; the project's .ts files they import are loaded by Node from the
// compiled build (scripts/build.cjs, as in the CLI) instead of being type-checked and emitted again by tslab in
// every kernel: see src/workbench/kernel-compile.ts for why and what it changes.
'use strict';
const path = require('node:path');

const root = path.join(__dirname, '..');
process.chdir(root);
const build = require('./build.cjs');
build.registerOrExit({ root }); // the compiled build of src/, rebuilt first when stale
// cells are type-checked against the declarations of src/ when they are up to date (built by npm start,
// npm run notebook and npm test before they start kernels), else against the sources
const typesDir = build.ensureTypes({ root, build: false }).typesDir;
const types = typesDir ? { srcDir: path.join(root, 'src'), typesDir } : undefined;
const tsPath = require.resolve('@tslab/typescript-for-tslab', { paths: [path.join(root, 'node_modules', 'tslab')] });
const ts = require(tsPath);
const { wrapTypescriptForKernel } = require(path.join(root, 'src', 'workbench', 'kernel-compile.ts'));
require.cache[tsPath].exports = wrapTypescriptForKernel(ts, undefined, types);
// Tables as a cell's last value → HTML tables; a cell's exception → one clean line (src/workbench/kernel-hooks.ts).
require(path.join(root, 'src', 'workbench', 'kernel-hooks.ts')).installKernelHooks();
require(path.join(root, 'node_modules', 'tslab', 'dist', 'main.js')).main();
