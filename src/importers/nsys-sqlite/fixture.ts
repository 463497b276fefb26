import { writeFileAtomic } from '../../io/atomic';
import { loadSqlJs } from './db';

/** A TARGET_INFO_GPU row of the fixture; `cuDevice` (the CUDA device number) adds that column when any row has it. */
export interface NsysFixtureGpu {
  readonly id: number;
  readonly name: string;
  readonly totalMemory: number;
  readonly busLocation: string;
  readonly smCount: number;
  readonly cuDevice?: number;
}

export interface NsysFixtureOptions {
  /** EXPORT_SCHEMA_VERSION (default 3.11.1). */
  readonly schema?: string;
  /** Tables left out. */
  readonly omit?: readonly string[];
  /** Name of the metadata table: META_DATA_EXPORT (default, nsys ≥ 2023.3) or EXPORT_META_DATA (nsys ≤ 2023.1). */
  readonly metaTable?: 'META_DATA_EXPORT' | 'EXPORT_META_DATA';
  /** TARGET_INFO_GPU rows (default: one A100, id 0, without a cuDevice column). */
  readonly gpus?: readonly NsysFixtureGpu[];
  /** TARGET_INFO_CUDA_DEVICE rows [gpuId, cudaId, pid] (newer exports); the table is absent unless given. */
  readonly cudaDevices?: readonly (readonly [number | null, number, number])[];
  /**
   * CUDA_GPU_MEMORY_USAGE_EVENTS rows [start, address, bytes, memKind, memoryOperationType] on device 0, after
   * the default managed alloc/free pair.
   */
  readonly memoryUsage?: readonly (readonly [number, number, number, number, number])[];
}

const A100: NsysFixtureGpu = { id: 0, name: 'NVIDIA A100-PCIE-40GB', totalMemory: 42505273344, busLocation: '0000:3b:00.0', smCount: 108 };

/**
 * Builds, at test time (and for the fuzz runner), a small Nsight Systems SQLite export with the tables, columns and enum values of
 * docs/trace-formats.md D (no public nsys export has a usable licence): one CPU fault, two GPU fault groups, one
 * UM migration per copyKind 11/12, an HtoD memcpy, one managed alloc/free pair, a prefetch runtime call.
 */
export async function writeNsysFixture(path: string, opts: NsysFixtureOptions = {}): Promise<void> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  const omit = new Set(opts.omit ?? []);
  const table = (name: string, ddl: string, rows: unknown[][]): void => {
    if (omit.has(name)) return;
    db.run(`CREATE TABLE ${name} (${ddl})`);
    const n = ddl.split(',').length;
    const stmt = db.prepare(`INSERT INTO ${name} VALUES (${new Array(n).fill('?').join(',')})`);
    for (const r of rows) stmt.run(r as never);
    stmt.free();
  };
  table('StringIds', 'id INTEGER PRIMARY KEY, value TEXT NOT NULL', [[1, 'cudaMemPrefetchAsync_v8000'], [2, 'libapp.so'], [3, 'mov'], [4, 'cudaLaunchKernel_v7000'], [5, 'weights']]);
  table(opts.metaTable ?? 'META_DATA_EXPORT', 'name TEXT, value TEXT', [['EXPORT_PRODUCT_VERSION', '2024.2.3.38'], ['EXPORT_SCHEMA_VERSION', opts.schema ?? '3.11.1'], ['EXPORT_SCHEMA_NAME', 'nsys']]);
  table('META_DATA_CAPTURE', 'name TEXT, value TEXT', [['USER_NAME', 'someone'], ['HOST_NAME', 'somewhere']]);
  table('ENUM_CUDA_MEMCPY_OPER', 'id INTEGER PRIMARY KEY, name TEXT, label TEXT', [[1, 'CUDA_MEMCPY_OPER_HTOD', 'HtoD'], [11, 'CUDA_MEMCPY_OPER_UVM_HTOD', 'UVM HtoD'], [12, 'CUDA_MEMCPY_OPER_UVM_DTOH', 'UVM DtoH']]);
  table('ENUM_CUDA_UNIF_MEM_MIGRATION', 'id INTEGER PRIMARY KEY, name TEXT, label TEXT', [[0, 'UNKNOWN', 'Unknown'], [2, 'COHERENCE', 'Coherence'], [4, 'EVICTION', 'Eviction']]);
  table('ENUM_CUDA_UNIF_MEM_ACCESS_TYPE', 'id INTEGER PRIMARY KEY, name TEXT, label TEXT', [[1, 'READ', 'Read'], [2, 'WRITE', 'Write']]);
  table('ENUM_CUDA_MEM_KIND', 'id INTEGER PRIMARY KEY, name TEXT, label TEXT', [[2, 'DEVICE', 'Device'], [4, 'MANAGED', 'Managed'], [7, 'CUDA_MEMOPR_MEMORY_KIND_UNKNOWN', 'Unknown']]);
  const gpus = opts.gpus ?? [A100];
  const cuDevice = gpus.some((g) => g.cuDevice !== undefined);
  table('TARGET_INFO_GPU', `id INTEGER, name TEXT, totalMemory INTEGER, busLocation TEXT, smCount INTEGER${cuDevice ? ', cuDevice INTEGER' : ''}`, gpus.map((g) => {
    const row: unknown[] = [g.id, g.name, g.totalMemory, g.busLocation, g.smCount];
    return cuDevice ? [...row, g.cuDevice ?? null] : row;
  }));
  if (opts.cudaDevices) table('TARGET_INFO_CUDA_DEVICE', 'gpuId INTEGER, cudaId INTEGER, pid INTEGER', opts.cudaDevices.map((r) => [...r]));
  table('CUDA_UM_CPU_PAGE_FAULT_EVENTS', 'start INTEGER, globalPid INTEGER, address INTEGER, originalFaultPc INTEGER, CpuInstruction INTEGER, module INTEGER, unresolvedFaultPc INTEGER', [
    [1000, 77, 0x7f0000001234, 0x401000, 3, 2, 0],
  ]);
  table('CUDA_UM_GPU_PAGE_FAULT_EVENTS', 'start INTEGER, end INTEGER, globalPid INTEGER, deviceId INTEGER, address INTEGER, numberOfPageFaults INTEGER, faultAccessType INTEGER', [
    [2000, 2500, 77, 0, 0x7f0000200000, 17, 1],
    [3000, 3100, 77, 0, 0x7f0000400000, 3, 2],
  ]);
  table('CUPTI_ACTIVITY_KIND_MEMCPY', 'start INTEGER, end INTEGER, deviceId INTEGER, contextId INTEGER, streamId INTEGER, correlationId INTEGER, globalPid INTEGER, bytes INTEGER, copyKind INTEGER, srcKind INTEGER, dstKind INTEGER, srcDeviceId INTEGER, dstDeviceId INTEGER, migrationCause INTEGER, graphNodeId INTEGER, virtualAddress INTEGER', [
    [1500, 1600, 0, 1, 7, 10, 77, 65536, 11, 4, 4, 0, 0, 2, null, 0x7f0000200000],
    [4000, 4100, 0, 1, 7, 11, 77, 4096, 12, 4, 4, 0, 0, 4, null, 0x7f0000400000],
    [5000, 5200, 0, 1, 7, 12, 77, 1048576, 1, 0, 2, 0, 0, null, null, null],
  ]);
  table('CUDA_GPU_MEMORY_USAGE_EVENTS', 'start INTEGER, globalPid INTEGER, deviceId INTEGER, contextId INTEGER, address INTEGER, pc INTEGER, bytes INTEGER, memKind INTEGER, memoryOperationType INTEGER, name INTEGER, correlationId INTEGER', [
    [500, 77, 0, 1, 0x7f0000000000, 0x401100, 8388608, 4, 0, 5, 1],
    [6000, 77, 0, 1, 0x7f0000000000, 0x401200, 8388608, 4, 1, null, 2],
    ...(opts.memoryUsage ?? []).map(([start, address, bytes, memKind, op], k) => [start, 77, 0, 1, address, 0x401300, bytes, memKind, op, null, 3 + k]),
  ]);
  table('CUPTI_ACTIVITY_KIND_RUNTIME', 'start INTEGER, end INTEGER, nameId INTEGER, correlationId INTEGER, globalTid INTEGER', [
    [1200, 1300, 1, 20, 770001],
    [1250, 1260, 4, 21, 770001],
  ]);
  writeFileAtomic(path, db.export());
  db.close();
}
