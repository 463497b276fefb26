#!/usr/bin/env node
// gmemlab command-line entry: loads the TypeScript sources through tsx (no build step).
'use strict';
require('tsx/cjs/api').register();
require('../src/cli/main.ts').runCli();
