import { accessSync, closeSync, constants, createWriteStream, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync, type Stats, type WriteStream } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { GmemlabError } from '../log/diagnostic';
import { ioMessages } from '../log/messages/io';
import { HOST_NAME, isProcessAlive } from './process-alive';

/**
 * Crash-safe outputs: every file gmemlab writes goes to a temporary name beside the target (same filesystem,
 * so the final rename is atomic) and is renamed into place only when complete. Temporaries still open when
 * the process exits (error, SIGINT, SIGTERM) are removed, so an interrupted run never leaves a half-written
 * file under the target name.
 *
 * Output rules (docs/cli.md §1 "Writes"):
 * - Regular files only. An existing target that is not a regular file (folder, FIFO, socket, character or
 *   block device) is refused with `io.output-not-regular` (exit 2), checked when the write starts and again
 *   right before the rename; nothing is ever renamed over a device or pipe.
 * - Symlinks are followed to their final target, which must be a regular file or absent. The temporary is
 *   written beside the final target and renamed over it, so the link is kept and points at the new file. A
 *   dangling link's target folder must exist (it is not created).
 * - Temporaries are named `.<base>.<pid>.<host tag><rand>.tmp` (host tag: 8 hex digits of the SHA-256 of
 *   the host name). The first write of a process to a target removes that target's temporaries left by
 *   processes of this host that are gone (`process.kill(pid, 0)` → ESRCH), e.g. after a SIGKILL. Another
 *   live process's temporary, or one written on another host (a shared folder), is never removed.
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

/** 8 hex digits naming this host in temporary names, so a cleaner on another host of a shared folder skips them. */
export const TEMP_HOST_TAG: string = createHash('sha256').update(HOST_NAME).digest('hex').slice(0, 8);

/** The temporary for `finalPath`: `.<base>.<pid>.<host tag><rand>.tmp` in the same folder. */
function tempNameFor(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.${process.pid}.${TEMP_HOST_TAG}${randomBytes(4).toString('hex')}.tmp`);
}

/** A reason for io.cannot-write from an errno error. */
function reasonOf(e: unknown, syscall: string): string {
  const err = e as NodeJS.ErrnoException;
  return err?.code ? `${err.code} (${err.syscall ?? syscall})` : String(err?.message ?? err);
}

/** What a non-regular file is, for messages ("a FIFO (named pipe)", "a folder", …). */
export function fileKind(st: Stats): string {
  if (st.isFile()) return 'a regular file';
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** Symlinks followed before a chain counts as a loop (Linux's own limit). */
const MAX_LINK_HOPS = 40;

/** Where an output path's bytes go (`resolveOutputTarget`). */
export interface OutputTarget {
  /** The path as given (messages name it). */
  readonly path: string;
  /** The file that is replaced: `path` itself, or the final target of its symlink chain (absolute). */
  readonly finalPath: string;
  /** True when `path` is a symlink; the link is kept and points at the new file after the write. */
  readonly viaLink: boolean;
  /** True when `finalPath` exists (then it is a regular file). */
  readonly exists: boolean;
}

/**
 * Follow `path` through any symlinks to the file a write would replace, and check it is a regular file or
 * absent: anything else is `io.output-not-regular` naming `path`, what is there and (through a link) the
 * final target. A link loop, or a file where a folder should be, is io.cannot-write. Reads nothing but
 * link and file metadata (never opens the target: opening a FIFO would block).
 */
export function resolveOutputTarget(path: string): OutputTarget {
  let p = resolve(path);
  let viaLink = false;
  for (let hops = 0; ; hops++) {
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { path, finalPath: p, viaLink, exists: false };
      throw new GmemlabError(ioMessages.cannotWrite({ file: path }, reasonOf(e, 'lstat')));
    }
    if (st.isSymbolicLink()) {
      if (hops >= MAX_LINK_HOPS) throw new GmemlabError(ioMessages.cannotWrite({ file: path }, `ELOOP (more than ${MAX_LINK_HOPS} symbolic links)`));
      p = resolve(dirname(p), readlinkSync(p));
      viaLink = true;
      continue;
    }
    if (st.isFile()) return { path, finalPath: p, viaLink, exists: true };
    throw new GmemlabError(ioMessages.outputNotRegular({ file: path }, fileKind(st), viaLink ? p : undefined));
  }
}

/**
 * The re-check right before the rename: the final path must still be absent, a regular file, or a symlink
 * (rename replaces a link itself, never what it points to). Throws io.output-not-regular otherwise.
 */
function recheckBeforeRename(t: OutputTarget): void {
  let st: Stats;
  try {
    st = lstatSync(t.finalPath);
  } catch {
    return; // absent (or unreadable: the rename reports that)
  }
  if (st.isFile() || st.isSymbolicLink()) return;
  throw new GmemlabError(ioMessages.outputNotRegular({ file: t.path }, fileKind(st), t.viaLink ? t.finalPath : undefined));
}

/**
 * Check an output file before long work: resolve it (`resolveOutputTarget`: a non-regular target is
 * io.output-not-regular), create the missing folders of a plain path (not of a dangling symlink's target:
 * that folder must exist), and check the folder is writable (io.cannot-write otherwise). A command about
 * to compute for minutes calls this first, so a bad `-o` fails before the work, not after.
 */
export function prepareOutputFile(path: string): OutputTarget {
  const t = resolveOutputTarget(path);
  const dir = dirname(t.finalPath);
  try {
    if (!t.viaLink) mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new GmemlabError(ioMessages.cannotWrite({ file: path }, reasonOf(e, t.viaLink ? 'access' : 'mkdir')));
  }
  return t;
}

/** `prepareOutputFile` under its earlier name (creates the folders, checks the target). */
export function ensureWritableFolder(target: string): void {
  prepareOutputFile(target);
}

/**
 * Check an output folder before long work (`figures -o <dir>`): `dir` (symlinks followed) must be a folder
 * or absent (io.output-folder-not-folder), and every existing entry whose name `willWrite` accepts must be
 * a regular file, following symlinks (io.output-not-regular). Creates nothing.
 */
export function checkOutputFolder(dir: string, willWrite: (name: string) => boolean): void {
  let st: Stats;
  try {
    st = statSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new GmemlabError(ioMessages.cannotWrite({ file: dir }, reasonOf(e, 'stat')));
  }
  if (!st.isDirectory()) throw new GmemlabError(ioMessages.outputFolderNotFolder({ file: dir }, fileKind(st)));
  for (const name of readdirSync(dir)) if (willWrite(name)) resolveOutputTarget(join(dir, name));
}

/** Final paths whose stale temporaries this process has already looked for (once per target per process). */
const swept = new Set<string>();

/**
 * Remove the temporaries of `finalPath` left behind by processes of this host that are gone (a SIGKILL
 * skips every exit hook). A temporary is removed only when its name has this target's prefix, a pid other
 * than this process's, this host's tag (or no tag: the earlier `.<base>.<pid>.<8 hex>.tmp` form), the pid
 * is not alive (ESRCH), and it is a regular file. Returns the names removed.
 */
export function removeStaleTemporaries(finalPath: string): string[] {
  const dir = dirname(finalPath);
  const prefix = `.${basename(finalPath)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d{1,10})\.([0-9a-f]{8}|[0-9a-f]{16})$/.exec(name.slice(prefix.length, -'.tmp'.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || (m[2]!.length === 16 && m[2]!.slice(0, 8) !== TEMP_HOST_TAG)) continue;
    if (pid <= 0 || isProcessAlive(pid)) continue;
    const p = join(dir, name);
    try {
      if (!lstatSync(p).isFile()) continue;
      rmSync(p, { force: true });
      removed.push(name);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}

/** Clean `finalPath`'s stale temporaries on this process's first write to it. */
function sweepOnce(finalPath: string): void {
  if (swept.has(finalPath)) return;
  swept.add(finalPath);
  removeStaleTemporaries(finalPath);
}

/**
 * Write `data` to `target` atomically. A failure (missing folder, permissions, full disk, a folder in the
 * way) is bad input: `GmemlabError` io.cannot-write naming the target, never a raw errno stack.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  hookExit();
  const t = resolveOutputTarget(target);
  sweepOnce(t.finalPath);
  const tmp = tempNameFor(t.finalPath);
  pending.add(tmp);
  try {
    writeFileSync(tmp, data, { flag: 'wx' });
    const fd = openSync(tmp, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    recheckBeforeRename(t);
    renameSync(tmp, t.finalPath);
  } catch (e) {
    if (e instanceof GmemlabError) throw e;
    throw new GmemlabError(ioMessages.cannotWrite({ file: target }, reasonOf(e, 'write')));
  } finally {
    pending.delete(tmp);
    removeQuietly(tmp);
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

/**
 * Open a streaming atomic write to `target`. The target is resolved and checked first
 * (`resolveOutputTarget`: a non-regular target throws io.output-not-regular at once), and again right
 * before the rename in `commit()`.
 */
export function openAtomicWriter(target: string): AtomicWriter {
  hookExit();
  const t = resolveOutputTarget(target);
  sweepOnce(t.finalPath);
  const tmp = tempNameFor(t.finalPath);
  pending.add(tmp);
  // open synchronously: with an asynchronous open, an exit (SIGINT) between removing the pending temporaries
  // and the open completing in libuv's thread pool would leave the temporary behind. A failed open is
  // deferred to the stream (reported by writeChunk/commit); only a non-regular target throws here.
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
  } catch {
    fd = undefined;
  }
  const stream = fd !== undefined ? createWriteStream(tmp, { fd }) : createWriteStream(tmp, { flags: 'wx' });
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
        recheckBeforeRename(t);
        renameSync(tmp, t.finalPath);
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
