import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  aptCommand, DEB_PACKAGES, lockHash, missingDebPackages, nodeVersionOk, npmInstallReason, parseDpkgQuery, PROJECT_ROOT,
} from '../../scripts/bootstrap.mjs';
import { tempDir } from '../helpers/temp-dir';

test('Node 20.19 is the oldest accepted version (require of ES modules)', () => {
  assert.equal(nodeVersionOk('v20.19.0'), true);
  assert.equal(nodeVersionOk('v20.18.3'), false);
  assert.equal(nodeVersionOk('v22.1.0'), true);
  assert.equal(nodeVersionOk('v18.20.4'), false);
  assert.equal(nodeVersionOk(process.version), true);
});

test('dpkg-query output counts only fully installed (ii) packages', () => {
  const out = 'chromium ii \njupyter-notebook rc \nfonts-dejavu-core:all ii \njupyter-nbconvert un \n';
  assert.deepEqual([...parseDpkgQuery(out)].sort(), ['chromium', 'fonts-dejavu-core']);
});

test('the install command is one line, non-interactive, without recommends, with sudo unless root', () => {
  assert.equal(aptCommand(['chromium', 'fonts-dejavu-core'], true), 'apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core');
  assert.equal(aptCommand(['chromium'], false), 'sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium');
});

test('the required Debian packages are detected as installed and an unknown one as missing', () => {
  assert.deepEqual(DEB_PACKAGES, ['jupyter-nbconvert', 'jupyter-notebook', 'fonts-dejavu-core', 'chromium']);
  assert.deepEqual(missingDebPackages(), []);
  assert.deepEqual(missingDebPackages(['chromium', 'gmemlab-no-such-package']), ['gmemlab-no-such-package']);
});

test('npm ci is needed when node_modules is missing, unstamped, or stamped for another lockfile', () => {
  const root = tempDir('boot');
  writeFileSync(join(root, 'package-lock.json'), '{"lockfileVersion":3}');
  assert.match(npmInstallReason(root)!, /missing/);
  mkdirSync(join(root, 'node_modules'));
  assert.match(npmInstallReason(root)!, /no lockfile stamp/);
  writeFileSync(join(root, 'node_modules', '.gmemlab-lock-sha256'), 'stale\n');
  assert.match(npmInstallReason(root)!, /changed/);
  writeFileSync(join(root, 'node_modules', '.gmemlab-lock-sha256'), `${lockHash(root)}\n`);
  assert.equal(npmInstallReason(root), undefined);
});

test('this checkout is installed from its own lockfile (the stamp matches)', () => {
  assert.equal(npmInstallReason(PROJECT_ROOT), undefined);
});

test('the bootstrap script rejects an unknown step with its usage and exit code 2', () => {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'bootstrap.mjs'), 'everything'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage: node scripts\/bootstrap\.mjs \[all\|npm\|debs\]/);
});

test('as a non-root user a missing package stops set-up with the exact command to run', { skip: process.getuid?.() !== 0 || !existsSync('/usr/sbin/runuser') ? 'needs root and runuser to switch to an unprivileged user' : false }, () => {
  const code = `import(${JSON.stringify(join(PROJECT_ROOT, 'scripts', 'bootstrap.mjs'))}).then((b) => {
    try { b.ensureDebPackages({ wanted: ['chromium', 'gmemlab-no-such-package'] }); console.log('installed?'); }
    catch (e) { console.log(e.constructor.name + ': ' + e.message); }
  })`;
  const r = spawnSync('/usr/sbin/runuser', ['-u', 'nobody', '--', process.execPath, '-e', code], { cwd: '/tmp', encoding: 'utf8' });
  assert.equal(r.stdout.trim(), [
    'SetupError: gmemlab setup: missing Debian packages: gmemlab-no-such-package. Install them with:',
    '  sudo apt-get update && sudo apt-get install -y --no-install-recommends gmemlab-no-such-package',
  ].join('\n'), r.stderr);
});
