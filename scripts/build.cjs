'use strict';
// The compiled build of src/: every .ts file under src/ transpiled by esbuild (one file in, one CommonJS file
// out, no bundling, no type-check: `npm run typecheck` does that) into build/gen-<id>/src/, with an inline
// source map. Entry points (scripts/gmemlab.js, npm start, npm run bench, npm run notebook, npm test, the
// tslab kernel) call `register()`: it rebuilds first when any source differs from the build, then installs a
// `require` handler for `.ts` that runs the compiled JavaScript of `<root>/src/**.ts` under the source file's
// own name, so `__dirname`, module paths and stack traces (through the source map) all point at src/.
//
// - Fresh or stale: the manifest (build/current.json) records every source's size and mtime and the build's
//   settings; any difference (edited, added, removed, restored-to-older file; changed tsconfig.json or this
//   script) makes the build stale. The check is one stat per source file (~400, a few ms).
// - Incremental: a rebuild compiles only the sources that differ; unchanged outputs are hard-linked from the
//   previous generation.
// - Concurrency: one builder at a time (build/lock, created O_EXCL, holds {host, pid}; taken over when its
//   pid is dead on this host); others wait, then find the build fresh. A generation is written in a `.tmp`
//   folder and renamed, and the manifest is replaced by rename (atomic swap): a reader sees the old complete
//   build or the new complete build, never a half-written one. Old generations are kept an hour (a running
//   process, e.g. a notebook kernel, may still require modules from its own generation) and then removed.
// - Failure: `BuildError` with esbuild's message (`src/x.ts:3:7: error: …`); `registerOrExit` prints it and
//   exits 2, without a stack trace.
// Plain CommonJS (no TypeScript): it runs before there is a build. See docs/architecture.md "Build".
const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');

/** Bump when the output layout or the esbuild settings below change (forces a full rebuild). */
const BUILD_FORMAT = 1;
/** A live builder is waited for this long before giving up (a full build takes ~1 s). */
const LOCK_WAIT_MS = 180_000;
/** Generations other than the current one are removed once older than this. */
const KEEP_OLD_MS = 3_600_000;

const DEFAULT_ROOT = path.join(__dirname, '..');
const HOST = os.hostname();

/** A failed build: `message` is the compiler's text (one `file:line:col: error: …` line per error). */
class BuildError extends Error {
  constructor(message) {
    super(message);
    this.name = 'BuildError';
  }
}

/** The build folder of a project root (`GMEMLAB_BUILD_DIR` overrides it for the default root only). */
function buildDirOf(root) {
  if (root === DEFAULT_ROOT && process.env.GMEMLAB_BUILD_DIR) return path.resolve(process.env.GMEMLAB_BUILD_DIR);
  return path.join(root, 'build');
}

/** Every `.ts` source under `<root>/src` (declaration files excluded): relative path → `size:mtimeMs`. */
function scanSources(root) {
  const out = {};
  const walk = (dir, rel) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(dir, e.name), r);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out[r] = stamp(path.join(dir, e.name));
    }
  };
  walk(path.join(root, 'src'), '');
  return out;
}

function stamp(file) {
  const st = fs.statSync(file);
  return `${st.size}:${st.mtimeMs}`;
}

/** What, besides the sources, decides the output: a change in any of these rebuilds everything. */
function settingsOf(root) {
  const cfg = path.join(root, 'tsconfig.json');
  return {
    format: BUILD_FORMAT,
    node: process.versions.node.split('.')[0],
    esbuild: require('esbuild/package.json').version,
    script: stamp(__filename),
    tsconfig: fs.existsSync(cfg) ? stamp(cfg) : 'none',
  };
}

function readManifest(dir) {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'current.json'), 'utf8'));
    if (m && typeof m.gen === 'string' && m.files && m.settings && fs.existsSync(path.join(dir, m.gen))) return m;
  } catch {
    // no build yet, or unreadable: rebuild
  }
  return null;
}

function sameSettings(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Sources whose build output is missing or out of date (all of them when the settings changed). */
function staleFiles(manifest, files, settings) {
  const names = Object.keys(files);
  if (!manifest || !sameSettings(manifest.settings, settings)) return { changed: names, removed: false, full: true };
  const changed = names.filter((f) => manifest.files[f] !== files[f]);
  const removed = Object.keys(manifest.files).some((f) => !(f in files));
  return { changed, removed, full: false };
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function sleepMs(ms) {
  Atomics.wait(sleepCell, 0, 0, ms);
}

function pidAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code !== 'ESRCH';
  }
}

/** Take build/lock (waiting for a live holder; taking over a dead one's). Returns the release function. */
function acquireLock(dir, name = 'lock') {
  const lock = path.join(dir, name);
  const mine = JSON.stringify({ host: HOST, pid: process.pid, startedAt: new Date().toISOString() });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      fs.writeFileSync(lock, mine, { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(lock, 'utf8') === mine) fs.rmSync(lock, { force: true });
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let holder = null;
    try {
      holder = JSON.parse(fs.readFileSync(lock, 'utf8'));
    } catch {
      // being written right now, or removed: look again
    }
    if (holder && holder.host === HOST && !pidAlive(holder.pid)) {
      fs.rmSync(lock, { force: true }); // its builder died; its .tmp generation is cleaned below
      continue;
    }
    if (Date.now() > deadline) throw new BuildError(`build: ${lock} is held by ${holder ? `pid ${holder.pid} on ${holder.host}` : 'another process'} for over ${LOCK_WAIT_MS / 1000} s; remove it if that process is gone`);
    sleepMs(25);
  }
}

/** esbuild's messages as `file:line:col: error: text` lines, paths relative to the root. */
function formatEsbuildError(e, root) {
  const errors = Array.isArray(e && e.errors) ? e.errors : [];
  if (errors.length === 0) return `build: ${e && e.message ? e.message : String(e)}`;
  return errors
    .map((m) => {
      const loc = m.location;
      const where = loc ? `${path.relative(root, path.resolve(root, loc.file)) || loc.file}:${loc.line}:${loc.column + 1}: ` : '';
      return `${where}error: ${m.text}${loc && loc.lineText ? `\n    ${loc.lineText}` : ''}`;
    })
    .join('\n');
}

/** Compile `changed` (relative to src/) into `<out>/src/…`; returns the number of files compiled. */
function compile(root, changed, out) {
  if (changed.length === 0) return 0;
  // esbuild's synchronous API without its worker thread: one `execFileSync` of the esbuild binary that has
  // exited when buildSync returns, instead of a service process left to outlive this one briefly
  const saved = process.env.ESBUILD_WORKER_THREADS;
  process.env.ESBUILD_WORKER_THREADS = '0';
  let esbuild;
  try {
    esbuild = require('esbuild');
  } finally {
    if (saved === undefined) delete process.env.ESBUILD_WORKER_THREADS;
    else process.env.ESBUILD_WORKER_THREADS = saved;
  }
  let result;
  try {
    result = esbuild.buildSync({
      absWorkingDir: root,
      entryPoints: changed.map((f) => path.join(root, 'src', f)),
      outdir: path.join(out, 'src'),
      outbase: path.join(root, 'src'),
      bundle: false,
      write: false,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      sourcemap: 'external',
      sourcesContent: false,
      logLevel: 'silent',
    });
  } catch (e) {
    throw new BuildError(formatEsbuildError(e, root));
  }
  const maps = new Map();
  for (const f of result.outputFiles) if (f.path.endsWith('.js.map')) maps.set(f.path.slice(0, -4), f.text);
  let n = 0;
  for (const f of result.outputFiles) {
    if (!f.path.endsWith('.js')) continue;
    let text = f.text;
    const map = maps.get(f.path);
    if (map) {
      // the code runs under the source's own file name, so the map's one source is that file's base name
      const m = JSON.parse(map);
      m.sources = [path.basename(f.path, '.js') + '.ts'];
      text += `//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(m)).toString('base64')}\n`;
    }
    fs.mkdirSync(path.dirname(f.path), { recursive: true });
    fs.writeFileSync(f.path, text);
    n++;
  }
  return n;
}

/**
 * Remove old generations and abandoned `.tmp` folders (never the current one). A process still running from a
 * removed generation loads any module it has not loaded yet from its source through tsx (see `useGeneration`).
 */
function collectGarbage(dir, current) {
  const now = Date.now();
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith('gen-') || name === current) continue;
    const p = path.join(dir, name);
    try {
      // called under the lock, so a `.tmp` generation is a dead builder's
      if (name.endsWith('.tmp') || now - fs.statSync(p).mtimeMs > KEEP_OLD_MS) fs.rmSync(p, { recursive: true, force: true });
    } catch {
      // removed by another process meanwhile
    }
  }
}

function linkOrCopy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  try {
    fs.linkSync(from, to);
  } catch {
    fs.copyFileSync(from, to);
  }
}

/**
 * Make the build of `root` fresh (building what is stale, under the lock) and return
 * `{ dir, gen, genDir, compiled }`: `genDir` holds `src/**.js`; `compiled` counts files this call compiled
 * (0 when the build was already fresh). Throws `BuildError` when esbuild rejects a source.
 */
function ensureBuild(opts = {}) {
  const root = path.resolve(opts.root || DEFAULT_ROOT);
  const dir = opts.buildDir ? path.resolve(opts.buildDir) : buildDirOf(root);
  const settings = settingsOf(root);
  let files = scanSources(root);
  let manifest = readManifest(dir);
  let stale = staleFiles(manifest, files, settings);
  if (!stale.full && stale.changed.length === 0 && !stale.removed) return { dir, gen: manifest.gen, genDir: path.join(dir, manifest.gen), compiled: 0 };
  fs.mkdirSync(dir, { recursive: true });
  const release = acquireLock(dir);
  try {
    // another process may have built while this one waited: look again under the lock
    files = scanSources(root);
    manifest = readManifest(dir);
    stale = staleFiles(manifest, files, settings);
    if (!stale.full && stale.changed.length === 0 && !stale.removed) return { dir, gen: manifest.gen, genDir: path.join(dir, manifest.gen), compiled: 0 };
    collectGarbage(dir, manifest ? manifest.gen : '');
    const gen = `gen-${Date.now()}-${process.pid}`;
    const tmp = path.join(dir, `${gen}.tmp`);
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(path.join(tmp, 'src'), { recursive: true });
    if (!stale.full) {
      const changed = new Set(stale.changed);
      const prev = path.join(dir, manifest.gen, 'src');
      for (const f of Object.keys(files)) if (!changed.has(f)) linkOrCopy(path.join(prev, f.replace(/\.ts$/, '.js')), path.join(tmp, 'src', f.replace(/\.ts$/, '.js')));
    }
    let compiled;
    try {
      compiled = compile(root, stale.changed, tmp);
    } catch (e) {
      fs.rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    fs.renameSync(tmp, path.join(dir, gen));
    const next = path.join(dir, `current.json.${process.pid}.tmp`);
    fs.writeFileSync(next, `${JSON.stringify({ gen, settings, builtAt: new Date().toISOString(), files }, null, 1)}\n`);
    fs.renameSync(next, path.join(dir, 'current.json'));
    return { dir, gen, genDir: path.join(dir, gen), compiled };
  } finally {
    release();
  }
}

/**
 * Type declarations of src/ (`.d.ts`, TypeScript's own compiler, declarations only) for notebook cells: the
 * tslab kernel type-checks a cell against these instead of parsing and binding every source file of src/ it
 * reaches (src/workbench/kernel-compile.ts). Built on demand by the kernel only (the CLI never needs them),
 * in `build/types.work` (tsc's incremental output, reused by the next build), then copied into a new
 * `build/types-<id>` named by `build/types.json` (atomic swap as for the JavaScript; lock `build/types.lock`).
 * Type errors do not stop them (tsc still emits; `npm run typecheck` reports errors); no `index.d.ts` at all
 * is a `BuildError`. Returns `{ typesDir, built }`; with `build: false`, `typesDir` is null when they are
 * stale (the kernel then checks cells against the sources rather than spend ~12 s of CPU on tsc inside
 * Jupyter's kernel start-up timeout; the entry points that start kernels build them first).
 */
function ensureTypes(opts = {}) {
  const root = path.resolve(opts.root || DEFAULT_ROOT);
  const dir = opts.buildDir ? path.resolve(opts.buildDir) : buildDirOf(root);
  const settings = { ...settingsOf(root), typescript: require('typescript/package.json').version };
  const fresh = () => {
    try {
      const m = JSON.parse(fs.readFileSync(path.join(dir, 'types.json'), 'utf8'));
      const files = scanSources(root);
      if (m && sameSettings(m.settings, settings) && JSON.stringify(m.files) === JSON.stringify(files) && fs.existsSync(path.join(dir, m.dir, 'index.d.ts'))) return m;
    } catch {
      // none yet
    }
    return null;
  };
  let m = fresh();
  if (m) return { typesDir: path.join(dir, m.dir), built: false };
  if (opts.build === false) return { typesDir: null, built: false };
  fs.mkdirSync(dir, { recursive: true });
  const release = acquireLock(dir, 'types.lock');
  try {
    m = fresh();
    if (m) return { typesDir: path.join(dir, m.dir), built: false };
    const files = scanSources(root);
    const work = path.join(dir, 'types.work');
    const cfg = path.join(dir, 'tsconfig.types.json');
    const config = {
      extends: path.join(root, 'tsconfig.json'),
      compilerOptions: {
        noEmit: false, declaration: true, emitDeclarationOnly: true, outDir: work, rootDir: path.join(root, 'src'),
        incremental: true, tsBuildInfoFile: path.join(work, '.tsbuildinfo'), noUnusedLocals: false, noUnusedParameters: false,
      },
      include: [path.join(root, 'src')],
    };
    fs.writeFileSync(cfg, `${JSON.stringify(config, null, 1)}\n`);
    const tsc = require.resolve('typescript/bin/tsc', { paths: [root, __dirname] });
    const r = require('node:child_process').spawnSync(process.execPath, [tsc, '-p', cfg], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (!fs.existsSync(path.join(work, 'index.d.ts'))) throw new BuildError(`types: tsc emitted no declarations (exit ${r.status})\n${(r.stdout || '').slice(0, 4000)}${r.stderr || ''}`);
    const id = `types-${Date.now()}-${process.pid}`;
    const tmp = path.join(dir, `${id}.tmp`);
    fs.cpSync(work, tmp, { recursive: true, filter: (src) => !src.endsWith('.tsbuildinfo') });
    fs.renameSync(tmp, path.join(dir, id));
    const next = path.join(dir, `types.json.${process.pid}.tmp`);
    fs.writeFileSync(next, `${JSON.stringify({ dir: id, settings, files }, null, 1)}\n`);
    fs.renameSync(next, path.join(dir, 'types.json'));
    const now = Date.now();
    for (const name of fs.readdirSync(dir)) {
      if (!name.startsWith('types-') || name === id) continue;
      const p = path.join(dir, name);
      try {
        if (name.endsWith('.tmp') || now - fs.statSync(p).mtimeMs > KEEP_OLD_MS) fs.rmSync(p, { recursive: true, force: true });
      } catch {
        // removed meanwhile
      }
    }
    return { typesDir: path.join(dir, id), built: true };
  } finally {
    release();
  }
}

/** The build this process loads from (set by `register`, read by worker-thread bootstraps). */
const ACTIVE = Symbol.for('gmemlab.build');

/**
 * Load `<root>/src/**.ts` from the compiled generation `genDir` from now on (this thread). Other `.ts` files
 * (tests, scripts) go to tsx, registered on first need. Source maps are turned on for stack traces.
 */
function useGeneration(root, genDir) {
  root = path.resolve(root);
  const srcDir = path.join(root, 'src') + path.sep;
  const outSrc = path.join(genDir, 'src');
  let tsxHook = null;
  process.setSourceMapsEnabled(true);
  const hook = function (module, filename) {
    if (filename.startsWith(srcDir) && filename.endsWith('.ts')) {
      let code = null;
      try {
        code = fs.readFileSync(path.join(outSrc, filename.slice(srcDir.length, -3) + '.js'), 'utf8');
      } catch {
        // created after this process's build (e.g. by a test): fall through to tsx
      }
      if (code !== null) return module._compile(code, filename);
    }
    if (!tsxHook) {
      const ours = require.extensions['.ts'];
      require(require.resolve('tsx/cjs/api', { paths: [root] })).register();
      tsxHook = require.extensions['.ts'];
      require.extensions['.ts'] = ours;
    }
    return tsxHook(module, filename);
  };
  require.extensions['.ts'] = hook;
  globalThis[ACTIVE] = { script: __filename, root, genDir };
}

/** `ensureBuild` then `useGeneration`: what every entry point calls first. Returns `ensureBuild`'s answer. */
function register(opts = {}) {
  const b = ensureBuild(opts);
  useGeneration(opts.root || DEFAULT_ROOT, b.genDir);
  return b;
}

/**
 * `register`, or print the build error and exit 2 (no stack trace). A build folder that cannot be written
 * (read-only clone) is not an error: one line on stderr, and the sources run through tsx as before.
 */
function registerOrExit(opts = {}) {
  try {
    return register(opts);
  } catch (e) {
    if (e && ['EACCES', 'EPERM', 'EROFS'].includes(e.code)) {
      process.stderr.write(`gmemlab: cannot write the build (${e.code} on ${e.path || 'build/'}); running the sources through tsx\n`);
      require(require.resolve('tsx/cjs/api', { paths: [path.resolve(opts.root || DEFAULT_ROOT)] })).register();
      return null;
    }
    if (!(e instanceof BuildError)) throw e;
    process.stderr.write(`${e.message}\ngmemlab: the build of src/ failed (scripts/build.cjs); nothing was run\n`);
    process.exit(2);
  }
}

/** `ensureTypes`, or one line on stderr when tsc emits nothing (kernels then check cells against the sources). */
function typesOrWarn(opts = {}) {
  try {
    return ensureTypes(opts).typesDir;
  } catch (e) {
    if (!(e instanceof BuildError)) throw e;
    process.stderr.write(`gmemlab: no type declarations of src/ (${e.message.split('\n')[0]}); notebook cells are checked against the sources\n`);
    return null;
  }
}

module.exports = { BuildError, ensureBuild, ensureTypes, typesOrWarn, useGeneration, register, registerOrExit, scanSources, ACTIVE };

if (require.main === module) {
  // `node scripts/build.cjs [--types] [--root <dir>]`: build now (with --types also the declarations) and say what was done
  const i = process.argv.indexOf('--root');
  const opts = i > 0 ? { root: process.argv[i + 1] } : {};
  try {
    const b = ensureBuild(opts);
    process.stdout.write(`build: ${b.compiled === 0 ? 'up to date' : `${b.compiled} file(s) compiled`} (${path.relative(process.cwd(), b.genDir) || b.genDir})\n`);
    if (process.argv.includes('--types')) {
      const t = ensureTypes(opts);
      process.stdout.write(`types: ${t.built ? 'built' : 'up to date'} (${path.relative(process.cwd(), t.typesDir) || t.typesDir})\n`);
    }
  } catch (e) {
    if (!(e instanceof BuildError)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exit(2);
  }
}
