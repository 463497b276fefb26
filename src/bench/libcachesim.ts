/**
 * libCacheSim beside the simulators (issue 15: "≈ 1.2–1.6× libCacheSim's LRU, which will be measured beside
 * it"). The project neither ships nor builds libCacheSim; `npm run bench -- systems` runs a `cachesim` binary
 * the user built (github.com/1a1a11a/libCacheSim, `cmake -DCMAKE_BUILD_TYPE=Release .. && make cachesim`) when
 * `GMEMLAB_BENCH_LIBCACHESIM` names it, on the same page-mix trace, at the same capacities, in the same run.
 *
 * The trace goes to it in its `oracleGeneral` binary format (libCacheSim/traceReader/customizedReader/oracle/
 * oracleGeneralBin.h: packed little-endian records of 24 bytes — uint32 clock_time, uint64 obj_id, uint32
 * obj_size, int64 next_access_vtime, −1 when unknown), the format the measurement used; each access is
 * one object of 4 KiB, so a cache of `frames × 4096` bytes holds `frames` pages. Its CPU time is the child's
 * user + system time as the shell's `times` builtin reports it after the child ended (POSIX; no GNU time needed).
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';

/** Bytes per oracleGeneral record. */
export const ORACLE_GENERAL_RECORD_BYTES = 24;
const PAGE = 4096;
/** Records per write (~12 MB): the file is written in slices, never held whole. */
const RECORDS_PER_WRITE = 1 << 19;

/**
 * Records `[from, from + n)` of the trace of page numbers `pages` as oracleGeneral bytes: clock_time = access
 * index + 1, obj_id = page number, obj_size = 4096, next_access_vtime = −1 (unknown: LRU does not read it).
 */
export function oracleGeneralRecords(pages: Int32Array, from: number, n: number): Buffer {
  const buf = Buffer.alloc(n * ORACLE_GENERAL_RECORD_BYTES);
  for (let k = 0; k < n; k++) {
    const o = k * ORACLE_GENERAL_RECORD_BYTES;
    const i = from + k;
    buf.writeUInt32LE((i + 1) >>> 0, o);
    // obj_id: a page number is below 2^31, so the high word is 0
    buf.writeUInt32LE(pages[i]! >>> 0, o + 4);
    buf.writeUInt32LE(0, o + 8);
    buf.writeUInt32LE(PAGE, o + 12);
    buf.writeInt32LE(-1, o + 16);
    buf.writeInt32LE(-1, o + 20);
  }
  return buf;
}

/** Write the page trace `pages` to `path` as an oracleGeneral binary trace. */
export async function writeOracleGeneral(pages: Int32Array, path: string): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < pages.length; i += RECORDS_PER_WRITE) {
    const n = Math.min(RECORDS_PER_WRITE, pages.length - i);
    if (!out.write(oracleGeneralRecords(pages, i, n))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

/** What one `cachesim` run printed and cost. */
export interface CachesimRun {
  /** Requests it reports having simulated. */
  readonly requests: number;
  /** Its miss ratio as printed (4 decimals). */
  readonly missRatio: number;
  /** User + system CPU time of the child, in seconds. */
  readonly cpuS: number;
}

/**
 * The result line cachesim prints last (libCacheSim/bin/cachesim/main.c), e.g.
 * `trace.bin LRU cache size 4GiB, 20000000 req, miss ratio 0.1447, throughput 3.49 MQPS`:
 * its request count and miss ratio, or undefined when `stdout` holds no such line.
 */
export function parseCachesimResult(stdout: string): { requests: number; missRatio: number } | undefined {
  const lines = stdout.split('\n');
  for (let k = lines.length - 1; k >= 0; k--) {
    const m = /\b(\d+) req, miss ratio ([0-9.]+)/.exec(lines[k]!);
    if (m) return { requests: Number(m[1]), missRatio: Number(m[2]) };
  }
  return undefined;
}

/** The children's CPU seconds (user + system) from the second line of the shell's `times`: `0m5.700s 0m0.230s`. */
export function parseShellTimes(text: string): number | undefined {
  const lines = text.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  const m = /^(\d+)m([0-9.]+)s\s+(\d+)m([0-9.]+)s$/.exec(last.trim());
  if (!m) return undefined;
  // `times` prints milliseconds: round the sum to them
  return Math.round((Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])) * 1000) / 1000;
}

/**
 * Run `cachesim <trace> oracleGeneral lru <frames × 4096>` and measure it. Rejects with the command's own
 * output when it fails or prints no result line.
 */
export async function runCachesim(cachesim: string, tracePath: string, frames: number): Promise<CachesimRun> {
  const cacheBytes = frames * PAGE;
  // the shell runs cachesim, then `times` reports the CPU time of its finished children on stderr (fd 3 keeps
  // cachesim's own stderr apart)
  const script = '"$1" "$2" oracleGeneral lru "$3" --report-interval 1000000000 2>&3; rc=$?; times 1>&2; exit $rc';
  // in the trace's folder: cachesim writes its result file (`<trace name>.cachesim`) into its working folder
  const child = spawn('/bin/sh', ['-c', script, 'sh', cachesim, resolve(tracePath), String(cacheBytes)], { cwd: dirname(resolve(tracePath)), stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let times = '';
  let own = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (times += d));
  (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8').on('data', (d: string) => (own += d));
  const [code] = (await once(child, 'close')) as [number | null];
  const result = parseCachesimResult(stdout);
  const cpuS = parseShellTimes(times);
  if (code !== 0 || result === undefined || cpuS === undefined) {
    // its log lines carry ANSI colours
    const tail = (stdout + own).replace(/\x1b\[[0-9;]*m/g, '').trim().split('\n').slice(-3).join(' | ');
    throw new Error(`cachesim exited ${code}${result === undefined ? ' without a result line' : ''}: ${tail}`);
  }
  return { ...result, cpuS };
}
