import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
let hooked = false;

/** A fresh folder in the OS temp folder, removed when the test process exits. */
export function tempDir(prefix: string): string {
  if (!hooked) {
    hooked = true;
    process.on('exit', () => {
      for (const d of made) rmSync(d, { recursive: true, force: true });
    });
  }
  const d = mkdtempSync(join(tmpdir(), `gmemlab-${prefix}-`));
  made.push(d);
  return d;
}
