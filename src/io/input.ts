import { constants, createReadStream, fstatSync, openSync, readFileSync, readSync, closeSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { fail, GmemlabError } from '../log/diagnostic';
import { ioMessages } from '../log/messages/io';
import { parseQuantity } from '../units';

/**
 * Input files: regular files, optionally gzip-compressed (detected by the magic bytes 1f 8b, whatever the
 * extension). Decompression is bounded: a stream expanding beyond `maxGunzipBytes` stops with `io.gzip-bomb`
 * instead of filling memory or disk. Nothing is ever loaded whole; `head` is only the first bytes.
 */

/**
 * Default cap on decompressed bytes: 200 × the compressed size plus 256 MiB, at most 64 GiB. Real traces
 * compress 5–30×; a zip bomb expands ~1000×, so it is stopped after at most ~256 MiB + 200× its size.
 * `GMEMLAB_MAX_GUNZIP_BYTES` (bytes, unit suffixes allowed: `64GiB`) replaces the cap.
 */
export function defaultGunzipLimit(compressedBytes: number): number {
  return envBytes('GMEMLAB_MAX_GUNZIP_BYTES') ?? Math.min(200 * compressedBytes + 256 * 1024 * 1024, 64 * 1024 ** 3);
}

/**
 * A byte limit set by environment variable `name` (a count of bytes, unit suffixes allowed: `512MiB`), or
 * undefined when it is unset or not a positive finite size (then the caller's default applies).
 */
export function envBytes(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined) return undefined;
  const v = parseQuantity(text, 'bytes');
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : undefined;
}

/**
 * The whole text (UTF-8) of a small input file a user names: a sweep file, a map spec. Only a regular file is
 * read: a FIFO made `readFileSync` wait for a writer for ever (`gmemlab sweep fifo.json` hung), and a folder
 * ended in an internal EISDIR error (`--map /tmp`). The file is opened non-blocking (opening a FIFO then
 * returns at once) and checked on that descriptor, so what is checked is what is read. Errors: `io.not-found`,
 * `io.not-a-file`, `io.unreadable`.
 */
export function readTextFile(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail(ioMessages.notFound({ file: path }));
    fail(ioMessages.unreadable({ file: path }, String(code ?? e)));
  }
  try {
    if (!fstatSync(fd).isFile()) fail(ioMessages.notAFile({ file: path }));
    return readFileSync(fd, 'utf8');
  } catch (e) {
    if (e instanceof GmemlabError) throw e;
    return fail(ioMessages.unreadable({ file: path }, String((e as NodeJS.ErrnoException).code ?? e)));
  } finally {
    closeSync(fd);
  }
}

export interface InputFile {
  /** Path as given (used in messages). */
  readonly path: string;
  readonly sizeBytes: number;
  readonly gzip: boolean;
  /** Up to `headBytes` first (decompressed) bytes, for format sniffing. */
  readonly head: Uint8Array;
  /** Stream the (decompressed) content from the start; may be called more than once. */
  chunks(): AsyncIterable<Buffer>;
}

export interface OpenInputOptions {
  readonly headBytes?: number;
  readonly maxGunzipBytes?: number;
  readonly highWaterMark?: number;
}

/** Open an input file: checks it exists and is a file, reads its head, sets up bounded decompression. */
export async function openInput(path: string, opts: OpenInputOptions = {}): Promise<InputFile> {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) fail(ioMessages.notAFile({ file: path }));
    size = st.size;
  } catch (e) {
    if (e instanceof GmemlabError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') fail(ioMessages.notFound({ file: path }));
    fail(ioMessages.unreadable({ file: path }, String(code ?? e)));
  }
  const raw = readRawHead(path, 2);
  const gzip = raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;
  const limit = opts.maxGunzipBytes ?? defaultGunzipLimit(size);
  const hwm = opts.highWaterMark ?? 1 << 20;
  const chunks = (): AsyncIterable<Buffer> => (gzip ? gunzipChunks(path, size, limit, hwm) : rawChunks(path, hwm));
  const head = await readHead(chunks, opts.headBytes ?? 64 * 1024);
  return { path, sizeBytes: size, gzip, head, chunks };
}

function readRawHead(path: string, n: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

async function readHead(chunks: () => AsyncIterable<Buffer>, n: number): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  let got = 0;
  try {
    for await (const c of chunks()) {
      parts.push(c);
      got += c.length;
      if (got >= n) break;
    }
  } catch (e) {
    // a corrupt gzip body shows up when the full content is read; the head is what could be decoded
    if (!(e instanceof GmemlabError)) throw e;
  }
  return Buffer.concat(parts).subarray(0, n);
}

async function* rawChunks(path: string, hwm: number): AsyncIterable<Buffer> {
  const s = createReadStream(path, { highWaterMark: hwm });
  try {
    for await (const c of s) yield c as Buffer;
  } finally {
    s.destroy();
  }
}

async function* gunzipChunks(path: string, compressed: number, limit: number, hwm: number): AsyncIterable<Buffer> {
  const src = createReadStream(path, { highWaterMark: hwm });
  const gz = createGunzip({ chunkSize: 1 << 16 });
  src.on('error', (e) => gz.destroy(e));
  src.pipe(gz);
  let total = 0;
  try {
    for await (const c of gz) {
      total += (c as Buffer).length;
      if (total > limit) fail(ioMessages.gzipBomb({ file: path, offset: limit }, limit, compressed));
      yield c as Buffer;
    }
  } catch (e) {
    if (e instanceof GmemlabError) throw e;
    fail(ioMessages.gzipCorrupt({ file: path, offset: total }, (e as Error).message));
  } finally {
    src.destroy();
    gz.destroy();
  }
}
