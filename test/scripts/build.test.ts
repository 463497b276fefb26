import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/version';

// scripts/build.cjs on fixture projects in temporary folders (never the shared tree's build): a project is
// `src/` + `scripts/` (copies of the real gmemlab.js and build.cjs) + a symlink to the real node_modules.

const BUILD = join(PROJECT_ROOT, 'scripts', 'build.cjs');

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'gmemlab-build-test-'));
  mkdirSync(join(root, 'scripts'));
  copyFileSync(BUILD, join(root, 'scripts', 'build.cjs'));
  copyFileSync(join(PROJECT_ROOT, 'scripts', 'gmemlab.js'), join(root, 'scripts', 'gmemlab.js'));
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'));
  for (const [f, text] of Object.entries(files)) write(root, f, text);
  return root;
}

/** Write a source and move its mtime forward (a same-second edit is still seen on coarse-mtime filesystems). */
function write(root: string, file: string, text: string): void {
  const p = join(root, file);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  const t = Date.now() / 1000 + 5 + Math.random();
  utimesSync(p, t, t);
}

/** In a child process: register the fixture's build, require `module`, print `{compiled, value}`. */
const loadScript = (root: string, module: string): string =>
  `const r = require(${JSON.stringify(join(root, 'scripts', 'build.cjs'))}).registerOrExit();` +
  `const m = require(${JSON.stringify(join(root, 'src', module))});` +
  `process.stdout.write(JSON.stringify({ compiled: r.compiled, value: m.value }));`;

function load(root: string, module = 'a.ts'): { compiled: number; value: unknown } {
  const r = spawnSync(process.execPath, ['-e', loadScript(root, module)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { compiled: number; value: unknown };
}

const gens = (root: string): string[] => readdirSync(join(root, 'build')).filter((n) => n.startsWith('gen-'));

test('first start builds every source; an unchanged tree rebuilds nothing; an edited source alone is recompiled and its new code runs', () => {
  const root = project({ 'src/a.ts': "import { b } from './b';\nexport const value: number = b + 1;\n", 'src/b.ts': 'export const b: number = 1;\n', 'src/c.ts': 'export const c = 3;\n' });
  try {
    assert.deepEqual(load(root), { compiled: 3, value: 2 });
    assert.deepEqual(load(root), { compiled: 0, value: 2 });
    write(root, 'src/b.ts', 'export const b: number = 41;\n');
    assert.deepEqual(load(root), { compiled: 1, value: 42 });
    write(root, 'src/d.ts', 'export const value = "new file";\n');
    assert.deepEqual(load(root, 'd.ts'), { compiled: 1, value: 'new file' });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the CLI entry runs the compiled build and rebuilds it when a source changed (temporary copy of scripts/gmemlab.js)', () => {
  const root = project({
    'src/cli/main.ts': "import { MSG } from '../msg';\nexport function runCli(): void {\n  process.stdout.write(`${MSG} ${__filename.endsWith('main.ts')}\\n`);\n}\n",
    'src/msg.ts': "export const MSG = 'one';\n",
  });
  try {
    const cli = (): string => {
      const r = spawnSync(process.execPath, [join(root, 'scripts', 'gmemlab.js')], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    assert.equal(cli(), 'one true\n', 'compiled code runs under its source file name');
    const manifest = JSON.parse(readFileSync(join(root, 'build', 'current.json'), 'utf8')) as { files: Record<string, string> };
    assert.deepEqual(Object.keys(manifest.files).sort(), ['cli/main.ts', 'msg.ts']);
    write(root, 'src/msg.ts', "export const MSG = 'two';\n");
    assert.equal(cli(), 'two true\n');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('stack traces point at the source file and line (inline source maps)', () => {
  const root = project({ 'src/a.ts': "import type { X } from './b';\n\nexport function boom(x: X): never {\n  throw new Error(`boom ${x.n}`);\n}\n", 'src/b.ts': 'export interface X { n: number }\n' });
  try {
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(join(root, 'scripts', 'build.cjs'))}).registerOrExit(); require(${JSON.stringify(join(root, 'src', 'a.ts'))}).boom({ n: 7 });`], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /Error: boom 7/);
    assert.ok(r.stderr.includes(`${join(root, 'src', 'a.ts')}:4:9`), r.stderr);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a source esbuild rejects: exit 2 with file:line:col and the message, no stack trace; the previous build stays in use', () => {
  const root = project({ 'src/a.ts': "import { b } from './b';\nexport const value = b;\n", 'src/b.ts': 'export const b = 1;\n' });
  try {
    assert.deepEqual(load(root), { compiled: 2, value: 1 });
    const before = readFileSync(join(root, 'build', 'current.json'), 'utf8');
    write(root, 'src/b.ts', 'export const b = ;\n');
    const r = spawnSync(process.execPath, ['-e', loadScript(root, 'a.ts')], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr.split('\n')[0]!, /^src\/b\.ts:1:18: error: Unexpected ";"$/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    assert.equal(readFileSync(join(root, 'build', 'current.json'), 'utf8'), before);
    assert.equal(gens(root).length, 1, 'no half-written generation is left');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('processes starting at once on a stale tree: one builds, the others wait and load the same complete build', async () => {
  const files: Record<string, string> = { 'src/a.ts': "import { b } from './b';\nexport const value = b * 2;\n", 'src/b.ts': 'export const b = 21;\n' };
  for (let i = 0; i < 40; i++) files[`src/m${i}.ts`] = `export const m${i} = ${i};\n`;
  const root = project(files);
  try {
    const one = (): Promise<{ compiled: number; value: unknown }> =>
      new Promise((resolve, reject) => {
        const c = spawn(process.execPath, ['-e', loadScript(root, 'a.ts')], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        c.stdout.on('data', (d: Buffer) => (out += d));
        c.stderr.on('data', (d: Buffer) => (err += d));
        c.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as { compiled: number; value: unknown }) : reject(new Error(err))));
      });
    const runs = await Promise.all([one(), one(), one(), one()]);
    for (const r of runs) assert.equal(r.value, 42);
    assert.deepEqual(runs.map((r) => r.compiled).sort((x, y) => y - x), [42, 0, 0, 0], 'exactly one process compiled');
    assert.equal(gens(root).length, 1);
    assert.deepEqual(readdirSync(join(root, 'build')).sort(), ['current.json', gens(root)[0]!].sort(), 'no lock or temporary left');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('declarations for notebook cells: none while stale unless asked to build; built once, rebuilt after an edit, published whole', () => {
  const root = project({ 'src/index.ts': "export { b } from './b';\nexport const value: number = 1;\n", 'src/b.ts': 'export function b(x: number): string {\n  return String(x);\n}\n' });
  writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, types: [], skipLibCheck: true, noEmit: true } }));
  try {
    const types = (opts: Record<string, unknown>): { typesDir: string | null; built: boolean } => {
      const r = spawnSync(process.execPath, ['-e', `process.stdout.write(JSON.stringify(require(${JSON.stringify(join(root, 'scripts', 'build.cjs'))}).ensureTypes(${JSON.stringify({ root, ...opts })})))`], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as { typesDir: string | null; built: boolean };
    };
    assert.deepEqual(types({ build: false }), { typesDir: null, built: false });
    const first = types({});
    assert.equal(first.built, true);
    assert.match(readFileSync(join(first.typesDir!, 'b.d.ts'), 'utf8'), /export declare function b\(x: number\): string;/);
    assert.deepEqual(types({ build: false }), { typesDir: first.typesDir, built: false });
    write(root, 'src/b.ts', 'export function b(x: number): number {\n  return x;\n}\n');
    assert.deepEqual(types({ build: false }), { typesDir: null, built: false }, 'stale declarations are never handed out');
    const second = types({});
    assert.equal(second.built, true);
    assert.notEqual(second.typesDir, first.typesDir);
    assert.match(readFileSync(join(second.typesDir!, 'b.d.ts'), 'utf8'), /export declare function b\(x: number\): number;/);
    assert.ok(readFileSync(join(second.typesDir!, 'index.d.ts'), 'utf8').includes("export { b } from './b';"));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
