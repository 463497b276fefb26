#!/usr/bin/env node
// The project's Jupyter kernel: tslab, started with the project root as working folder whatever folder Jupyter
// starts it in. tslab compiles local .ts files only under its working folder and notebooks import `./src/...`
// relative to the project root, so notebooks in notebooks/ (or a fixture under test/) need this.
// Registered as `.gmemlab-cache/jupyter/data/kernels/tslab/kernel.json` by src/workbench/kernel.ts.
'use strict';
const path = require('node:path');

const root = path.join(__dirname, '..');
process.chdir(root);
require(path.join(root, 'node_modules', 'tslab', 'dist', 'main.js')).main();
