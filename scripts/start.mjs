#!/usr/bin/env node
// `npm start`: set up on a fresh clone (plain Node, see bootstrap.mjs), then run the notebooks
// (src/workbench/start.ts through tsx). Arguments after `--` select notebooks by name.
import { createRequire } from 'node:module';
import { bootstrapOrExit } from './bootstrap.mjs';

bootstrapOrExit({ steps: 'all' });
const require = createRequire(import.meta.url);
require('tsx/cjs/api').register();
const { startMain } = require('../src/workbench/start.ts');
process.exitCode = await startMain(process.argv.slice(2));
