/** Helpers shared by CLI and error-path tests. */
import type { CommandIO } from '../../src/cli/command';
import { GmemlabError } from '../../src/log/diagnostic';

/** A `CommandIO` that records what a command writes (`out`, `err`); not a terminal. */
export function capture(): CommandIO & { out: string; err: string } {
  const io = { out: '', err: '', isTTY: false, stdout: (s: string) => void (io.out += s), stderr: (s: string) => void (io.err += s) };
  return io;
}

/** The diagnostic code of the `GmemlabError` that `f` throws, or `'no error'`; other errors are rethrown. */
export function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof GmemlabError) return e.diagnostic.code;
    throw e;
  }
  return 'no error';
}
