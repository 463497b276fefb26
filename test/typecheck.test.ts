import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/version';

test('the project type-checks (tsc -p ., strict, TypeScript 5.9)', () => {
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, `type errors:\n${r.stdout}${r.stderr}`);
});

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) tsFiles(p, out);
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

test('src/ also compiles with TypeScript 5.0.4, the compiler tslab uses when a notebook imports it', () => {
  const ts = require('@tslab/typescript-for-tslab') as typeof import('typescript');
  assert.equal(ts.version, '5.0.4');
  const program = ts.createProgram(tsFiles(join(PROJECT_ROOT, 'src')), {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.NodeJs,
    strict: true, noEmit: true, skipLibCheck: true, esModuleInterop: true, resolveJsonModule: true, types: ['node'],
  });
  const diags = ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
    return where + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
  assert.deepEqual(diags, []);
});
