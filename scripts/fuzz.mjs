#!/usr/bin/env node
// `npm run fuzz`: the fuzz runner (src/fuzz/main.ts). Needs only npm dependencies.
import { createRequire } from 'node:module';
import { bootstrapOrExit } from './bootstrap.mjs';

bootstrapOrExit({ steps: 'npm' });
const require = createRequire(import.meta.url);
require('tsx/cjs/api').register();
const { fuzzMain } = require('../src/fuzz/main.ts');
process.exitCode = await fuzzMain(process.argv.slice(2));
