import { closeSync, createWriteStream, fsyncSync, openSync, renameSync, rmSync, writeFileSync, type WriteStream } from 'node:fs';
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
  for (const p of pending) rmSync(p, { force: true });
  pending.clear();
}

/** Number of temporaries currently open (tests use it to check clean-up). */
export function pendingTemporaryCount(): number {
  return pending.size;
}

function tempNameFor(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Write `data` to `target` atomically. */
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
  } finally {
    pending.delete(tmp);
    rmSync(tmp, { force: true });
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
  const stream = createWriteStream(tmp);
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
        rmSync(tmp, { force: true });
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
      rmSync(tmp, { force: true });
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
