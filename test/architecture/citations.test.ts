/**
 * The project stands on its own: every contract a comment or document cites (`docs/cli.md §4`,
 * `gmem-model.md §8`, `trace-formats.md part 1`, …) exists in docs/ with the cited section, and nothing cites
 * the design notes outside the repository (`../shared/docs/…`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../src/version';
import { checkCitations } from '../helpers/citations';

const PLACES = ['src', 'docs', 'README.md', 'notebooks', 'scripts', 'test', 'datasets'].map((p) => join(PROJECT_ROOT, p));

test('every cited contract section exists in docs/, and nothing cites ../shared/docs', () => {
  const r = checkCitations(join(PROJECT_ROOT, 'docs'), PLACES);
  assert.ok(r.checked > 100, `${r.checked} citations found: the pattern no longer matches the code's citations`);
  assert.deepEqual(r.missing, [], `citations without a target:\n${r.missing.join('\n')}`);
  assert.deepEqual(r.outside, [], `citations outside the repository:\n${r.outside.join('\n')}`);
});

test('the checker itself: a missing section, a missing file and an outside citation are reported; present ones pass', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-citations-'));
  mkdirSync(join(dir, 'docs'));
  writeFileSync(join(dir, 'docs', 'toy.md'), '# Toy\n\n## 1. Commands\n\n## 4. Result fields\n\n## Layers\n');
  writeFileSync(
    join(dir, 'a.ts'),
    [
      '// docs/toy.md §4 and toy.md §1: present',
      '// docs/toy.md §Layers: a heading by its text',
      '// docs/toy.md §9: missing section',
      '// docs/absent.md §1: missing file',
      '// ../shared/docs/toy.md §4: outside the repository',
    ].join('\n'),
  );
  const r = checkCitations(join(dir, 'docs'), [join(dir, 'a.ts')], ['toy', 'absent']);
  assert.equal(r.checked, 6);
  assert.deepEqual(
    r.missing.map((m) => m.replace(/^.*a\.ts:/, '')),
    ['3: docs/toy.md §9 — docs/toy.md has no section §9', '4: docs/absent.md §1 — no file docs/absent.md'],
  );
  assert.equal(r.outside.length, 1);
  assert.match(r.outside[0]!, /a\.ts:5/);
});
