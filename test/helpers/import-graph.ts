/** Import-graph helpers for test/architecture/layers.test.ts (static, text-based: `import`/`export … from`/`import('…')`). */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface LayerOrder {
  /** Top-level unit (folder of src/ or root file without `.ts`) → layer index, 0 = bottom. */
  readonly layerOf: ReadonlyMap<string, number>;
  /** `src/a.ts -> src/b.ts` lines of the optional `upward` block: imports allowed to run up. */
  readonly allowedUpward: readonly string[];
}

/** Parse the fenced `layers` block (bottom first, one layer per line) and the optional `upward` block. */
export function layerOrder(markdown: string): LayerOrder {
  const block = (info: string): string[] | undefined => {
    const m = new RegExp('^```' + info + '[ \\t]*\\n([\\s\\S]*?)^```', 'm').exec(markdown);
    return m ? m[1]!.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')) : undefined;
  };
  const lines = block('layers');
  if (!lines) throw new Error('no ```layers block in the document');
  const layerOf = new Map<string, number>();
  lines.forEach((l, i) => {
    for (const name of l.split(/\s+/)) {
      if (layerOf.has(name)) throw new Error(`layers: ${name} is named twice`);
      layerOf.set(name, i);
    }
  });
  return { layerOf, allowedUpward: block('upward') ?? [] };
}

const IMPORT_RE = /(?:^|[\n;])\s*(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** File → files it imports (relative specifiers resolved to `.ts` files; packages ignored). */
export function importGraph(srcDir: string): Map<string, string[]> {
  const files: string[] = [];
  const walk = (d: string): void => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.ts')) files.push(p);
    }
  };
  walk(srcDir);
  const g = new Map<string, string[]>();
  for (const f of files) {
    const text = stripComments(readFileSync(f, 'utf8'));
    const out: string[] = [];
    IMPORT_RE.lastIndex = 0;
    for (let m = IMPORT_RE.exec(text); m; m = IMPORT_RE.exec(text)) {
      const spec = m[1] ?? m[2]!;
      if (!spec.startsWith('.')) continue;
      const base = resolve(dirname(f), spec);
      const hit = [base, `${base}.ts`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts')].find((c) => existsSync(c) && statSync(c).isFile());
      if (hit && !out.includes(hit)) out.push(hit);
    }
    g.set(f, out);
  }
  return g;
}

/** Remove comments (so an import shown in a doc comment is not read as one); strings are kept. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

function unitOf(file: string, srcDir: string): string {
  const r = relative(srcDir, file).split(sep);
  return r.length === 1 ? r[0]!.replace(/\.ts$/, '') : r[0]!;
}

/** Imports from a unit to a unit on a higher layer, as `src/a.ts -> src/b.ts` (paths from the src folder's parent). */
export function layerViolations(g: ReadonlyMap<string, readonly string[]>, order: LayerOrder, srcDir: string): string[] {
  const root = dirname(srcDir);
  const out: string[] = [];
  for (const [from, tos] of g) {
    const lf = order.layerOf.get(unitOf(from, srcDir));
    for (const to of tos) {
      const lt = order.layerOf.get(unitOf(to, srcDir));
      if (lf === undefined || lt === undefined) continue; // reported by the coverage test
      if (lt > lf) out.push(`${relative(root, from)} -> ${relative(root, to)}`);
    }
  }
  return out.sort();
}

/** Strongly connected components with more than one file (Tarjan), each sorted, in a stable order. */
export function importCycles(g: ReadonlyMap<string, readonly string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      for (;;) {
        const w = stack.pop()!;
        onStack.delete(w);
        comp.push(w);
        if (w === v) break;
      }
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of [...g.keys()].sort()) if (!idx.has(v)) visit(v);
  return out.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}
