/**
 * Nsight Systems export enumerations (nsys 2024.2, docs/trace-formats.md D). The export's own `ENUM_*` tables
 * are preferred when present; these are the fallback and the documentation.
 */
export const MEMCPY_OPER: Readonly<Record<number, string>> = {
  0: 'unknown', 1: 'HtoD', 2: 'DtoH', 3: 'HtoA', 4: 'AtoH', 5: 'AtoA', 6: 'AtoD', 7: 'DtoA', 8: 'DtoD', 9: 'HtoH',
  10: 'PtoP', 11: 'UVM_HTOD', 12: 'UVM_DTOH', 13: 'UVM_DTOD',
};
/** copyKind values that are Unified Memory migrations (observations, not copies). */
export const UM_COPY_KINDS: ReadonlySet<number> = new Set([11, 12, 13]);
export const MIGRATION_CAUSE: Readonly<Record<number, string>> = {
  0: 'unknown', 1: 'user', 2: 'coherence', 3: 'prefetch', 4: 'eviction', 5: 'access_counters',
};
export const FAULT_ACCESS: Readonly<Record<number, string>> = { 0: 'unknown', 1: 'read', 2: 'write', 3: 'atomic', 4: 'prefetch' };
export const MEM_KIND: Readonly<Record<number, string>> = {
  0: 'pageable', 1: 'pinned', 2: 'device', 3: 'array', 4: 'managed', 5: 'device_static', 6: 'managed_static', 7: 'unknown',
};
/** memKind of an allocation whose kind the export does not know (`CUDA_MEMOPR_MEMORY_KIND_UNKNOWN`). */
export const MEM_KIND_UNKNOWN = 7;
/** Export schema versions this importer was written against (major version). */
export const CHECKED_SCHEMA_MAJOR = [3];
