import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { declarationFor, loadedByNode, wrapTypescriptForKernel } from '../../src/workbench/kernel-compile';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { PROJECT_ROOT } from '../../src/version';

test('project .ts files on disk are left to Node; the cell, declarations, JavaScript and in-memory modules stay with tslab', () => {
  const onDisk = (p: string) => !p.includes('virtual');
  assert.equal(loadedByNode('/p/src/index.ts', onDisk), true);
  assert.equal(loadedByNode('/p/src/x.tsx', onDisk), true);
  assert.equal(loadedByNode('/p/__tslab__.ts', onDisk), false);
  assert.equal(loadedByNode('/p/__prev__.d.ts', onDisk), false);
  assert.equal(loadedByNode('/p/node_modules/@types/node/index.d.ts', onDisk), false);
  assert.equal(loadedByNode('/p/lib/helper.js', onDisk), false);
  assert.equal(loadedByNode('/p/virtual/mod.ts', onDisk), false);
});

test("tslab's real converter, through the kernel's TypeScript wrapper: the cell is checked against src/ types, src/ is not emitted", () => {
  // Load tslab's converter with the wrapped TypeScript module, exactly as scripts/tslab-kernel.js does.
  const req = createRequire(join(PROJECT_ROOT, 'node_modules', 'tslab', 'dist', 'main.js'));
  const tsPath = req.resolve('@tslab/typescript-for-tslab');
  const ts = req(tsPath) as object;
  req.cache[tsPath]!.exports = wrapTypescriptForKernel(ts);
  const cwd = process.cwd();
  process.chdir(PROJECT_ROOT); // tslab compiles relative to its working folder (the kernel's is the root)
  try {
    const { createConverter } = req('./converter') as { createConverter(): Converter };
    const conv = createConverter();
    try {
      const ok = conv.convert('', "import { MiB, formatBytes } from './src/units';\nconst x: number = 3 * MiB;\nconst s: string = formatBytes(x);\n");
      assert.deepEqual(ok.diagnostics, []);
      assert.equal(ok.sideOutputs, undefined, 'no src/ file is emitted by tslab');
      assert.match(ok.output ?? '', /require\("\.\/src\/units"\)/, 'the cell requires src/units at run time (tsx loads it)');
      const bad = conv.convert(ok.declOutput ?? '', 'const y: string = MiB;\n');
      assert.equal(bad.diagnostics.length, 1);
      assert.match(bad.diagnostics[0]!.messageText, /Type 'number' is not assignable to type 'string'/);
    } finally {
      conv.close();
    }
  } finally {
    process.chdir(cwd);
    delete req.cache[tsPath];
  }
});

interface Converter {
  convert(prevDecl: string, src: string): { output?: string; declOutput?: string; sideOutputs?: unknown[]; diagnostics: Array<{ messageText: string }> };
  close(): void;
}

test('with the declarations of src/, a cell is checked against them (tslab’s real converter), not against the sources', () => {
  // a fixture project whose declaration of src/units.ts deliberately differs from the source: the check shows which one was used
  const root = mkdtempSync(join(tmpdir(), 'gmemlab-kernel-types-'));
  mkdirSync(join(root, 'src'));
  mkdirSync(join(root, 'types'));
  writeFileSync(join(root, 'src', 'units.ts'), 'export const MiB: number = 1 << 20;\n');
  writeFileSync(join(root, 'types', 'units.d.ts'), 'export declare const MiB: "declared";\n');
  assert.equal(declarationFor(join(root, 'src', 'units.ts'), { srcDir: join(root, 'src'), typesDir: join(root, 'types') }), join(root, 'types', 'units.d.ts'));
  assert.equal(declarationFor(join(root, 'src', 'other.ts'), { srcDir: join(root, 'src'), typesDir: join(root, 'types') }), undefined, 'no declaration: the source');
  assert.equal(declarationFor(join(root, 'lib', 'units.ts'), { srcDir: join(root, 'src'), typesDir: join(root, 'types') }), undefined);
  const req = createRequire(join(PROJECT_ROOT, 'node_modules', 'tslab', 'dist', 'main.js'));
  const tsPath = req.resolve('@tslab/typescript-for-tslab');
  const ts = req(tsPath) as object;
  const cwd = process.cwd();
  process.chdir(root);
  try {
    for (const withTypes of [true, false]) {
      req.cache[tsPath]!.exports = wrapTypescriptForKernel(ts, undefined, withTypes ? { srcDir: join(root, 'src'), typesDir: join(root, 'types') } : undefined);
      delete req.cache[req.resolve('./converter')];
      const { createConverter } = req('./converter') as { createConverter(): Converter };
      const conv = createConverter();
      try {
        const r = conv.convert('', "import { MiB } from './src/units';\nconst x: number = MiB;\n");
        if (withTypes) assert.match(r.diagnostics[0]?.messageText ?? 'no error', /Type '("declared"|string)' is not assignable to type 'number'/);
        else assert.deepEqual(r.diagnostics, []);
        if (withTypes) assert.equal(r.sideOutputs, undefined);
      } finally {
        conv.close();
      }
    }
  } finally {
    process.chdir(cwd);
    req.cache[tsPath]!.exports = ts;
    rmSync(root, { recursive: true, force: true });
  }
});
