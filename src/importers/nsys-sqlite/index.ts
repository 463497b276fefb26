import { fail } from '../../log/diagnostic';
import { maxOf } from '../../extremes';
import { importerMessages } from '../../log/messages/importers';
import { Access, CPU, Flag, Op } from '../../trace/event';
import type { ImporterDef, ImportContext } from '../types';
import { structural } from '../shared/context';
import { readAllBytes } from '../shared/lines';
import { RowCollector } from '../shared/rows';
import { baseName, headText } from '../shared/sniff';
import { NsysDb } from './db';
import { CHECKED_SCHEMA_MAJOR, FAULT_ACCESS, MEMCPY_OPER, MEM_KIND, MEM_KIND_UNKNOWN, MIGRATION_CAUSE, UM_COPY_KINDS } from './enums';

export type NsysSqliteOptions = { runtimeMarkers: boolean };

/** Largest export read (sql.js holds the database in memory). */
export const MAX_SQLITE_BYTES = 1536 * 1024 * 1024;
const PAGE = 4096;
/** Runtime API calls emitted as markers with `runtimeMarkers` (hints whose arguments nsys does not record). */
const MARKER_APIS = /^(cudaMemPrefetchAsync|cudaMemAdvise|cudaMallocManaged|cuMemPrefetchAsync|cuMemAdvise|cuMemAllocManaged)/;

/** Output version of this importer (bump when the events for the same input change). */
const IMPORTER_VERSION = 2;

/**
 * Nsight Systems SQLite export (`nsys export --type sqlite`), docs/trace-formats.md D, read with sql.js. Unified
 * Memory CPU faults → `access` (cpu, 4 KiB, `r`, `from_fault`); GPU fault groups → one `access` per row with
 * `count` = numberOfPageFaults (`from_fault`); memory-usage alloc/free → `alloc`/`free`; memcpy → `copy`,
 * except UM migrations (copyKind 11–13), which are outcomes and go to observations with their cause.
 */
export const nsysSqliteImporter = {
  name: 'nsys-sqlite' as const,
  summary: 'Nsight Systems SQLite export: UM CPU/GPU page faults, UM migrations (observations), memory usage alloc/free, memcpy',
  version: IMPORTER_VERSION,
  defaults: { runtimeMarkers: true },
  options: { runtimeMarkers: { summary: 'emit markers for cudaMemPrefetchAsync / cudaMemAdvise / cudaMallocManaged runtime calls (nsys records no arguments)' } },
  sniff(head, fileName) {
    // a .nsys-rep/.qdrep report is proprietary: claimed only so that read() can explain the export step
    return headText(head, 16) === 'SQLite format 3\u0000' || /\.(nsys-rep|qdrep)$/i.test(fileName);
  },
  async *read(input, opts, ctx) {
    if (headText(input.head, 16) !== 'SQLite format 3\u0000' && /\.(nsys-rep|qdrep)$/i.test(input.path)) {
      fail(importerMessages.needsConversion({ file: ctx.file, offset: 0 }, 'an Nsight Systems report (.nsys-rep)', `nsys export --type sqlite --output report.sqlite ${baseName(input.path)}`));
    }
    ctx.meta.importer = `nsys-sqlite@${IMPORTER_VERSION}`;
    ctx.meta.source = baseName(input.path);
    const bytes = await readAllBytes(input.chunks(), ctx.file, MAX_SQLITE_BYTES);
    const db = await NsysDb.open(bytes, ctx.file, ctx.signal !== undefined ? { signal: ctx.signal } : {});
    try {
      checkSchema(db, ctx);
      await devices(db, ctx);
      const rows = new RowCollector(ctx.strings);
      await cpuFaults(db, rows, ctx);
      await gpuFaults(db, rows, ctx);
      await memcpys(db, rows, ctx);
      await memoryUsage(db, rows, ctx);
      await pools(db, ctx);
      if (opts.runtimeMarkers) await runtimeMarkers(db, rows);
      if (rows.length === 0) ctx.log.add(importerMessages.noMemoryEvents({ file: ctx.file }, 'UM faults, memory usage or memcpy rows (profile with --cuda-um-gpu-page-faults=true --cuda-um-cpu-page-faults=true --cuda-memory-usage=true)'));
      yield* rows.sorted();
    } finally {
      db.close();
    }
  },
} satisfies ImporterDef<NsysSqliteOptions>;

/**
 * Export metadata table: `META_DATA_EXPORT` in newer exports (seen from Nsight Systems 2023.3, schema 3.4.0),
 * `EXPORT_META_DATA` up to 2023.1 (schema 2.9.1 – 3.1.2); same name/value columns.
 */
const META_TABLES = ['META_DATA_EXPORT', 'EXPORT_META_DATA'] as const;

function checkSchema(db: NsysDb, ctx: ImportContext): void {
  const meta = META_TABLES.find((t) => db.has(t));
  if (!meta && !db.has('StringIds') && !db.has('TARGET_INFO_GPU') && !db.has('CUPTI_ACTIVITY_KIND_MEMCPY')) {
    fail(importerMessages.notThisFormat({ file: ctx.file, field: 'sqlite_master' }, 'Nsight Systems export', 'nsys tables (StringIds, META_DATA_EXPORT or EXPORT_META_DATA, CUDA_…, CUPTI_…)', 'none of them'));
  }
  let version = '';
  let product = '';
  const cols = meta ? db.columns(meta) : new Set<string>();
  if (meta && cols.has('name') && cols.has('value')) {
    for (const [name, value] of db.select(meta, ['name', 'value'], "name IN ('EXPORT_SCHEMA_VERSION', 'EXPORT_PRODUCT_VERSION')")) {
      if (name === 'EXPORT_SCHEMA_VERSION') version = String(value);
      else if (name === 'EXPORT_PRODUCT_VERSION') product = String(value).slice(0, 64);
    }
  }
  ctx.meta.nsys_export_schema = version || 'unknown';
  // the Nsight Systems release that exported the file (e.g. 2024.2.3.38), where it says
  if (product) ctx.meta.nsys_version = product;
  const major = Number(version.split('.')[0]);
  if (!CHECKED_SCHEMA_MAJOR.includes(major)) ctx.log.add(importerMessages.schemaVersion({ file: ctx.file, field: `${meta ?? META_TABLES[0]}.EXPORT_SCHEMA_VERSION` }, version || 'none', `${CHECKED_SCHEMA_MAJOR.join('/')}.x`));
}

/** A CUDA device number as trace rows use it (`agentOf`): an integer in [0, 65000), else undefined. */
function ordinal(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 65000 ? v : undefined;
}

/** One TARGET_INFO_GPU row kept as a CUDA device. */
type Gpu = { id: number; name: string; label: string; totalMemory: unknown; cuDevice: unknown };
/** "GPU `gpu` is CUDA device `cuda`" (in process `pid`, from TARGET_INFO_CUDA_DEVICE). */
type Link = { gpu: number; cuda: number; pid?: number };

/**
 * Metadata `devices` and `capacity_bytes.devN`, keyed by the CUDA device number that trace rows carry
 * (`deviceId`, the CUDA ordinal) rather than by nsys's own GPU id (`TARGET_INFO_GPU.id`), which need not
 * agree (an 8-GPU export has id 0 = cuDevice 2). The number comes from TARGET_INFO_CUDA_DEVICE (gpuId →
 * cudaId per process) when present, else from TARGET_INFO_GPU.cuDevice, else from id; a number mapped to
 * more than one GPU, or a GPU mapped to more than one number, is left out (`importer.ambiguous-devices`).
 * Position N of `devices` is devN; a number without a known GPU is named `gpu<N>`. Display adapters that
 * are not CUDA devices (Windows lists them with smCount 0 and totalMemory 0) are left out.
 */
async function devices(db: NsysDb, ctx: ImportContext): Promise<void> {
  const T = 'TARGET_INFO_GPU';
  if (!db.has(T)) return;
  const mapped = await cudaDeviceLinks(db);
  const named = new Set(mapped.map((l) => l.gpu));
  const gpus: Gpu[] = [];
  const adapters: { label: string; why: string }[] = [];
  let k = 0;
  for await (const r of db.rows(T, ['id', 'name', 'totalMemory', 'smCount', 'cuDevice'], 'id')) {
    const id = ordinal(r.id) ?? k;
    k++;
    const name = typeof r.name === 'string' ? r.name : '';
    const label = name ? `'${name}' (id ${id})` : `id ${id}`;
    // nsys writes 0 for what it did not measure: a recorded 0 SMs or 0 bytes is not a CUDA device,
    // unless TARGET_INFO_CUDA_DEVICE names it as one
    const zero = (['smCount', 'totalMemory'] as const).filter((c) => typeof r[c] === 'number' && !((r[c] as number) > 0));
    if (zero.length && !named.has(id)) {
      adapters.push({ label, why: zero.map((c) => `${c} ${String(r[c])}`).join(', ') });
      continue;
    }
    gpus.push({ id, name, label, totalMemory: r.totalMemory, cuDevice: r.cuDevice });
  }
  if (adapters.length) {
    ctx.log.add(importerMessages.nonCudaAdapters({ file: ctx.file, field: T }, adapters.map((a) => a.label).join(', '), adapters.map((a) => `${a.label}: ${a.why}`).join('; ')));
  }

  let links: Link[];
  let names: { table: string; gpu: string; cuda: string };
  if (mapped.length) {
    links = mapped;
    names = { table: 'TARGET_INFO_CUDA_DEVICE', gpu: 'gpuId', cuda: 'cudaId' };
  } else if (gpus.length && gpus.every((g) => ordinal(g.cuDevice) !== undefined)) {
    links = gpus.map((g) => ({ gpu: g.id, cuda: g.cuDevice as number }));
    names = { table: T, gpu: 'id', cuda: 'cuDevice' };
  } else {
    links = gpus.map((g) => ({ gpu: g.id, cuda: g.id }));
    names = { table: T, gpu: 'id', cuda: 'id' };
  }

  const rowsOf = new Map<number, Gpu[]>();
  for (const g of gpus) {
    const same = rowsOf.get(g.id);
    if (same) same.push(g);
    else rowsOf.set(g.id, [g]);
  }
  const gpusOf = group(links, (l) => l.cuda, (l) => l.gpu);
  const cudasOf = group(links, (l) => l.gpu, (l) => l.cuda);
  const conflicts: string[] = [];
  const unclear = new Set<number>();
  const pids = (l: readonly Link[]) => {
    const p = [...new Set(l.flatMap((x) => (x.pid === undefined ? [] : [x.pid])))].sort((a, b) => a - b);
    return p.length ? ` (pid ${p.join(', ')})` : '';
  };
  for (const [cuda, byGpu] of sorted(gpusOf)) {
    if (byGpu.size < 2) continue;
    unclear.add(cuda);
    conflicts.push(`${names.cuda} ${cuda}: ${sorted(byGpu).map(([gpu, l]) => `${names.gpu} ${gpu}${pids(l)}`).join(', ')}`);
  }
  for (const [gpu, byCuda] of sorted(cudasOf)) {
    if (byCuda.size < 2) continue;
    for (const cuda of byCuda.keys()) unclear.add(cuda);
    conflicts.push(`${names.gpu} ${gpu}: ${sorted(byCuda).map(([cuda, l]) => `${names.cuda} ${cuda}${pids(l)}`).join(', ')}`);
  }
  for (const [gpu, rows] of sorted(rowsOf)) {
    if (rows.length < 2) continue;
    for (const cuda of cudasOf.get(gpu)?.keys() ?? []) unclear.add(cuda);
    conflicts.push(`${T}.id ${gpu}: ${rows.length} rows`);
  }
  if (conflicts.length) {
    const ordinals = [...unclear].sort((a, b) => a - b).join(', ');
    ctx.log.add(importerMessages.ambiguousDevices({ file: ctx.file, field: names.table }, ordinals, `each ${names.cuda} with one ${names.gpu} and each ${names.gpu} with one ${names.cuda}`, conflicts.join('; ')));
  }

  const byCuda = new Map<number, Gpu | undefined>();
  for (const [cuda, byGpu] of gpusOf) byCuda.set(cuda, unclear.has(cuda) ? undefined : rowsOf.get([...byGpu.keys()][0]!)?.[0]);
  const unused = gpus.filter((g) => !cudasOf.has(g.id));
  if (unused.length) {
    ctx.log.add(importerMessages.ignoredRecord({ file: ctx.file, field: T }, `${unused.map((g) => g.label).join(', ')}: no CUDA device of a traced process (${names.table})`));
  }
  const last = maxOf([...byCuda.keys()], -1);
  const list: string[] = [];
  for (let n = 0; n <= last; n++) {
    const g = byCuda.get(n);
    list.push(g?.name || `gpu${n}`);
    if (g && typeof g.totalMemory === 'number') ctx.meta[`capacity_bytes.dev${n}`] = String(g.totalMemory);
  }
  ctx.meta.devices = list.join(',');
}

/** TARGET_INFO_CUDA_DEVICE (newer exports): which nsys GPU id is which CUDA device number in each process. */
async function cudaDeviceLinks(db: NsysDb): Promise<Link[]> {
  const T = 'TARGET_INFO_CUDA_DEVICE';
  const cols = db.columns(T);
  if (!cols.has('gpuId') || !cols.has('cudaId')) return [];
  const links: Link[] = [];
  for await (const r of db.rows(T, ['gpuId', 'cudaId', 'pid'], 'gpuId')) {
    const gpu = ordinal(r.gpuId);
    const cuda = ordinal(r.cudaId);
    if (gpu === undefined || cuda === undefined) continue;
    links.push(typeof r.pid === 'number' ? { gpu, cuda, pid: r.pid } : { gpu, cuda });
  }
  return links;
}

/** Entries of `m` by ascending key. */
function sorted<V>(m: ReadonlyMap<number, V>): [number, V][] {
  return [...m].sort((a, b) => a[0] - b[0]);
}

/** `items` grouped by `key`, then by `sub` (insertion order kept). */
function group<T>(items: readonly T[], key: (x: T) => number, sub: (x: T) => number): Map<number, Map<number, T[]>> {
  const out = new Map<number, Map<number, T[]>>();
  for (const x of items) {
    let m = out.get(key(x));
    if (!m) out.set(key(x), (m = new Map()));
    const same = m.get(sub(x));
    if (same) same.push(x);
    else m.set(sub(x), [x]);
  }
  return out;
}

/** A time or address column as an exact non-negative integer, or a structural problem. */
function int(v: unknown, ctx: ImportContext, table: string, field: string): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 2 ** 53) return v;
  structural(ctx, importerMessages.badField({ file: ctx.file, field: `${table}.${field}` }, 'an integer >= 0 and < 2^53', String(v)));
  return undefined;
}

function agentOf(deviceId: unknown): number {
  return (ordinal(deviceId) ?? 0) + 1;
}

async function cpuFaults(db: NsysDb, rows: RowCollector, ctx: ImportContext): Promise<void> {
  const T = 'CUDA_UM_CPU_PAGE_FAULT_EVENTS';
  const b = rows.builder;
  for await (const r of db.rows(T, ['start', 'address', 'globalPid', 'CpuInstruction', 'module', 'originalFaultPc'])) {
    const t = int(r.start, ctx, T, 'start');
    const va = int(r.address, ctx, T, 'address');
    if (t === undefined || va === undefined) continue;
    const i = b.addRow(Op.access, t, CPU, Math.floor(va / PAGE) * PAGE, PAGE);
    b.cols.access[i] = Access.r; // nsys does not record the CPU access type
    b.cols.flags[i] = Flag.from_fault;
    rows.flush();
    ctx.observe('cpu_fault', { tNs: t, address: va, module: db.string(r.module), instruction: db.string(r.CpuInstruction) });
  }
}

async function gpuFaults(db: NsysDb, rows: RowCollector, ctx: ImportContext): Promise<void> {
  const T = 'CUDA_UM_GPU_PAGE_FAULT_EVENTS';
  const access = db.enumNames('ENUM_CUDA_UNIF_MEM_ACCESS_TYPE', FAULT_ACCESS);
  const b = rows.builder;
  for await (const r of db.rows(T, ['start', 'end', 'deviceId', 'address', 'numberOfPageFaults', 'faultAccessType'])) {
    const t = int(r.start, ctx, T, 'start');
    const va = int(r.address, ctx, T, 'address');
    const n = r.numberOfPageFaults === undefined || r.numberOfPageFaults === null ? 1 : int(r.numberOfPageFaults, ctx, T, 'numberOfPageFaults');
    if (t === undefined || va === undefined || n === undefined) continue;
    const code = Number(r.faultAccessType);
    const kind = FAULT_ACCESS[code] ?? 'unknown';
    const i = b.addRow(Op.access, t, agentOf(r.deviceId), Math.floor(va / PAGE) * PAGE, PAGE);
    // by the documented ids (2 write, 3 atomic; read, prefetch and unknown count as reads)
    b.cols.access[i] = code === 2 ? Access.w : code === 3 ? Access.atomic : Access.r;
    b.cols.count[i] = Math.max(1, Math.min(n, 0xffffffff));
    b.cols.flags[i] = Flag.from_fault;
    rows.flush();
    const end = typeof r.end === 'number' ? r.end : t;
    ctx.observe('gpu_fault_group', { tNs: t, durNs: end - t, device: `dev${agentOf(r.deviceId) - 1}`, address: va, faults: n, access: kind, accessName: access[code] ?? '' });
  }
}

async function memcpys(db: NsysDb, rows: RowCollector, ctx: ImportContext): Promise<void> {
  const T = 'CUPTI_ACTIVITY_KIND_MEMCPY';
  const kinds = db.enumNames('ENUM_CUDA_MEMCPY_OPER', MEMCPY_OPER);
  const causes = db.enumNames('ENUM_CUDA_UNIF_MEM_MIGRATION', MIGRATION_CAUSE);
  const b = rows.builder;
  for await (const r of db.rows(T, ['start', 'end', 'deviceId', 'bytes', 'copyKind', 'srcDeviceId', 'dstDeviceId', 'migrationCause', 'virtualAddress'])) {
    const t = int(r.start, ctx, T, 'start');
    const bytes = int(r.bytes, ctx, T, 'bytes');
    if (t === undefined || bytes === undefined) continue;
    const kind = Number(r.copyKind);
    const end = typeof r.end === 'number' ? r.end : t;
    if (UM_COPY_KINDS.has(kind)) {
      ctx.observe('um_migration', {
        tNs: t, durNs: end - t, bytes, kind: MEMCPY_OPER[kind] ?? String(kind), cause: MIGRATION_CAUSE[Number(r.migrationCause)] ?? 'unknown',
        exportCause: causes[Number(r.migrationCause)] ?? '',
        address: typeof r.virtualAddress === 'number' ? r.virtualAddress : '', device: `dev${agentOf(r.deviceId) - 1}`,
      });
      continue;
    }
    const name = MEMCPY_OPER[kind] ?? 'unknown';
    const dev = agentOf(r.deviceId);
    const src = name.startsWith('H') ? CPU : name === 'PtoP' ? agentOf(r.srcDeviceId ?? r.deviceId) : dev;
    const dst = name.endsWith('H') ? CPU : name === 'PtoP' ? agentOf(r.dstDeviceId ?? r.deviceId) : dev;
    const i = b.addRow(Op.copy, t, src, NaN, bytes > 0 ? bytes : NaN);
    b.cols.target[i] = dst;
    if (!(bytes > 0)) b.cols.flags[i] = Flag.size_unknown;
    rows.flush();
    ctx.observe('copy', { tNs: t, durNs: end - t, bytes, kind: name, exportKind: kinds[kind] ?? '' });
  }
}

/**
 * Memory-usage rows: op 0 → `alloc`, op 1 → `free` of that address. An allocation of unknown kind (memKind 7,
 * `CUDA_MEMOPR_MEMORY_KIND_UNKNOWN`, or an undocumented value) is imported as device memory and counted in
 * one `importer.unknown-memory-kind` warning located at the first such row (`row N` in `start` order, as
 * `NsysDb.rows` numbers them).
 */
async function memoryUsage(db: NsysDb, rows: RowCollector, ctx: ImportContext): Promise<void> {
  const T = 'CUDA_GPU_MEMORY_USAGE_EVENTS';
  const live = new Map<number, { agent: number; bytes: number }>();
  const b = rows.builder;
  const unknown = { rows: 0, firstRow: 0, kinds: new Set<string>() };
  let row = 0;
  for await (const r of db.rows(T, ['start', 'deviceId', 'address', 'bytes', 'memKind', 'memoryOperationType', 'name'])) {
    row++;
    const t = int(r.start, ctx, T, 'start');
    const va = int(r.address, ctx, T, 'address');
    if (t === undefined || va === undefined) continue;
    const op = Number(r.memoryOperationType);
    if (op === 0) {
      const bytes = int(r.bytes, ctx, T, 'bytes');
      if (bytes === undefined || bytes === 0) continue;
      // by the documented ids: 4/6 managed, 1 pinned, 0 pageable, others (device, array, static; unknown) device
      const mk = Number(r.memKind);
      const kind = mk === 4 || mk === 6 ? Flag.managed : mk === 1 ? Flag.pinned_host : mk === 0 ? Flag.host : Flag.device;
      if (mk === MEM_KIND_UNKNOWN || MEM_KIND[mk] === undefined) {
        if (unknown.rows++ === 0) unknown.firstRow = row;
        unknown.kinds.add(String(r.memKind));
      }
      const agent = kind === Flag.host || kind === Flag.pinned_host ? CPU : agentOf(r.deviceId);
      live.set(va, { agent, bytes });
      const i = b.addRow(Op.alloc, t, agent, va, bytes);
      b.cols.flags[i] = kind;
      ctx.observe('memory_usage', { tNs: t, address: va, bytes, memKind: MEM_KIND[mk] ?? String(mk) });
      const label = typeof r.name === 'number' ? db.string(r.name) : typeof r.name === 'string' ? r.name : '';
      if (label) b.cols.label[i] = ctx.strings.intern(label);
    } else if (op === 1) {
      const a = live.get(va);
      if (!a) {
        ctx.log.add(importerMessages.ignoredRecord({ file: ctx.file, field: T }, `free of 0x${va.toString(16)}, which was not allocated in this trace`));
        continue;
      }
      live.delete(va);
      b.addRow(Op.free, t, a.agent, va, a.bytes);
    } else continue;
    rows.flush();
  }
  if (unknown.rows) {
    const names = db.enumNames('ENUM_CUDA_MEM_KIND', { [MEM_KIND_UNKNOWN]: 'CUDA_MEMOPR_MEMORY_KIND_UNKNOWN' });
    const found = [...unknown.kinds].sort().map((k) => `memKind ${k}${names[Number(k)] ? ` (${names[Number(k)]})` : ''}`).join(', ');
    ctx.log.add(importerMessages.unknownMemoryKind({ file: ctx.file, field: `${T}.memKind (row ${unknown.firstRow})` }, unknown.rows, found));
  }
}

/** Memory-pool events: their operation enum has not been checked against a real export, so observations only. */
async function pools(db: NsysDb, ctx: ImportContext): Promise<void> {
  const T = 'CUDA_GPU_MEMORY_POOL_EVENTS';
  const cols = [...db.columns(T)];
  if (!cols.length) return;
  let n = 0;
  for await (const r of db.rows(T, cols)) {
    const row: Record<string, number | string> = {};
    for (const c of cols) row[c] = typeof r[c] === 'number' || typeof r[c] === 'string' ? (r[c] as number | string) : '';
    ctx.observe('memory_pool', row);
    n++;
  }
  if (n) ctx.log.add(importerMessages.ignoredRecord({ file: ctx.file, field: T }, `${n} memory-pool event(s): kept as observations (memory_pool), not events`));
}

async function runtimeMarkers(db: NsysDb, rows: RowCollector): Promise<void> {
  const T = 'CUPTI_ACTIVITY_KIND_RUNTIME';
  if (!db.has(T)) return;
  const b = rows.builder;
  for await (const r of db.rows(T, ['start', 'nameId'])) {
    const name = db.string(r.nameId);
    if (!MARKER_APIS.test(name) || typeof r.start !== 'number') continue;
    const i = b.addRow(Op.marker, r.start, CPU, NaN, NaN);
    b.cols.label[i] = b.strings.intern(name.replace(/_v\d+$/, ''));
    rows.flush();
  }
}
