import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toolEnv, toolPaths } from '../../src/workbench/tool-env';

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
