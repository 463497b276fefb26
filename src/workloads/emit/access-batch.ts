import type { EventBatch } from '../../trace/batch';
import { NO_AGENT, Op } from '../../trace/event';
import type { StringTable } from '../../trace/strings';

/**
 * A batch of `n` device-0 `access` rows for generators that fill columns in bulk (synthetic-access, page-mix):
 * `tNs` and `va` zero for the caller to fill, `bytes` and `access` preset (a caller may overwrite them per
 * batch), `count` 1, every optional column "not given". Refill it and yield `batchHead` for the last rows.
 */
export function deviceAccessBatch(n: number, strings: StringTable, bytes = 0, access = 0): EventBatch {
  return {
    length: n,
    op: new Uint8Array(n).fill(Op.access),
    agent: new Uint16Array(n).fill(DEV0),
    target: new Uint16Array(n).fill(NO_AGENT),
    tNs: new Float64Array(n),
    va: new Float64Array(n),
    bytes: new Float64Array(n).fill(bytes),
    offsetBytes: new Float64Array(n).fill(NaN),
    pageBytes: new Float64Array(n).fill(NaN),
    durNs: new Float64Array(n).fill(NaN),
    access: new Uint8Array(n).fill(access),
    code: new Uint8Array(n),
    flags: new Uint32Array(n),
    count: new Uint32Array(n).fill(1),
    resource: new Uint32Array(n),
    label: new Uint32Array(n),
    strings,
  };
}

/** Agent number of `dev0` (agentFromName: cpu → 0, devN → N+1). */
const DEV0 = 1;
