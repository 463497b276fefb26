/**
 * A file that one importer reads but that another tool wrote in that importer's container format (a Chrome trace
 * JSON from rocprof rather than Kineto): the importer names the producer in the metadata key `producer`, so that
 * "nothing to simulate" can tell the user how to record with the tool they actually used (import-file.ts).
 */
export const PRODUCER_KEY = 'producer';

/** rocprof v1/v2 Chrome JSON (`--hip-trace`, `--sys-trace`): HIP API calls and copies, no memory events. */
export const ROCPROF_CHROME = 'rocprof-chrome';

/** How to record what gmemlab needs, by producer (instead of the format's own hint). */
export const PRODUCER_RECORD_HINTS: Readonly<Record<string, string>> = {
  [ROCPROF_CHROME]:
    'this Chrome trace was written by rocprof v1/v2 (HIP API calls and copies, no memory events); record allocations with rocprofv3 --memory-allocation-trace --output-format csv -- <app> and import the memory_allocation_trace.csv (rocprofv3-csv)',
};
