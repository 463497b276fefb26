import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic';
import { hashOf } from '../io/hash';
import { PROJECT_ROOT } from '../version';

/**
 * The import cache: Arrow copies of imported traces in `.gmemlab-cache/traces/` inside the project (never
 * beside the input, which may be read-only), named by a content key: SHA-256 of the source bytes, the
 * importer name@version, its resolved options (a `--map` spec by content), the strict/lenient mode and the
 * stamp of the import code (`importKey`). A changed source, option or import code gives a new key, so a stale
 * entry is never used. Entries
 * are plain gmemlab Arrow traces; deleting the folder is always safe.
 */
export interface CacheOptions {
  /** Cache root; default `$GMEMLAB_CACHE_DIR` or `<project>/.gmemlab-cache`. */
  readonly dir?: string;
  /** Sources smaller than this are not cached (they parse in milliseconds); default 1 MiB. */
  readonly minBytes?: number;
  /**
   * Also recompute the trace digest of every cache pass and compare it with the stored one (default off:
   * every block is already checksummed before use; this re-checks the decoding, at ~0.1 µs per event).
   */
  readonly verifyDigest?: boolean;
  /** Counts the source bytes hashed (`fileSha256`): tests check that an unchanged file is not re-hashed. */
  readonly hashCounter?: HashCounter;
}

/** An injectable count of bytes read for hashing. */
export interface HashCounter {
  bytes: number;
}

/** Bump when the cache layout or key recipe changes. */
export const CACHE_VERSION = 2;

/** Default `minBytes`: 1 MiB. */
export const DEFAULT_CACHE_MIN_BYTES = 1 << 20;

/** The cache root folder. */
export function cacheRoot(opts: CacheOptions = {}): string {
  return opts.dir ?? process.env.GMEMLAB_CACHE_DIR ?? join(PROJECT_ROOT, '.gmemlab-cache');
}

/** Path of the cache entry for a key (the `traces/` folder is created when needed). */
export function cacheFileFor(root: string, key: string): string {
  const dir = join(root, 'traces');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${key}.arrow`);
}

/**
 * The content key of an import. `code`: the stamp of the code that makes an entry (io/code-stamp.ts over what
 * importers/open.ts reaches: the importers, the semantic checker whose warnings the entry keeps, the Arrow
 * writer), so an entry written before a change of that code — a new warning, a fixed parser — is never used.
 */
export function importKey(parts: { sourceSha256: string; importer: string; options: unknown; strict: boolean; code: string }): string {
  return hashOf({ cache: CACHE_VERSION, ...parts });
}

/** SHA-256 (hex) of a file's bytes, streamed. */
export async function fileSha256(path: string, counter?: HashCounter): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) {
    h.update(c as Buffer);
    if (counter) counter.bytes += (c as Buffer).length;
  }
  return h.digest('hex');
}

/** SHA-256 (hex) of a file's bytes, read synchronously in 1 MiB pieces (`TraceSource.sha256` when first asked for). */
export function fileSha256Sync(path: string, counter?: HashCounter): string {
  const h = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      if (counter) counter.bytes += n;
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/**
 * SHA-256 of a source file, remembered per (real path, size, mtime, ctime, inode) under the cache root so
 * reopening an unchanged multi-GB trace does not re-hash it. Without a cache root it is always computed.
 */
export async function sourceSha256(path: string, root: string | null, counter?: HashCounter): Promise<string> {
  if (root === null) return fileSha256(path, counter);
  const st = statSync(path);
  const id = hashOf({ path: realpathSync(path), size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino });
  const memoDir = join(root, 'traces', 'sources');
  const memo = join(memoDir, `${id}.sha256`);
  if (existsSync(memo)) {
    const v = readFileSync(memo, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(v)) return v;
  }
  const sha = await fileSha256(path, counter);
  try {
    mkdirSync(memoDir, { recursive: true });
    writeFileAtomic(memo, `${sha}\n`);
  } catch {
    // a read-only cache folder only costs the re-hash next time
  }
  return sha;
}

/** Facts of a complete scan, as remembered (see `Trace.knownScan`). */
export type ScanFacts = Readonly<Record<string, number | string>>;

/**
 * The file remembering the scans of an import (`<key>.scan.json` beside the cache entry `<key>.arrow`):
 * `{ "<scan version>": facts, … }`. Its key already names the source content (SHA-256), importer, options
 * and mode, so the remembered digest, footprint and counts can only belong to these events.
 */
export function scanMemoFor(cacheFile: string): string {
  return cacheFile.replace(/\.arrow$/, '.scan.json');
}

/** The remembered scan of `version`, or undefined (none, unreadable, or not an object of numbers and strings). */
export function readScanMemo(file: string, version: number): ScanFacts | undefined {
  try {
    const all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const facts = all[String(version)];
    if (facts === null || typeof facts !== 'object' || Array.isArray(facts)) return undefined;
    for (const v of Object.values(facts)) if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) return undefined;
    return facts as ScanFacts;
  } catch {
    return undefined;
  }
}

/** Remember a scan (atomic replace; best effort: a read-only cache only costs the pass next time). */
export function writeScanMemo(file: string, version: number, facts: ScanFacts): void {
  try {
    let all: Record<string, unknown> = {};
    if (existsSync(file)) {
      try {
        all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      } catch {
        all = {};
      }
    }
    const kept: Record<string, number | string> = {};
    for (const [k, v] of Object.entries(facts)) if (v !== undefined) kept[k] = v;
    all[String(version)] = kept;
    writeFileAtomic(file, `${JSON.stringify(all)}\n`);
  } catch {
    // unwritable cache folder
  }
}
