import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureKernel, kernelSpec, KERNEL_DISPLAY_NAME } from '../../src/workbench/kernel';
import { PROJECT_ROOT } from '../../src/version';
import { tempDir } from '../helpers/temp-dir';

test('the kernelspec starts the project wrapper with this Node and a connection file', () => {
  const spec = kernelSpec('/p', '/usr/bin/node');
  assert.deepEqual(spec.argv, ['/usr/bin/node', '/p/scripts/tslab-kernel.js', 'kernel', '--config-path', '{connection_file}']);
  assert.equal(spec.display_name, KERNEL_DISPLAY_NAME);
  assert.equal(spec.language, 'typescript');
});

test('the wrapper and the tslab it starts exist in this checkout', () => {
  assert.ok(existsSync(join(PROJECT_ROOT, 'scripts', 'tslab-kernel.js')));
  assert.ok(existsSync(join(PROJECT_ROOT, 'node_modules', 'tslab', 'dist', 'main.js')));
});

test('ensureKernel registers inside the project, rewrites a stale spec and leaves a current one alone', () => {
  const root = tempDir('kernel');
  const file = ensureKernel(root, '/old/node');
  assert.equal(file, join(root, '.gmemlab-cache', 'jupyter', 'data', 'kernels', 'tslab', 'kernel.json'));
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).argv[0], '/old/node');
  ensureKernel(root, '/new/node');
  assert.equal(JSON.parse(readFileSync(file, 'utf8')).argv[0], '/new/node');
  const before = statSync(file).mtimeMs;
  const inode = statSync(file).ino;
  ensureKernel(root, '/new/node');
  assert.equal(statSync(file).mtimeMs, before);
  assert.equal(statSync(file).ino, inode);
});
