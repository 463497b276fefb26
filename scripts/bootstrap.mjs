// First-run set-up shared by `npm start`, `npm test`, `npm run notebook` and `.ci/run`.
//
// Plain Node.js with no dependencies on purpose: it runs on a fresh clone before node_modules exists.
// 1. Node version check (require(esm) needs Node >= 20.19).
// 2. npm dependencies: `npm ci` when node_modules is missing or was installed from another lockfile
//    (stamp: node_modules/.gmemlab-lock-sha256 holds the SHA-256 of package-lock.json).
// 3. Debian packages the notebooks and the browser test need: installed with apt-get when running as root,
//    otherwise we stop and print the exact one-line command to run.
// Everything after that (kernel registration, notebook runs) is TypeScript in src/workbench/.
//
// Usage as a script: `node scripts/bootstrap.mjs [all|npm|debs]` (default all).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Debian packages gmemlab needs at run time (Debian 12 names). */
export const DEB_PACKAGES = ['jupyter-nbconvert', 'jupyter-notebook', 'fonts-dejavu-core', 'chromium'];

/** Lowest Node.js version: `require()` of ES modules (arquero) without a flag arrived in 20.19. */
export const MIN_NODE = [20, 19, 0];

const STAMP = '.gmemlab-lock-sha256';

/** A set-up step failed in a way the user must fix; `message` says how. */
export class SetupError extends Error {}

/** True when `version` ("v20.19.1" or "20.19.1") is at least `min`. */
export function nodeVersionOk(version, min = MIN_NODE) {
  const v = version.replace(/^v/, '').split('.').map((x) => Number.parseInt(x, 10));
  for (let i = 0; i < 3; i++) {
    if ((v[i] ?? 0) > min[i]) return true;
    if ((v[i] ?? 0) < min[i]) return false;
  }
  return true;
}

/** SHA-256 (hex) of the lockfile, or undefined when there is none. */
export function lockHash(root = PROJECT_ROOT) {
  const p = join(root, 'package-lock.json');
  if (!existsSync(p)) return undefined;
  return createHash('sha256').update(readFileSync(p)).digest('hex');
}

/** Why node_modules must be (re)installed, or undefined when it matches the lockfile. */
export function npmInstallReason(root = PROJECT_ROOT) {
  if (!existsSync(join(root, 'node_modules'))) return 'node_modules is missing';
  const stamp = join(root, 'node_modules', STAMP);
  if (!existsSync(stamp)) return 'node_modules was not installed by gmemlab set-up (no lockfile stamp)';
  if (readFileSync(stamp, 'utf8').trim() !== lockHash(root)) return 'package-lock.json changed since the last install';
  return undefined;
}

/** Run `npm ci` when node_modules is missing or stale; returns true when it installed. */
export function ensureNodeModules({ root = PROJECT_ROOT, log = defaultLog } = {}) {
  const reason = npmInstallReason(root);
  if (reason === undefined) return false;
  log(`gmemlab setup: installing npm dependencies with 'npm ci' (${reason})`);
  const [cmd, args] = npmCommand(['ci', '--no-audit', '--no-fund']);
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 2, 2] });
  if (r.error) throw new SetupError(`gmemlab setup: cannot run npm (${r.error.message}); install Node.js ${MIN_NODE.join('.')}+ with npm`);
  if (r.status !== 0) throw new SetupError(`gmemlab setup: 'npm ci' failed (exit ${r.status}); see the npm output above`);
  const hash = lockHash(root);
  if (hash) {
    const stamp = join(root, 'node_modules', STAMP);
    writeFileSync(`${stamp}.tmp`, `${hash}\n`);
    renameSync(`${stamp}.tmp`, stamp);
  }
  return true;
}

/** The npm to run: the one running us (`npm_execpath`) when set, else `npm` on PATH. */
function npmCommand(args) {
  const execPath = process.env.npm_execpath;
  if (execPath && /npm-cli\.js$/.test(execPath)) return [process.execPath, [execPath, ...args]];
  return ['npm', args];
}

/**
 * Parse `dpkg-query -W -f '${Package} ${db:Status-Abbrev}\n' …` output: the set of packages whose status
 * is "ii" (installed, no errors).
 */
export function parseDpkgQuery(text) {
  const installed = new Set();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(\S+)/.exec(line.trim());
    if (m && m[2].startsWith('ii')) installed.add(m[1].replace(/:.*$/, ''));
  }
  return installed;
}

/** Files that prove a package is there when dpkg-query is unavailable (not a Debian system). */
const PACKAGE_PROBES = {
  'jupyter-nbconvert': '/usr/bin/jupyter-nbconvert',
  'jupyter-notebook': '/usr/bin/jupyter-notebook',
  'fonts-dejavu-core': '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  chromium: '/usr/bin/chromium',
};

/** Packages of `wanted` that are not installed. */
export function missingDebPackages(wanted = DEB_PACKAGES) {
  const r = spawnSync('dpkg-query', ['-W', '-f', '${Package} ${db:Status-Abbrev}\n', ...wanted], { encoding: 'utf8' });
  if (r.error) return wanted.filter((p) => !(PACKAGE_PROBES[p] && existsSync(PACKAGE_PROBES[p])));
  const installed = parseDpkgQuery(r.stdout ?? '');
  return wanted.filter((p) => !installed.has(p));
}

/** The one-line command that installs `packages` (with sudo unless we are root). */
export function aptCommand(packages, root = isRoot()) {
  const sudo = root ? '' : 'sudo ';
  return `${sudo}apt-get update && ${sudo}apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Install missing Debian packages when root; otherwise throw a SetupError carrying the command to run. */
export function ensureDebPackages({ log = defaultLog, wanted = DEB_PACKAGES } = {}) {
  const missing = missingDebPackages(wanted);
  if (missing.length === 0) return false;
  const cmd = aptCommand(missing);
  if (!isRoot()) {
    throw new SetupError(`gmemlab setup: missing Debian packages: ${missing.join(' ')}. Install them with:\n  ${cmd}`);
  }
  log(`gmemlab setup: installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...missing]]) {
    const r = spawnSync('apt-get', args, { stdio: ['ignore', 2, 2], env });
    if (r.error || r.status !== 0) {
      throw new SetupError(`gmemlab setup: 'apt-get ${args.join(' ')}' failed${r.error ? ` (${r.error.message})` : ` (exit ${r.status})`}. Run:\n  ${cmd}`);
    }
  }
  const still = missingDebPackages(wanted);
  if (still.length) throw new SetupError(`gmemlab setup: packages still missing after apt-get: ${still.join(' ')}`);
  return true;
}

function defaultLog(message) {
  process.stderr.write(`${message}\n`);
}

/** All set-up steps that need no npm dependency. `steps`: 'all' | 'npm' | 'debs'. */
export function bootstrap({ steps = 'all', log = defaultLog } = {}) {
  if (!nodeVersionOk(process.version)) {
    throw new SetupError(`gmemlab setup: Node.js ${MIN_NODE.join('.')} or newer is needed (found ${process.version})`);
  }
  if (steps === 'all' || steps === 'npm') ensureNodeModules({ log });
  if (steps === 'all' || steps === 'debs') ensureDebPackages({ log });
}

/** Run `bootstrap`, printing a SetupError's message and exiting 1 instead of a stack trace. */
export function bootstrapOrExit(options) {
  try {
    bootstrap(options);
  } catch (e) {
    if (e instanceof SetupError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const steps = process.argv[2] ?? 'all';
  if (!['all', 'npm', 'debs'].includes(steps)) {
    process.stderr.write('usage: node scripts/bootstrap.mjs [all|npm|debs]\n');
    process.exit(2);
  }
  bootstrapOrExit({ steps });
}
