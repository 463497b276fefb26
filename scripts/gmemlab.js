#!/usr/bin/env node
// gmemlab command-line entry: runs the compiled build of src/ (scripts/build.cjs rebuilds it first when any
// source changed; a failed build exits 2 with the compiler's message).
'use strict';
require('./build.cjs').registerOrExit();
require('../src/cli/main.ts').runCli();
