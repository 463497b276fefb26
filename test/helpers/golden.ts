/**
 * Golden-file assertions (docs/architecture.md §7): `assertGolden(dir, name, value)` compares the stable JSON of
 * `value` with `<dir>/__golden__/<name>.json`. `GMEMLAB_UPDATE_GOLDEN=1` rewrites the golden instead; a
 * mismatch writes `<name>-changed.json` beside it (review with a diff, then regenerate) and fails.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../src/io/atomic';

export function assertGolden(dir: string, name: string, value: unknown): void {
  const folder = join(dir, '__golden__');
  const file = join(folder, `${name}.json`);
  const changed = join(folder, `${name}-changed.json`);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (process.env.GMEMLAB_UPDATE_GOLDEN === '1') {
    mkdirSync(folder, { recursive: true });
    writeFileAtomic(file, text);
    rmSync(changed, { force: true });
    return;
  }
  if (!existsSync(file)) assert.fail(`golden file ${file} is missing; create it with GMEMLAB_UPDATE_GOLDEN=1 npm test`);
  if (readFileSync(file, 'utf8') === text) {
    rmSync(changed, { force: true });
    return;
  }
  writeFileAtomic(changed, text);
  assert.fail(`${name} differs from its golden file; the new output is in ${changed} (diff it; regenerate with GMEMLAB_UPDATE_GOLDEN=1 if the change is intended)`);
}
