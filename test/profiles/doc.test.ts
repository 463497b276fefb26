import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { profilesMarkdown } from '../../src/profiles/doc';
import { PROJECT_ROOT } from '../../src/version';

test('docs/profiles.md is generated from the registries and current (GMEMLAB_UPDATE_GOLDEN=1 regenerates)', () => {
  const path = join(PROJECT_ROOT, 'docs', 'profiles.md');
  const want = profilesMarkdown();
  if (process.env.GMEMLAB_UPDATE_GOLDEN === '1') writeFileSync(path, want);
  assert.equal(readFileSync(path, 'utf8'), want);
});
