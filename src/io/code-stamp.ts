import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { PROJECT_ROOT } from '../version';

/** Stamps of the project's own `src/`, per entry file (they cannot change while the process runs). */
const memo = new Map<string, string>();

/**
 * SHA-256 over the relative path and bytes of the code an entry file reaches: `entry` (relative to `srcDir`) and
 * every `.ts` file under `srcDir` it reaches through relative imports (`from './x'`, `import './x'`,
 * `require('./x')`, `import('./x')`, type imports included), sorted by path. A cache whose entries are made by
 * that code puts the stamp in its keys, so an edit of any of those files gives new keys and an entry made by
 * older code is never used (the workload cache: `workloads/index.ts`; the import cache: `importers/open.ts`).
 * Memoised per process for the project's own `src/`.
 */
export function codeStamp(entry: string, srcDir: string = join(PROJECT_ROOT, 'src')): string {
  const own = srcDir === join(PROJECT_ROOT, 'src');
  const known = own ? memo.get(entry) : undefined;
  if (known !== undefined) return known;
  const seen = new Map<string, Buffer>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const text = readFileSync(file);
    seen.set(file, text);
    for (const m of text.toString('utf8').matchAll(/(?:from\s+|import\s*\(?\s*|require\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const base = join(dirname(file), m[1]!);
      const next = [`${base}.ts`, join(base, 'index.ts'), base].find((c) => c.endsWith('.ts') && existsSync(c));
      if (next) visit(next);
    }
  };
  visit(join(srcDir, entry));
  const h = createHash('sha256');
  for (const f of [...seen.keys()].sort()) h.update(`${relative(srcDir, f)}\0`).update(seen.get(f)!).update('\0');
  const s = h.digest('hex');
  if (own) memo.set(entry, s);
  return s;
}
