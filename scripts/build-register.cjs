'use strict';
// `node --require ./scripts/build-register.cjs <file>`: run <file> with src/ from the compiled build
// (scripts/build.cjs; rebuilt first when stale). Other .ts files, <file> included, load through tsx.
require('./build.cjs').registerOrExit();
