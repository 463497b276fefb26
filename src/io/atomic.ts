import { accessSync, closeSync, constants, createWriteStream, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { GmemlabError } from '../log/diagnostic';
import { ioMessages } from '../log/messages/io';

/**
 * Crash-safe outputs: every file gmemlab writes goes to a temporary name beside the target (same filesystem,
 * so the final rename is atomic) and is renamed into place only when complete. Temporaries still open when
 * the process exits (error, SIGINT, SIGTERM) are removed, so an interrupted run never leaves a half-written
 * file under the target name.
 */

const pending = new Set<string>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', removePendingTemporaries);
}

/** Remove every temporary not yet committed (called on exit; call it from signal handlers too). */
export function removePendingTemporaries(): void {
  for (const p of pending) removeQuietly(p);
  pending.clear();
}

/** Number of temporaries currently open (tests use it to check clean-up). */
export function pendingTemporaryCount(): number {
  return pending.size;
}

/** Remove a temporary; its folder may itself be missing or not a folder (ENOTDIR), which is no error. */
function removeQuietly(tmp: string): void {
  try {
    rmSync(tmp, { force: true });
  } catch {
    // nothing was created there
  }
}

function tempNameFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Write `data` to `target` atomically. A failure (missing folder, permissions, full disk, a folder in the
 * way) is bad input: `GmemlabError` io.cannot-write naming the target, never a raw errno stack.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  hookExit();
  const tmp = tempNameFor(target);
  pending.add(tmp);
  try {
    writeFileSync(tmp, data);
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new GmemlabError(ioMessages.cannotWrite({ file: target }, err?.code ? `${err.code} (${err.syscall ?? 'write'})` : String(err?.message ?? err)));
  } finally {
    pending.delete(tmp);
    removeQuietly(tmp);
  }
}

/**
 * Create the missing folders of `target` and check its folder is writable (io.cannot-write otherwise): a
 * command about to compute for minutes calls this first, so a bad `-o` fails before the work, not after.
 */
export function ensureWritableFolder(target: string): void {
  try {
    mkdirSync(dirname(target), { recursive: true });
    accessSync(dirname(target), constants.W_OK);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new GmemlabError(ioMessages.cannotWrite({ file: target }, err?.code ? `${err.code} (${err.syscall ?? 'mkdir'})` : String(err?.message ?? err)));
  }
}

/** A streaming atomic write: write to `stream`, then `commit()` (rename into place) or `abort()`. */
export interface AtomicWriter {
  readonly stream: WriteStream;
  readonly target: string;
  /** Flush, close and rename into place. */
  commit(): Promise<void>;
  /** Close and delete the temporary; the target is left untouched. */
  abort(): Promise<void>;
}

/** Target of each atomic writer's stream (for messages about write failures). */
const targets = new WeakMap<WriteStream, string>();

/** A write failure (missing folder, permissions, full disk) as bad input naming the target. */
function writeError(stream: WriteStream, e?: unknown): GmemlabError {
  const err = (e ?? stream.errored) as NodeJS.ErrnoException | null;
  const reason = err?.code ? `${err.code} (${err.syscall ?? 'write'})` : String(err?.message ?? err ?? 'stream closed');
  return new GmemlabError(ioMessages.cannotWrite({ file: targets.get(stream) ?? String(stream.path) }, reason));
}

export function openAtomicWriter(target: string): AtomicWriter {
  hookExit();
  const tmp = tempNameFor(target);
  pending.add(tmp);
  // open synchronously: with an asynchronous open, an exit (SIGINT) between removing the pending temporaries
  // and the open completing in libuv's thread pool would leave the temporary behind. A failed open is
  // deferred to the stream (reported by writeChunk/commit), so opening never throws.
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
  } catch {
    fd = undefined;
  }
  const stream = fd !== undefined ? createWriteStream(tmp, { fd }) : createWriteStream(tmp);
  targets.set(stream, target);
  // an open/write failure is kept in `stream.errored` and reported by writeChunk/commit as io.cannot-write
  stream.on('error', () => {});
  let done = false;
  const close = (): Promise<void> =>
    new Promise((resolve, reject) => {
      if (stream.closed) return resolve();
      stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
  return {
    stream,
    target,
    async commit() {
      if (done) return;
      done = true;
      try {
        await close();
        if (stream.errored) throw writeError(stream);
        renameSync(tmp, target);
      } catch (e) {
        removeQuietly(tmp);
        pending.delete(tmp);
        throw e instanceof GmemlabError ? e : writeError(stream, e);
      }
      pending.delete(tmp);
    },
    async abort() {
      if (done) return;
      done = true;
      try {
        await close();
      } catch {
        // the temporary is removed below either way
      }
      removeQuietly(tmp);
      pending.delete(tmp);
    },
  };
}

/** Write a chunk and wait for drain when the stream's buffer is full (bounded memory). */
export function writeChunk(stream: WriteStream, chunk: string | Uint8Array): Promise<void> | undefined {
  if (stream.errored || stream.destroyed) return Promise.reject(writeError(stream));
  if (stream.write(chunk)) return undefined;
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      stream.off('error', onError);
      resolve();
    };
    const onError = (e: Error): void => {
      stream.off('drain', onDrain);
      reject(writeError(stream, e));
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}
