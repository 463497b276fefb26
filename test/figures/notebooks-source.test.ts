import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadReference, REFERENCE_NAMES } from '../../src/analysis/reference';
import { parseNotebook } from '../../src/workbench/notebook-json';
import { PROJECT_ROOT } from '../../src/version';

/**
 * The figure notebooks only orchestrate: every number comes from computeFigures()/debateVerdicts() and every
 * published value from datasets/reference. Checked on the committed sources (the executed runs are the
 * notebook test's job).
 */
function codeOf(name: string): string {
  const file = join(PROJECT_ROOT, 'notebooks', `${name}.ipynb`);
  const nb = parseNotebook(readFileSync(file, 'utf8'), file);
  return nb.cells.filter((c) => c.cell_type === 'code').map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source)).join('\n');
}

/** Every published number with a decimal point or ≥ 3 digits (small integers like 2 or 25 occur as layout). */
function publishedNumbers(): Set<string> {
  const out = new Set<string>();
  for (const name of REFERENCE_NAMES) {
    for (const row of loadReference(name).rows) {
      for (const v of Object.values(row)) if (typeof v === 'number' && (!Number.isInteger(v) || Math.abs(v) >= 100)) out.add(String(v));
    }
  }
  return out;
}

test('paper-figures and the-debate get their numbers from src/ functions shared with gmemlab figures', () => {
  const paper = codeOf('paper-figures');
  assert.match(paper, /gm\.computeFigures\(/);
  assert.match(paper, /show\(/);
  assert.match(paper, /gm\.figureHtml\(/, 'the published-vs-reproduced table with ratio and tolerance');
  assert.match(paper, /gm\.passRateText\(/, 'the pass rate is printed');
  const debate = codeOf('the-debate');
  assert.match(debate, /gm\.debateVerdicts\(/);
  assert.match(debate, /gm\.debateTableHtml\(/);
  for (const code of [paper, debate]) assert.match(code, /fullScale\(\)/, 'full scale behind GMEMLAB_FULL');
});

test('no published number is typed into the code cells of the figure notebooks', () => {
  const nums = publishedNumbers();
  assert.ok(nums.size > 50);
  for (const name of ['paper-figures', 'the-debate']) {
    // identifiers in quotes ('isca19-policies-110') are names, not numbers
    const literals = codeOf(name).replace(/'[^'\n]*'/g, "''").match(/(?<![\w.])\d+(\.\d+)?(?![\w.])/g) ?? [];
    const typed = literals.filter((l) => nums.has(String(Number(l))));
    assert.deepEqual(typed, [], `${name}: published values typed into code`);
  }
});
