import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic';
import { hashOf } from '../io/hash';
import { PROJECT_ROOT } from '../version';

/**
 * The import cache: Arrow copies of imported traces in `.gmemlab-cache/traces/` inside the project (never
 * beside the input, which may be read-only), named by a content key: SHA-256 of the source bytes, the
 * importer name@version, its resolved options (a `--map` spec by content) and the strict/lenient mode.
 * A changed source, importer version or option gives a new key, so a stale entry is never used. Entries
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

/** The content key of an import. */
export function importKey(parts: { sourceSha256: string; importer: string; options: unknown; strict: boolean }): string {
  return hashOf({ cache: CACHE_VERSION, ...parts });
}

/** SHA-256 (hex) of a file's bytes, streamed. */
export async function fileSha256(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const c of createReadStream(path, { highWaterMark: 1 << 20 })) h.update(c as Buffer);
  return h.digest('hex');
}

/**
 * SHA-256 of a source file, remembered per (real path, size, mtime, ctime, inode) under the cache root so
 * reopening an unchanged multi-GB trace does not re-hash it. Without a cache root it is always computed.
 */
export async function sourceSha256(path: string, root: string | null): Promise<string> {
  if (root === null) return fileSha256(path);
  const st = statSync(path);
  const id = hashOf({ path: realpathSync(path), size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino });
  const memoDir = join(root, 'traces', 'sources');
  const memo = join(memoDir, `${id}.sha256`);
  if (existsSync(memo)) {
    const v = readFileSync(memo, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(v)) return v;
  }
  const sha = await fileSha256(path);
  try {
    mkdirSync(memoDir, { recursive: true });
    writeFileAtomic(memo, `${sha}\n`);
  } catch {
    // a read-only cache folder only costs the re-hash next time
  }
  return sha;
}
