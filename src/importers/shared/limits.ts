import { constants as bufferConstants } from 'node:buffer';
import { envBytes } from '../../io/input';

/**
 * Size limits that keep a small or hostile input from producing unbounded work or memory (issue 18). Each
 * default can be replaced for one command by an environment variable, in the style of
 * `GMEMLAB_MAX_GUNZIP_BYTES` (src/io/input.ts); docs/importers.md lists them.
 */

/** Default longest single string or blob an importer materialises: 64 MiB. */
export const DEFAULT_MAX_STRING_BYTES = 64 * 1024 * 1024;

/**
 * Longest text V8 can hold as one string (Node 20: 2^29 − 24 UTF-16 units). A JSON value captured as text,
 * or a string, longer than this cannot be materialised at all; it is reported as bad input, never as
 * "Invalid string length".
 */
export const MAX_JS_STRING_BYTES: number = bufferConstants.MAX_STRING_LENGTH;

/**
 * Longest single string or blob (pickle str, JSON string or object key, SQLite TEXT/BLOB value) an importer
 * reads, in bytes: 64 MiB, or `GMEMLAB_MAX_STRING_BYTES` (bytes, unit suffixes allowed: `512MiB`). Real
 * traces hold names and paths of at most a few kB; the limit is checked before the string is built. Never
 * above `MAX_JS_STRING_BYTES`.
 */
export function maxStringBytes(): number {
  const env = envBytes('GMEMLAB_MAX_STRING_BYTES');
  return Math.min(env === undefined ? DEFAULT_MAX_STRING_BYTES : Math.floor(env), MAX_JS_STRING_BYTES);
}

/** Records allowed for free per input, before the per-byte allowance of `maxImportRecords`. */
export const RECORD_ALLOWANCE = 1_000_000;
/** Input bytes per allowed record beyond `RECORD_ALLOWANCE` (the smallest real record takes ~40 bytes). */
export const BYTES_PER_RECORD = 4;

/**
 * Most records (trace entries, segments, device lists) one input may make an importer process:
 * 1,000,000 + 1 per 4 bytes of (decompressed) input, or `GMEMLAB_MAX_IMPORT_RECORDS` (a count; unit
 * suffixes `k`/`M` are not accepted, write the number). Formats with shared references (pickle memo) can
 * list the same object many times for a few bytes each; this bounds the events and memory such an input
 * produces to a linear function of its size. Real snapshots use ~90 bytes per record.
 */
export function maxImportRecords(inputBytes: number): number {
  const env = process.env.GMEMLAB_MAX_IMPORT_RECORDS === undefined ? undefined : Number(process.env.GMEMLAB_MAX_IMPORT_RECORDS);
  if (env !== undefined && Number.isFinite(env) && env > 0) return Math.floor(env);
  return RECORD_ALLOWANCE + Math.floor(inputBytes / BYTES_PER_RECORD);
}
