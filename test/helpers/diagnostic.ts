import assert from 'node:assert/strict';
import { GmemlabError, type Diagnostic } from '../../src/log/diagnostic';

/** The fields of a diagnostic a test expects (the others are not checked). */
export type DiagnosticFields = Partial<Record<keyof Diagnostic, unknown>>;

/** `e` is a GmemlabError whose diagnostic has each field of `want`; returns the diagnostic for further checks. */
export function diagnosticOf(e: unknown, want: DiagnosticFields): Diagnostic {
  assert.ok(e instanceof GmemlabError, `expected a GmemlabError, got ${String(e)}`);
  const d = e.diagnostic as unknown as Record<string, unknown>;
  assert.deepEqual(Object.fromEntries(Object.keys(want).map((k) => [k, d[k]])), want);
  return e.diagnostic;
}

/** `f()` throws a GmemlabError whose diagnostic has each field of `want` (`diagnosticOf`). */
export function throwsWith(f: () => unknown, want: DiagnosticFields): Diagnostic {
  try {
    f();
  } catch (e) {
    return diagnosticOf(e, want);
  }
  assert.fail('expected a GmemlabError, nothing was thrown');
}

/** `p` rejects with a GmemlabError whose diagnostic has each field of `want` (`diagnosticOf`). */
export async function rejectsWith(p: Promise<unknown>, want: DiagnosticFields): Promise<Diagnostic> {
  try {
    await p;
  } catch (e) {
    return diagnosticOf(e, want);
  }
  assert.fail('expected a GmemlabError, the promise resolved');
}
