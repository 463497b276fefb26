import { fail, formatDiagnostic } from '../log/diagnostic';
import type { DiagnosticLog } from '../log/collector';
import { importerMessages } from '../log/messages/importers';
import { csvMessages, importMessages, mapMessages } from '../log/messages/trace';
import { Op, OP_COUNT, OP_CSV_NAMES } from '../trace/event';
import { ArrowTraceWriter } from '../trace/arrow/write';
import type { EventBatch } from '../trace/batch';
import { writeCanonicalCsv } from '../trace/canonical-csv/write';
import { prepareOutputFile } from '../io/atomic';
import { openTrace, type OpenedTrace, type OpenTraceOptions } from './open';
import { PRODUCER_KEY, PRODUCER_RECORD_HINTS } from './shared/producer';
import { TraceSummarizer, type TraceSummary } from '../trace/summary';
import type { FormatId } from './types';

/** Output kinds of `import -o`, by file extension. */
export type ImportOutputKind = 'csv' | 'arrow';

/** `.csv` → canonical CSV, `.arrow` → Arrow IPC; anything else is `import.bad-output`. */
export function outputKindOf(target: string): ImportOutputKind {
  if (/\.csv$/i.test(target)) return 'csv';
  if (/\.arrow$/i.test(target)) return 'arrow';
  return fail(importMessages.badOutput({}, target));
}

/**
 * How to record, per format, a trace holding what gmemlab simulates (shown by `importer.nothing-to-simulate`).
 * Closed over `FormatId`, so a new built-in format does not compile without its hint; importers registered
 * from a notebook (not a `FormatId`) get `GENERIC_RECORD_HINT`.
 */
export const RECORD_HINTS: Readonly<Record<FormatId, string>> = {
  kineto: "profile with memory events: torch.profiler.profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA], profile_memory=True), then prof.export_chrome_trace('trace.json')",
  'pytorch-snapshot': "torch.cuda.memory._record_memory_history(max_entries=100000) before the workload, then torch.cuda.memory._dump_snapshot('memory.pickle')",
  'pytorch-timeline': 'the timeline has no addresses: import it with --opt layout=bump (profiled with profile_memory=True, record_shapes=True, with_stack=True)',
  'nsys-sqlite': 'nsys profile --cuda-memory-usage=true --cuda-um-cpu-page-faults=true --cuda-um-gpu-page-faults=true -o report <app>, then nsys export --type sqlite report.nsys-rep',
  'uvm-fault-log': "log faults with the instrumented nvidia-uvm driver (Allen & Ge, SC'21) and keep the kernel log lines of the run",
  'rocprofv3-csv': 'rocprofv3 --memory-allocation-trace --output-format csv -- <app> (the memory_allocation_trace.csv, with Allocation_Size)',
  'rocprofv3-scratch': 'rocprofv3 --scratch-memory-trace --output-format csv -- <app>, with a rocprofiler-sdk whose scratch_memory_trace.csv has the Allocation_Size column (without sizes there is nothing to place)',
  'gfxr-jsonl': 'capture with the GFXReconstruct layer (VK_INSTANCE_LAYERS=VK_LAYER_LUNARG_gfxreconstruct) while the application allocates and binds memory, then gfxrecon-convert capture.gfxr (writes capture.jsonl)',
  'vma-json': 'save vmaBuildStatsString(allocator, &json, VK_TRUE) while allocations are live',
  'vma-recording': 'build VMA with VMA_RECORDING_ENABLED=1 and set VmaAllocatorCreateInfo.pRecordSettings (flags, pFilePath)',
  csv: 'add alloc/free/access/map… rows (docs/import.md); kernel and marker rows only carry time',
  arrow: 'import the original trace again (the Arrow file holds no memory events)',
};

/** Hint for formats without a `RECORD_HINTS` entry (e.g. importers registered from a notebook). */
export const GENERIC_RECORD_HINT = 'record allocations, frees, accesses or mappings (see docs/importers.md for the format)';

/**
 * Rows a memory-management system acts on: every op except `kernel_begin`, `kernel_end` and `marker` (their time
 * is the engine's), and except copies without an address (the application's explicit copies: a link transfer,
 * the same under every system). A trace without one has nothing to compare.
 */
export class SimulatableCounter {
  readonly byOp = new Float64Array(OP_COUNT);
  addresslessCopies = 0;
  simulatable = 0;

  update(b: EventBatch): void {
    const { op, va } = b;
    for (let i = 0; i < b.length; i++) {
      const o = op[i]!;
      this.byOp[o]!++;
      if (o === Op.kernelBegin || o === Op.kernelEnd || o === Op.marker) continue;
      if (o === Op.copy && Number.isNaN(va[i]!)) this.addresslessCopies++;
      else this.simulatable++;
    }
  }

  /** What the rows are, for the message: `30 events (kernel_begin 14, kernel_end 14, copy 2 without an address)`. */
  holds(): string {
    const parts: string[] = [];
    let total = 0;
    for (let o = 0; o < OP_COUNT; o++) {
      const n = this.byOp[o]!;
      if (!n) continue;
      total += n;
      parts.push(`${OP_CSV_NAMES[o]} ${n}${o === Op.copy && this.addresslessCopies === n ? ' without an address' : ''}`);
    }
    return total === 0 ? 'no events' : `${total} event${total === 1 ? '' : 's'} (${parts.join(', ')}), none a memory event`;
  }
}

/**
 * What the import kept as observations (measurements of the recorded run, not events: e.g. Nsight's unified-memory
 * migrations), so that a file with nothing to simulate is not described as empty: `; it keeps observations of the
 * recorded run (um_migration 24576), which are not events`, or '' when there are none.
 */
function observed(observations: Readonly<Record<string, ReadonlyArray<unknown>>>): string {
  const kinds = Object.entries(observations).filter(([, rows]) => rows.length > 0);
  return kinds.length === 0 ? '' : `; it keeps observations of the recorded run (${kinds.map(([k, rows]) => `${k} ${rows.length}`).join(', ')}), which are not events`;
}

const FILE_STATE_CODES: ReadonlySet<string> = new Set([csvMessages.headerOnly.code, csvMessages.empty.code, mapMessages.noRows.code]);

/**
 * The records a lenient import skipped as malformed (the log's error-severity diagnostics, by code), so that a file
 * whose every row was rejected is not described as one without memory events: `; --lenient skipped 38374 malformed
 * records (csv.field-count 38374; first: <its message>)`, or '' when none was skipped.
 */
function skipped(log: DiagnosticLog): string {
  // a header without rows or an empty file is the whole file's state, which "no events" already says
  const errors = log.examples().filter((d) => d.severity === 'error' && !FILE_STATE_CODES.has(d.code));
  if (errors.length === 0) return '';
  const codes = [...new Set(errors.map((d) => d.code))];
  const total = codes.reduce((n, c) => n + log.count(c), 0);
  return `; --lenient skipped ${total} malformed record${total === 1 ? '' : 's'} (${codes.map((c) => `${c} ${log.count(c)}`).join(', ')}; first: ${formatDiagnostic(errors[0]!)})`;
}

/**
 * The `import` command as a function: open `file` (format detection, validation, semantic checks),
 * stream it once, optionally writing canonical events to `output` (CSV or Arrow; a missing folder of a plain
 * path is created first, as for every gmemlab output; atomically: when the
 * read fails, e.g. at the first structural error in strict mode, no output file exists afterwards), and
 * return the summary of that same pass. An import without a simulatable row (`SimulatableCounter`) fails with
 * `importer.nothing-to-simulate` (exit 2, no output), saying what the file holds and how to record what is
 * needed (`RECORD_HINTS`).
 */
export async function importFile(
  file: string,
  opts: OpenTraceOptions = {},
  output?: string,
): Promise<{ summary: TraceSummary; trace: OpenedTrace }> {
  const kind = output === undefined ? null : outputKindOf(output);
  // before the source is read: a regular file or a new path, its missing folders created (docs/cli.md §1)
  if (output !== undefined) prepareOutputFile(output);
  const trace = await openTrace(file, opts);
  const reader = trace.read();
  const summarizer = new TraceSummarizer();
  const sim = new SimulatableCounter();
  async function* tapped(): AsyncGenerator<EventBatch> {
    for await (const b of reader) {
      summarizer.update(b);
      sim.update(b);
      yield b;
    }
    // before the writer finishes: the output must not appear
    if (sim.simulatable === 0) fail(importerMessages.nothingToSimulate({ file }, sim.holds() + observed(reader.observations) + skipped(reader.log), PRODUCER_RECORD_HINTS[reader.meta[PRODUCER_KEY] ?? ''] ?? RECORD_HINTS[trace.format] ?? GENERIC_RECORD_HINT));
  }
  if (kind === 'csv') await writeCanonicalCsv(tapped(), () => reader.meta, output!);
  else if (kind === 'arrow') {
    const w = ArrowTraceWriter.open(output!);
    try {
      for await (const b of tapped()) await w.write(b);
      await w.finish(reader.meta, reader.log);
    } catch (e) {
      await w.abort();
      throw e;
    }
  } else for await (const b of tapped()) void b;
  return { summary: summarizer.result(file, reader), trace };
}
