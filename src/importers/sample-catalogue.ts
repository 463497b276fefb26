import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { ParamValue } from '../params';
import { PROJECT_ROOT } from '../version';

/**
 * The real recorded traces gmemlab is checked against (issue 6): public samples kept OUTSIDE the repository
 * in `../shared/trace-samples` relative to the project root (each folder's SOURCE.txt names upstream and
 * licence; they are not copied into the project). The notebook `notebooks/real-traces.ipynb` and the test
 * that runs every sample through `gmemlab run --from auto` read this list; a sample that is not on disk is
 * reported as absent, never an error.
 */
export interface TraceSampleInfo {
  /** Path relative to the samples folder. */
  readonly path: string;
  /** The format `--from auto` detects. */
  readonly format: string;
  /** One line: what the recording is. */
  readonly title: string;
  /**
   * Importer options that make the sample say more in an analysis than the defaults (which the CLI test
   * uses), e.g. synthetic addresses for the memory timeline, whose records carry none. Absent: defaults.
   */
  readonly analysisOptions?: Readonly<Record<string, ParamValue>>;
}

/** The samples of issue 6's acceptance list, in the order notebooks show them. */
export const TRACE_SAMPLES: readonly TraceSampleInfo[] = [
  { path: 'pytorch-memory-snapshot/memory.pickle', format: 'pytorch-snapshot', title: 'PyTorch CUDA caching-allocator snapshot (DeComFL training)' },
  { path: 'kineto-chrome-trace/df_index_resolver.json.gz', format: 'kineto', title: 'Kineto profiler trace with [memory] events (HolisticTraceAnalysis test data)' },
  { path: 'kineto-chrome-trace/mi250_minitoy_train_ROCm6_2_kineto.json.gz', format: 'kineto', title: 'Kineto trace of a toy training run on an MI250 (copies and kernels, no [memory] events)' },
  { path: 'pytorch-memory-timeline-raw/memory_timeline.raw.gz', format: 'pytorch-timeline', title: 'PyTorch memory-timeline raw export (sizes, no addresses)', analysisOptions: { layout: 'bump' } },
  { path: 'gfxreconstruct/multisample-depth.jsonl', format: 'gfxr-jsonl', title: 'GFXReconstruct capture of a Vulkan multisample-depth sample' },
  { path: 'gfxreconstruct/external-memory-fd-import.jsonl', format: 'gfxr-jsonl', title: 'GFXReconstruct capture of a Vulkan external-memory import' },
  { path: 'vma-json-dump/Sample.json', format: 'vma-json', title: 'Vulkan Memory Allocator JSON statistics dump' },
  { path: 'vma-recording-csv/vma_replay.csv', format: 'vma-recording', title: 'Vulkan Memory Allocator call recording (inexor renderer)' },
  { path: 'rocprofv3-csv/memory_allocation_trace.csv', format: 'rocprofv3-csv', title: 'rocprofv3 memory-allocation trace (ROCm docs example)' },
  { path: 'rocprofv3-csv/memory_copy_trace.csv', format: 'rocprofv3-csv', title: 'rocprofv3 memory-copy trace (ROCm docs example)' },
  ...[1, 2, 3, 4].map((n) => ({
    path: `uvm-eval-fault-log/abc/short_log_32_ts/abc_${n}`,
    format: 'uvm-fault-log',
    title: `UVM fault log from the instrumented driver of the SC'21 study (abc, run ${n})`,
  })),
];

/** Environment variable that points notebooks and tests at another samples folder (e.g. an empty one). */
export const TRACE_SAMPLES_ENV = 'GMEMLAB_TRACE_SAMPLES';

/**
 * The samples folder: `$GMEMLAB_TRACE_SAMPLES` when set (relative to the project root when not absolute),
 * else `../shared/trace-samples` relative to the project root.
 */
export function traceSamplesRoot(env: NodeJS.ProcessEnv = process.env, projectRoot: string = PROJECT_ROOT): string {
  const given = env[TRACE_SAMPLES_ENV];
  if (given) return isAbsolute(given) ? given : resolve(projectRoot, given);
  return resolve(projectRoot, '..', 'shared', 'trace-samples');
}

/** A catalogue entry with where it is on disk (`file` null when absent). */
export interface LocatedSample extends TraceSampleInfo {
  readonly file: string | null;
  readonly sizeBytes: number | null;
}

/** Every catalogue entry under `root`, present or not, in catalogue order. */
export function locateTraceSamples(root: string = traceSamplesRoot()): LocatedSample[] {
  return TRACE_SAMPLES.map((s) => {
    const file = join(root, s.path);
    const there = existsSync(file) && statSync(file).isFile();
    return { ...s, file: there ? file : null, sizeBytes: there ? statSync(file).size : null };
  });
}
