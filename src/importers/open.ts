import { existsSync, rmSync } from 'node:fs';
import { basename } from 'node:path';
import { getImporter, detectFormat } from './index';
import { resolveImporterOptions } from './options';
import type { FormatId, ImportContext, ImporterDef } from './types';
import { codeStamp } from '../io/code-stamp';
import { openInput, type InputFile } from '../io/input';
import { headPastPreamble } from './shared/sniff';
import { DEFAULT_MAX_LINE_BYTES } from '../trace/canonical-csv/records';
import { DiagnosticLog } from '../log/collector';
import { fail, GmemlabError } from '../log/diagnostic';
import { arrowMessages, importMessages } from '../log/messages/trace';
import type { ParamValue } from '../params';
import { ArrowTraceError, readArrowBatches, readArrowInfo, restoreLog } from '../trace/arrow/read';
import { ArrowTraceWriter } from '../trace/arrow/write';
import type { EventBatch } from '../trace/batch';
import { TraceDigest } from '../trace/digest';
import { cacheFileFor, cacheRoot, DEFAULT_CACHE_MIN_BYTES, fileSha256Sync, importKey, readScanMemo, scanMemoFor, sourceSha256, writeScanMemo, type CacheOptions, type HashCounter } from '../trace/cache';
import { loadMapSpec } from '../trace/map/spec';
import { SemanticChecker } from '../trace/semantic-check';
import { StringTable } from '../trace/strings';
import type { Trace, TraceReader } from '../trace/trace';

/** The file whose reach stamps import-cache keys (trace/cache.ts `importKey`): this one. */
const IMPORT_CODE_ENTRY = 'importers/open.ts';

/** How to open a trace file. */
export interface OpenTraceOptions {
  /** Input format; `auto` (default) sniffs the file's first bytes over the importer registry. */
  readonly from?: FormatId | 'auto';
  /** Map spec for a foreign CSV (inline JSON or a file path; implies `from: 'csv'`). */
  readonly map?: string;
  /** Strict (default): the first structural problem throws. Lenient: bad rows are skipped and counted. */
  readonly strict?: boolean;
  /** Importer options (`--opt key=value`), checked against the importer's documented options. */
  readonly options?: Readonly<Record<string, ParamValue>>;
  /** The Arrow import cache: on by default (`false` turns it off; an object sets its folder/threshold). */
  readonly cache?: boolean | CacheOptions;
  /** Counts the source bytes hashed when the cache is off (with the cache on, `CacheOptions.hashCounter`). */
  readonly hashCounter?: HashCounter;
  /** Interrupts every read of the trace (given to importers as `ImportContext.signal`). */
  readonly signal?: AbortSignal;
}

/** Where a trace came from. */
export interface TraceSource {
  readonly path: string;
  /**
   * SHA-256 of the file as stored (compressed bytes for .gz). Known at open when the import cache is on or the
   * format gets provenance metadata; otherwise computed (one synchronous pass over the file) when first read.
   */
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly gzip: boolean;
}

/** A trace file opened for (repeated, streaming) reading, with what was detected about it. */
export interface OpenedTrace extends Trace {
  /** The input format (detected with `from: 'auto'`). */
  readonly format: FormatId;
  /** `name@version` of the importer. */
  readonly importer: string;
  /** Resolved importer options. */
  readonly options: Readonly<Record<string, ParamValue>>;
  readonly strict: boolean;
  readonly source: TraceSource;
  /** The cache entry of this import (present once a first full read has completed), or null when not cached. */
  readonly cacheFile: string | null;
  /** True when the next `read()` will load from the cache. */
  isCached(): boolean;
  read(): ImportReader;
}

/** A pass over an opened trace: a `TraceReader` plus the observations importers recorded (source reads only). */
export interface ImportReader extends TraceReader {
  /** Recorded outcomes that are not events (faults, migrations, batch timings), by kind; empty on cache reads. */
  readonly observations: Readonly<Record<string, ReadonlyArray<Readonly<Record<string, number | string>>>>>;
}

/**
 * Open a trace file: detect or check its format, resolve importer options, hash the source, and return a
 * re-readable streaming `Trace`. Every pass runs the importer's output through the semantic checker
 * (warnings in `reader.log`); the first complete pass of a cacheable import also writes the Arrow cache,
 * and later passes (in this or any later process) load from it when the source is unchanged. A damaged
 * cache entry is detected by checksum before any of its data is used, removed, and rebuilt from the source.
 *
 * Errors (`GmemlabError`, exit code 2 in the CLI): `io.*` for unreadable files, `import.*` for unknown
 * formats or options, `map.*` for bad map specs, and in strict mode the first `csv.*` problem of the file.
 */
export async function openTrace(path: string, opts: OpenTraceOptions = {}): Promise<OpenedTrace> {
  const input = await openInput(path);
  const from = opts.from ?? 'auto';
  let def: ImporterDef<any>;
  if (opts.map !== undefined) {
    if (from !== 'auto' && from !== 'csv') fail(importMessages.mapNeedsCsv({}, from));
    def = getImporter('csv');
  } else def = from === 'auto' ? await detectPastPreamble(input) : getImporter(from);
  const given: Record<string, ParamValue> = { ...(opts.options ?? {}) };
  if (opts.map !== undefined) given.map = loadMapSpec(opts.map).text;
  const options = resolveImporterOptions(def, given, from === 'auto' && opts.map === undefined ? path : undefined) as Record<string, ParamValue>;
  const strict = opts.strict ?? true;
  const cacheOpts: CacheOptions | null = opts.cache === false ? null : opts.cache === true || opts.cache === undefined ? {} : opts.cache;
  const root = cacheOpts && def.name !== 'arrow' ? cacheRoot(cacheOpts) : null;
  // canonical CSV and Arrow inputs carry their own metadata; other formats get provenance lines
  const passThrough = def.name === 'arrow' || (def.name === 'csv' && !options.map);
  const hashCounter = cacheOpts?.hashCounter ?? opts.hashCounter;
  // The source's SHA-256 names the cache entry and, for formats without their own metadata, goes into the
  // trace's `source_sha256`; only then is it needed before reading. Otherwise (cache off, canonical CSV or
  // Arrow) it is computed when first asked for (`source.sha256`), so a run that never asks reads the file once.
  let sha256: string | undefined = root !== null || !passThrough ? await sourceSha256(path, root, hashCounter) : undefined;
  const importer = `${def.name}@${def.version}`;
  let cacheFile: string | null = null;
  if (root !== null && input.sizeBytes >= (cacheOpts!.minBytes ?? DEFAULT_CACHE_MIN_BYTES)) {
    try {
      cacheFile = cacheFileFor(root, importKey({ sourceSha256: sha256!, importer, options, strict, code: codeStamp(IMPORT_CODE_ENTRY) }));
    } catch {
      cacheFile = null; // an unwritable cache folder: read without the cache
    }
  }
  const source: TraceSource = {
    path,
    get sha256(): string {
      return (sha256 ??= fileSha256Sync(path, hashCounter));
    },
    sizeBytes: input.sizeBytes,
    gzip: input.gzip,
  };

  const trace: OpenedTrace = {
    name: path,
    format: def.name,
    importer,
    options,
    strict,
    source,
    cacheFile,
    isCached: () => cacheFile !== null && existsSync(cacheFile),
    // the scan (digest, footprint, counts) is remembered beside the cache entry: an unchanged file is not re-read
    knownScan: (version) => (cacheFile !== null ? readScanMemo(scanMemoFor(cacheFile), version) : undefined),
    rememberScan: (version, facts) => {
      if (cacheFile !== null) writeScanMemo(scanMemoFor(cacheFile), version, facts);
    },
    read(): ImportReader {
      const log = new DiagnosticLog();
      const strings = new StringTable();
      const meta: Record<string, string> = {};
      const observations: Record<string, Array<Record<string, number | string>>> = {};

      async function* fromSource(skipRows: number): AsyncGenerator<EventBatch> {
        for (const k of Object.keys(meta)) delete meta[k];
        if (!passThrough) Object.assign(meta, { source: basename(path), source_sha256: source.sha256, importer });
        const ctx: ImportContext = {
          file: path, strict, log, strings, meta,
          ...(opts.signal !== undefined ? { signal: opts.signal } : {}),
          observe(kind, row) {
            (observations[kind] ??= []).push({ ...row });
          },
        };
        let writer = cacheFile ? ArrowTraceWriter.open(cacheFile) : null;
        // the cache is opportunistic: a write failure drops it for this pass, never fails the read
        const toCache = async (op: (w: ArrowTraceWriter) => Promise<unknown>): Promise<void> => {
          if (!writer) return;
          try {
            await op(writer);
          } catch (e) {
            const w = writer;
            writer = null;
            await w.abort().catch(() => undefined);
            const reason = e instanceof GmemlabError ? (e.diagnostic.found ?? e.diagnostic.message) : String((e as Error)?.message ?? e);
            log.add(arrowMessages.cacheUnwritable({ file: cacheFile! }, reason));
          }
        };
        // an Arrow trace's saved diagnostics already include the checker's warnings of its import
        const checker = def.name === 'arrow' ? null : new SemanticChecker(path, log);
        let seen = 0;
        let done = false;
        try {
          for await (const b of def.read(await openInput(path), options, ctx)) {
            checker?.update(b);
            if (writer) await toCache((w) => w.write(b));
            const from = seen;
            seen += b.length;
            if (seen <= skipRows) continue;
            yield from < skipRows ? sliceBatch(b, skipRows - from) : b;
          }
          checker?.finish();
          done = true;
          await toCache((w) => w.finish(meta, log));
        } finally {
          if (!done && writer) await writer.abort();
        }
      }

      async function* fromCache(file: string): AsyncGenerator<EventBatch> {
        let rows = 0;
        try {
          const info = readArrowInfo(file);
          Object.assign(meta, info.meta);
          const digest = cacheOpts?.verifyDigest ? new TraceDigest() : null;
          for await (const b of readArrowBatches(file, info, strings)) {
            rows += b.length;
            digest?.update(b);
            yield b;
          }
          if (digest && digest.digest() !== info.digest) {
            rmSync(file, { force: true });
            fail(arrowMessages.corrupt({ file }, 'events do not match the stored trace digest (entry removed; the next read rebuilds it)'));
          }
          restoreLog(info, log);
        } catch (e) {
          if (!(e instanceof ArrowTraceError)) throw e;
          rmSync(file, { force: true });
          yield* fromSource(rows);
          // after the rebuild, so the new entry's saved diagnostics do not include this notice
          log.add(arrowMessages.cacheRebuilt({ file }, e.diagnostic.message));
        }
      }

      return {
        meta,
        strings,
        log,
        observations,
        [Symbol.asyncIterator]: () => (cacheFile !== null && existsSync(cacheFile) ? fromCache(cacheFile) : fromSource(0)),
      };
    },
  };
  return trace;
}

/**
 * `detectFormat`, and when nothing recognises the head because it is all `#` comment lines (a metadata
 * preamble longer than the head), once more on the head past the preamble (`headPastPreamble`: streamed,
 * bounded by the canonical reader's line limit; the file is not read whole).
 */
async function detectPastPreamble(input: InputFile): Promise<ImporterDef<any>> {
  try {
    return detectFormat(input);
  } catch (e) {
    if (!(e instanceof GmemlabError) || e.diagnostic.code !== importMessages.unknownFormat.code) throw e;
    const head = await headPastPreamble(input.head, () => input.chunks(), DEFAULT_MAX_LINE_BYTES);
    if (head === undefined) throw e;
    return detectFormat({ ...input, head, chunks: () => input.chunks() });
  }
}

/** Rows `from…` of a batch (views, no copy). */
export function sliceBatch(b: EventBatch, from: number): EventBatch {
  const s = <T extends { subarray(a: number): T }>(a: T): T => a.subarray(from);
  return {
    length: b.length - from,
    op: s(b.op), agent: s(b.agent), target: s(b.target), tNs: s(b.tNs), va: s(b.va), bytes: s(b.bytes),
    offsetBytes: s(b.offsetBytes), pageBytes: s(b.pageBytes), durNs: s(b.durNs), access: s(b.access), code: s(b.code),
    flags: s(b.flags), count: s(b.count), resource: s(b.resource), label: s(b.label), strings: b.strings,
  };
}
