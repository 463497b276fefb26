import { readFileSync } from 'node:fs';
import { readSafePickle } from '../importers/pytorch-snapshot/safe-pickle';
import { GmemlabError, type Diagnostic } from '../log/diagnostic';
import { compare } from '../run/run';
import { openTrace } from '../importers/open';
import type { FuzzJob } from './targets';

/**
 * One fuzz input through gmemlab, as a user's file would go: `openTrace` (format detection or the named
 * importer, option resolution, the importer, the semantic checker) and one full pass over the events, with
 * the import cache off; or the safe pickle reader alone. The outcome is data, so it can cross a worker
 * thread boundary: a clean import, a rejection (`GmemlabError`, the only way bad input may stop gmemlab), or
 * a crash (anything else thrown).
 */
export type FuzzOutcome =
  | { readonly status: 'ok'; readonly rows: number; readonly warnings: Readonly<Record<string, number>> }
  /** `phase`: `simulate` when the trace imported but the run refused it (e.g. an agent the platform lacks). */
  | { readonly status: 'rejected'; readonly diagnostic: Diagnostic; readonly phase?: 'import' | 'simulate' }
  | { readonly status: 'crash'; readonly name: string; readonly message: string; readonly stack?: string };

/** Run `job` on the input file at `path`. Never throws. */
export async function runFuzzJob(job: FuzzJob, path: string): Promise<FuzzOutcome> {
  try {
    if (job.kind === 'pickle') {
      readSafePickle(readFileSync(path), path);
      return { status: 'ok', rows: 0, warnings: {} };
    }
    const trace = await openTrace(path, {
      from: job.from ?? 'auto',
      ...(job.map !== undefined ? { map: job.map } : {}),
      strict: job.strict,
      ...(job.options ? { options: job.options } : {}),
      cache: false,
    });
    const reader = trace.read();
    let rows = 0;
    for await (const b of reader) rows += b.length;
    if (job.kind === 'simulate') {
      try {
        await compare(trace, { system: job.system!, ...(job.profile ? { profile: job.profile } : {}), oversub: job.oversub ?? null, debug: true, set: ['host.devices=2'] });
      } catch (e) {
        if (e instanceof GmemlabError) return { status: 'rejected', diagnostic: { ...e.diagnostic }, phase: 'simulate' };
        throw e;
      }
    }
    return { status: 'ok', rows, warnings: reader.log.countsByCode() };
  } catch (e) {
    if (e instanceof GmemlabError) return { status: 'rejected', diagnostic: { ...e.diagnostic } };
    const err = e instanceof Error ? e : new Error(String(e));
    return { status: 'crash', name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  }
}
