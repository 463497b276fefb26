import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureToolDirs, protectRuntimeFiles, toolEnv, toolPaths } from '../../src/workbench/tool-env';
import { tempDir } from '../helpers/temp-dir';

const root = '/some/project';

test('every tool state folder is inside <project>/.gmemlab-cache', () => {
  for (const [key, p] of Object.entries(toolPaths(root))) assert.ok(p.startsWith('/some/project/.gmemlab-cache'), `${key}: ${p}`);
});

test('tool processes get HOME, Jupyter, IPython, XDG and matplotlib folders redirected into the project', () => {
  const env = toolEnv(root, { HOME: '/root', PATH: '/usr/bin', JUPYTER_PLATFORM_DIRS: '1', XDG_CONFIG_HOME: '/root/.config' });
  for (const key of ['HOME', 'JUPYTER_CONFIG_DIR', 'JUPYTER_DATA_DIR', 'JUPYTER_RUNTIME_DIR', 'IPYTHONDIR', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'XDG_STATE_HOME', 'MPLCONFIGDIR']) {
    assert.ok(env[key]?.startsWith('/some/project/.gmemlab-cache/'), `${key}=${env[key]}`);
  }
  assert.equal(env.PATH, '/usr/bin');
  assert.equal(env.JUPYTER_PLATFORM_DIRS, undefined);
  assert.equal(env.PYTHONDONTWRITEBYTECODE, '1');
});

test('toolEnv does not modify the environment it starts from', () => {
  const base = { HOME: '/root' };
  toolEnv(root, base);
  assert.deepEqual(base, { HOME: '/root' });
});

test('Jupyter\'s runtime and data folders are created 0700, and existing ones narrowed to 0700 (issue 18: the token file)', () => {
  const project = tempDir('tool-dirs');
  const p = toolPaths(project);
  mkdirSync(p.jupyterRuntime, { recursive: true, mode: 0o755 });
  chmodSync(p.jupyterRuntime, 0o755); // as an older gmemlab left it
  writeFileSync(join(p.jupyterRuntime, 'nbserver-1.json'), '{"token": "x"}', { mode: 0o644 });
  chmodSync(join(p.jupyterRuntime, 'nbserver-1.json'), 0o644);
  symlinkSync('/etc/hostname', join(p.jupyterRuntime, 'link'));
  ensureToolDirs(project);
  const mode = (f: string): number => statSync(f).mode & 0o777;
  assert.equal(mode(p.jupyterRuntime), 0o700);
  assert.equal(mode(p.jupyterData), 0o700);
  assert.equal(mode(join(p.jupyterRuntime, 'nbserver-1.json')), 0o600, 'files an earlier server left are narrowed too');
  assert.equal(lstatSync(join(p.jupyterRuntime, 'link')).isSymbolicLink(), true, 'a symlink is not followed (its target keeps its mode)');
  // a fresh project: created private under any umask
  const fresh = tempDir('tool-dirs');
  const saved = process.umask(0o000);
  try {
    ensureToolDirs(fresh);
  } finally {
    process.umask(saved);
  }
  assert.equal(mode(toolPaths(fresh).jupyterRuntime), 0o700);
  assert.equal(mode(toolPaths(fresh).jupyterData), 0o700);
});

test('protectRuntimeFiles narrows only what is wider than 0600 and reports it', () => {
  const project = tempDir('tool-dirs');
  const p = ensureToolDirs(project);
  writeFileSync(join(p.jupyterRuntime, 'a-open.html'), 'x', { mode: 0o600 });
  writeFileSync(join(p.jupyterRuntime, 'b.json'), 'x');
  chmodSync(join(p.jupyterRuntime, 'b.json'), 0o644);
  assert.deepEqual(protectRuntimeFiles(project), [join(p.jupyterRuntime, 'b.json')]);
  assert.deepEqual(protectRuntimeFiles(project), []);
});

test('a private home moves HOME, the XDG folders and Chromium\'s profile into it; Jupyter\'s folders stay in the project', () => {
  const p = toolPaths(root, { home: '/tmp/h' });
  assert.equal(p.home, '/tmp/h');
  assert.equal(p.xdgConfig, '/tmp/h/.config');
  assert.equal(p.xdgCache, '/tmp/h/.cache');
  assert.equal(p.xdgData, '/tmp/h/.local/share');
  assert.equal(p.xdgState, '/tmp/h/.local/state');
  assert.equal(p.chromiumProfile, '/tmp/h/chromium-profile');
  assert.equal(p.jupyterData, '/some/project/.gmemlab-cache/jupyter/data');
  assert.equal(p.jupyterRuntime, '/some/project/.gmemlab-cache/jupyter/runtime');
  const env = toolEnv(root, { HOME: '/root' }, { home: '/tmp/h' });
  assert.equal(env.HOME, '/tmp/h');
  assert.equal(env.XDG_CONFIG_HOME, '/tmp/h/.config');
  assert.equal(env.JUPYTER_DATA_DIR, '/some/project/.gmemlab-cache/jupyter/data');
});
