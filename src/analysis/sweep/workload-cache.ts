import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { codeStamp } from '../../io/code-stamp';
import { hashOf } from '../../io/hash';
import { DiagnosticLog } from '../../log/collector';
import { ArrowTraceError, readArrowBatches, readArrowInfo, restoreLog } from '../../trace/arrow/read';
import { ArrowTraceWriter } from '../../trace/arrow/write';
import type { EventBatch } from '../../trace/batch';
import { cacheRoot } from '../../trace/cache';
import { StringTable } from '../../trace/strings';
import type { Trace, TraceReader } from '../../trace/trace';
import { getWorkload } from '../../workloads/index';
import { resolveWorkloadParams } from '../../workloads/params';
import { workloadTrace } from '../../workloads/trace';

/**
 * Generated workload traces of sweeps, kept as gmemlab Arrow files in the import cache
 * (`<cache>/workloads/<key>.arrow`). A faithful generator replays the kernel it models (hotspot at scale 8:
 * ~7 s of CPU for 3.8e5 rows), so a sweep spent most of its time generating traces — serially, one generator
 * per trace — and a 2-thread sweep could not approach 2× (issue 15). With the cache, the first complete read
 * of a generated trace also writes it; later reads (other runs streaming it, other threads, later sweeps)
 * read the file, whose blocks are checksummed before use.
 *
 * Key: workload name, resolved parameters, seed and the content of the generators' code (`sourceStamp`: every
 * source file the workload registry reaches through imports): an edit of any of them gives new keys, so a
 * trace from older generator code is never used. Traces under `WORKLOAD_CACHE_MIN_EVENTS` rows are not cached (they generate
 * in well under a second). A damaged entry (a block failing its checksum) fails the read that finds it with
 * `arrow.corrupt` and is removed, so the next read generates the trace again.
 */
export const WORKLOAD_CACHE_MIN_EVENTS = 65_536;

/**
 * SHA-256 over the relative path and bytes of the generators' code: every `.ts` file under `srcDir` that
 * `workloads/index.ts` reaches through relative imports (io/code-stamp.ts).
 */
export function sourceStamp(srcDir?: string): string {
  return codeStamp(join('workloads', 'index.ts'), srcDir);
}

/** The cache file of a generated workload (the `workloads/` folder is created when needed). */
export function workloadCacheFile(workload: string, set: Readonly<Record<string, unknown>>, seed: number, root: string = cacheRoot()): string {
  const def = getWorkload(workload);
  const params = resolveWorkloadParams(def, set as never);
  const key = hashOf({ cache: 'workload', version: 1, workload: def.name, params, seed, code: sourceStamp() });
  const dir = join(root, 'workloads');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${key}.arrow`);
}

/**
 * The workload as a `Trace` whose reads come from the cache file when it exists and otherwise from the
 * generator (writing the file on the first complete read of at least `WORKLOAD_CACHE_MIN_EVENTS` rows).
 * Same name, metadata, events and warnings as `workloadTrace` gives. Bad ids, parameters or seeds throw
 * as there. `root: null` turns the cache off (plain `workloadTrace`).
 */
export function cachedWorkloadTrace(workload: string, set: Readonly<Record<string, unknown>>, seed: number, root: string | null = cacheRoot()): Trace {
  const gen = workloadTrace(workload, set as never, seed);
  if (root === null) return gen;
  let file: string;
  try {
    file = workloadCacheFile(workload, set, seed, root);
  } catch {
    return gen; // an unwritable cache folder: generate every time, as without the cache
  }
  return {
    name: gen.name,
    read(): TraceReader {
      const generated = gen.read();
      if (!existsSync(file)) return writingThrough(generated, file);
      let info: ReturnType<typeof readArrowInfo>;
      try {
        info = readArrowInfo(file);
      } catch {
        rmSync(file, { force: true });
        return writingThrough(generated, file);
      }
      const strings = new StringTable();
      const log = new DiagnosticLog();
      return {
        meta: info.meta,
        strings,
        log,
        async *[Symbol.asyncIterator](): AsyncGenerator<EventBatch> {
          try {
            yield* readArrowBatches(file, info, strings);
            restoreLog(info, log);
          } catch (e) {
            // a damaged entry (a block failing its checksum) is removed: the next read generates the trace again
            if (e instanceof ArrowTraceError) rmSync(file, { force: true });
            throw e;
          }
        },
      };
    },
  };
}

/** A generated pass that also writes the cache file (opportunistic: a write failure only drops the file). */
function writingThrough(r: TraceReader, file: string): TraceReader {
  return {
    get meta() {
      return r.meta;
    },
    strings: r.strings,
    log: r.log,
    async *[Symbol.asyncIterator](): AsyncGenerator<EventBatch> {
      let writer: ArrowTraceWriter | null = null;
      try {
        writer = ArrowTraceWriter.open(file);
      } catch {
        writer = null;
      }
      let rows = 0;
      let done = false;
      try {
        for await (const b of r) {
          rows += b.length;
          if (writer) {
            try {
              await writer.write(b);
            } catch {
              const w = writer;
              writer = null;
              await w.abort().catch(() => undefined);
            }
          }
          yield b;
        }
        done = true;
        if (writer && rows >= WORKLOAD_CACHE_MIN_EVENTS) await writer.finish(r.meta, r.log).catch(() => undefined);
        else if (writer) await writer.abort().catch(() => undefined);
      } finally {
        if (!done && writer) await writer.abort().catch(() => undefined);
      }
    },
  };
}
