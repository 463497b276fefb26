import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineMessage } from '../../src/log/diagnostic';
import { catalogueEntries, errorsMarkdown, exampleText, paramNames } from '../../src/log/errors-doc';
import { catalogue } from '../../src/log/messages/index';
import { PROJECT_ROOT } from '../../src/version';

test('message codes are unique across the whole catalogue and named <area>.<kebab-name>', () => {
  const seen = new Map<string, string>();
  for (const [area, messages] of Object.entries(catalogue)) {
    for (const [key, def] of Object.entries(messages)) {
      assert.match(def.code, /^[a-z0-9]+(-[a-z0-9]+)*\.[a-z0-9]+(-[a-z0-9]+)*$/, `${area}.${key}: ${def.code}`);
      assert.ok(!seen.has(def.code), `code ${def.code} used by ${seen.get(def.code)} and ${area}.${key}`);
      seen.set(def.code, `${area}.${key}`);
    }
  }
});

test('every message has advice and a readable example (give `example` args where placeholders do not fit)', () => {
  for (const e of catalogueEntries(catalogue)) {
    assert.ok(e.advice.trim().length > 0, `${e.code} has no advice`);
    assert.doesNotMatch(e.example, /undefined|NaN|\[object /, `${e.code}: example text ${JSON.stringify(e.example)}`);
  }
});

test('placeholders are named after the builder parameters; example args win when given', () => {
  assert.deepEqual(paramNames((a: string, b: number) => `${a}${b}`), ['a', 'b']);
  assert.deepEqual(paramNames(() => 1), []);
  const m = defineMessage('demo.x', 'warning', 'do y', (file: string, known: readonly string[]) => ({ message: `${file} not in ${known.join('/')}` }));
  assert.equal(exampleText(m), 'warning: ‹file› not in ‹known›');
  const withExample = defineMessage('demo.y', 'error', 'do z', (n: number) => ({ message: `${n} rows` }), [3]);
  assert.equal(exampleText(withExample), '3 rows');
});

test('docs/errors.md is generated from the catalogue and current (npm run docs:errors, or GMEMLAB_UPDATE_GOLDEN=1)', () => {
  const file = join(PROJECT_ROOT, 'docs', 'errors.md');
  const want = errorsMarkdown(catalogue);
  if (process.env.GMEMLAB_UPDATE_GOLDEN === '1') writeFileSync(file, want);
  const have = readFileSync(file, 'utf8');
  assert.ok(have === want, 'docs/errors.md is stale: run `npm run docs:errors` and commit it');
  for (const e of catalogueEntries(catalogue)) assert.ok(have.includes(`### ${e.code} (`), e.code);
});
