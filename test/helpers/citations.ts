/**
 * Citation checker for test/architecture/citations.test.ts: every citation of a contract document
 * (`docs/cli.md §4`, `gmem-model.md §8`, `trace-formats.md part 1`, `architecture.md §Layers`, …) must name a
 * file in the repository's docs/ and a heading of it. A section resolves when the document has a heading
 * numbered with it (`## 4. …`, `## Part 1 — …`, `### D. …`) or whose text starts with it (`## Layers`).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';

/** The contract documents citations name (docs/<name>.md). */
export const CONTRACT_DOCS = ['architecture', 'cli', 'gmem-model', 'hardware-profiles', 'reference-results', 'trace-formats', 'bench-trace'];
const TEXT_EXT = new Set(['.ts', '.mjs', '.js', '.md', '.ipynb', '.csv', '.txt']);
const SKIP_DIRS = new Set(['node_modules', '.git', '.gmemlab-cache', 'out', '__golden__', 'fixtures']);

const SEC = `§\\s?(?:"[^"]+"|[0-9A-Za-z][0-9A-Za-z.]*)`;
function citationPattern(names: readonly string[]): RegExp {
  return new RegExp(
    `(?:(?:\\.\\./)+shared/docs/|(?<![\\w./@-])docs/|(?<![\\w./@-]))(${names.join('|')})\\.md` +
      `(?:\\s?(${SEC}(?:\\s*(?:,|–|-|/|and)\\s*${SEC})*)|\\s([Pp]art [12])\\b|\\s([A-K])(?![\\w'’]))?`,
    'g',
  );
}

interface Sections {
  readonly numbers: Set<string>;
  readonly letters: Set<string>;
  readonly texts: string[];
}

function sectionsOf(docsDir: string, name: string, cache: Map<string, Sections | null>): Sections | null {
  if (cache.has(name)) return cache.get(name)!;
  const file = join(docsDir, `${name}.md`);
  let keys: Sections | null = null;
  if (existsSync(file)) {
    keys = { numbers: new Set(), letters: new Set(), texts: [] };
    let fence = false;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (/^\s*```/.test(line)) fence = !fence;
      if (fence) continue;
      const m = /^#{1,6}\s+(.*)$/.exec(line);
      if (!m) continue;
      const text = m[1]!.trim();
      const num = /^§?\s?(\d+(?:\.\d+)*)\.?(\s|$)/.exec(text);
      if (num) keys.numbers.add(num[1]!);
      const part = /^part\s+(\d+)/i.exec(text);
      if (part) keys.numbers.add(`part ${part[1]}`);
      const letter = /^([A-Z])\.\s/.exec(text);
      if (letter) keys.letters.add(letter[1]!);
      keys.texts.push(text.toLowerCase().replace(/`/g, ''));
    }
  }
  cache.set(name, keys);
  return keys;
}

function resolves(keys: Sections, sec: string): boolean {
  const s = sec.replace(/^§\s?/, '').replace(/\.$/, '').replace(/^"|"$/g, '');
  if (/^part \d$/i.test(s)) return keys.numbers.has(s.toLowerCase());
  if (/^\d+(\.\d+)*$/.test(s)) return keys.numbers.has(s) || keys.numbers.has(s.split('.')[0]!);
  if (/^[A-K]$/.test(s) && keys.letters.has(s)) return true;
  const low = s.toLowerCase();
  return keys.texts.some((t) => t === low || t.startsWith(low));
}

function walk(p: string, out: string[]): string[] {
  if (statSync(p).isDirectory()) {
    if (SKIP_DIRS.has(basename(p))) return out;
    for (const e of readdirSync(p).sort()) walk(join(p, e), out);
  } else if (TEXT_EXT.has(extname(p))) out.push(p);
  return out;
}

/** Result of a check: citations seen, and one line per citation whose file or section is missing. */
export interface CitationReport {
  readonly checked: number;
  readonly missing: string[];
  /** Citations that point outside the repository (`../shared/docs/…`). */
  readonly outside: string[];
}

/** Check every citation of `names` in the files under `paths` against `<docsDir>/<name>.md`. */
export function checkCitations(docsDir: string, paths: readonly string[], names: readonly string[] = CONTRACT_DOCS): CitationReport {
  const citeRe = citationPattern(names);
  const cache = new Map<string, Sections | null>();
  let checked = 0;
  const missing: string[] = [];
  const outside: string[] = [];
  for (const f of paths.flatMap((p) => (existsSync(p) ? walk(p, []) : []))) {
    readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
      for (const m of line.matchAll(citeRe)) {
        checked++;
        const [text, name, secList, part, letter] = m as unknown as [string, string, string?, string?, string?];
        const where = `${f}:${i + 1}`;
        if (text.includes('shared/docs/')) outside.push(`${where}: ${text.trim()}`);
        const keys = sectionsOf(docsDir, name, cache);
        if (!keys) {
          missing.push(`${where}: ${text.trim()} — no file docs/${name}.md`);
          continue;
        }
        const secs = secList ? secList.match(new RegExp(SEC, 'g'))! : part ? [part] : letter ? [letter] : [];
        for (const s of secs) if (!resolves(keys, s)) missing.push(`${where}: ${text.trim()} — docs/${name}.md has no section ${s}`);
      }
    });
  }
  return { checked, missing, outside };
}
