/**
 * The layer order of src/ (docs/architecture.md §Layers) holds: every import goes to the importing file's own
 * top-level folder or to a layer below it, and no files import each other in a loop (type-only imports
 * included). The order is read from the document's `layers` block, so the document and this check cannot drift.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../../src/version';
import { importGraph, layerOrder, layerViolations, importCycles } from '../helpers/import-graph';

const SRC = join(PROJECT_ROOT, 'src');
const DOC = join(PROJECT_ROOT, 'docs', 'architecture.md');

test('docs/architecture.md names every top-level folder and root file of src/ in exactly one layer', () => {
  const { layerOf } = layerOrder(readFileSync(DOC, 'utf8'));
  const units = readdirSync(SRC)
    .filter((n) => statSync(join(SRC, n)).isDirectory() || n.endsWith('.ts'))
    .map((n) => n.replace(/\.ts$/, ''));
  const missing = units.filter((u) => !layerOf.has(u));
  assert.deepEqual(missing, [], `not in the layers block of docs/architecture.md: ${missing.join(', ')}`);
  const stale = [...layerOf.keys()].filter((u) => !units.includes(u));
  assert.deepEqual(stale, [], `named in the layers block but absent from src/: ${stale.join(', ')}`);
});

test('no import in src/ runs up the documented layer order (beyond the listed exceptions, at most 3)', () => {
  const doc = readFileSync(DOC, 'utf8');
  const order = layerOrder(doc);
  assert.ok(order.allowedUpward.length <= 3, `${order.allowedUpward.length} upward exceptions listed; the limit is 3`);
  const bad = layerViolations(importGraph(SRC), order, SRC).filter((v) => !order.allowedUpward.includes(v));
  assert.deepEqual(bad, [], `imports that run back up the layers:\n${bad.join('\n')}`);
});

test('no import cycle between files of src/ (type-only imports included)', () => {
  const cycles = importCycles(importGraph(SRC)).map((c) => c.map((f) => relative(PROJECT_ROOT, f)).join(' → '));
  assert.deepEqual(cycles, [], `import cycles:\n${cycles.join('\n')}`);
});

test('the checker itself: an upward import, a same-folder import and a cycle are classified as the rules say', () => {
  const doc = '```layers\nlow\nmid\nhigh\n```\n';
  const order = layerOrder(doc);
  const src = '/x/src';
  const g = new Map<string, string[]>([
    [`${src}/low/a.ts`, [`${src}/low/b.ts`]], // same folder: fine
    [`${src}/low/b.ts`, [`${src}/high/c.ts`]], // runs up two layers
    [`${src}/high/c.ts`, [`${src}/mid/d.ts`, `${src}/low/a.ts`]], // down: fine
    [`${src}/mid/d.ts`, []],
  ]);
  assert.deepEqual(layerViolations(g, order, src), ['src/low/b.ts -> src/high/c.ts']);
  const cycles = importCycles(g).map((c) => c.map((f) => f.slice(src.length + 1)).sort().join(','));
  assert.deepEqual(cycles, ['high/c.ts,low/a.ts,low/b.ts']);
  assert.throws(() => layerOrder('no block here'), /layers/);
});


test('no source file under src/ is over 500 lines (split it by concept, as the system models are)', () => {
  const long = [...importGraph(SRC).keys()]
    .map((f) => ({ f: relative(PROJECT_ROOT, f), lines: readFileSync(f, 'utf8').split('\n').length - 1 }))
    .filter((x) => x.lines > 500)
    .map((x) => `${x.f}: ${x.lines} lines`);
  assert.deepEqual(long, []);
});
