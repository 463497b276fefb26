import { splitCsvLine } from '../shared/csv-line';

/**
 * Column positions of a rocprofv3 scratch-memory CSV header, found by name, case-insensitively: the column
 * set differs between rocprofiler-sdk versions (`Alloc_Flags` or `Alloc_flags`; `Allocation_Size` present
 * in newer versions only; `Correlation_Id` in some). -1 = column absent.
 */
export interface ScratchColumns {
  readonly kind: number;
  readonly operation: number;
  readonly agent: number;
  readonly queue: number;
  readonly start: number;
  readonly end: number;
  readonly flags: number;
  readonly size: number;
  readonly hasSize: boolean;
}

/** Columns every version writes. */
const REQUIRED = ['kind', 'operation', 'agent_id', 'queue_id', 'start_timestamp', 'end_timestamp'] as const;

/** The header's column positions, or undefined when it is not a scratch-memory header. */
export function columnIndex(cells: readonly string[]): ScratchColumns | undefined {
  const at = new Map<string, number>();
  cells.forEach((c, i) => {
    const k = c.trim().toLowerCase();
    if (!at.has(k)) at.set(k, i);
  });
  if (!REQUIRED.every((c) => at.has(c))) return undefined;
  // the memory-allocation trace has Operation and Agent_Id too, but an Address and no Queue_Id
  if (at.has('address')) return undefined;
  const get = (k: string): number => at.get(k) ?? -1;
  return {
    kind: get('kind'),
    operation: get('operation'),
    agent: get('agent_id'),
    queue: get('queue_id'),
    start: get('start_timestamp'),
    end: get('end_timestamp'),
    flags: get('alloc_flags'),
    size: get('allocation_size'),
    hasSize: at.has('allocation_size'),
  };
}

/** `columnIndex` of a header line (for sniffing), or undefined. */
export function scratchHeader(line: string): ScratchColumns | undefined {
  if (!/kind/i.test(line) || !/queue_id/i.test(line)) return undefined;
  const cells = splitCsvLine(line);
  return cells ? columnIndex(cells) : undefined;
}

/** How to record a scratch-memory trace with sizes (for the "nothing to simulate" message). */
export const SCRATCH_RECORD_COMMAND =
  'record again with a rocprofv3 whose scratch_memory_trace.csv has the Allocation_Size column (newer rocprofiler-sdk releases): rocprofv3 --scratch-memory-trace --output-format csv -- <app>';
