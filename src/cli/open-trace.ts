import type { Trace } from '../trace/trace';

/**
 * Open the trace argument of `gmemlab run` through the trace-io engineer's `openTrace`
 * (src/trace/open.ts). Loaded lazily by path so this branch builds before that module lands.
 */
export async function openTraceForRun(path: string, from: string | undefined): Promise<Trace> {
  const modPath = '../trace/open';
  const mod = (await import(modPath)) as { openTrace: (path: string, opts?: { from?: string }) => Promise<Trace> | Trace };
  return await mod.openTrace(path, from === undefined ? {} : { from });
}
