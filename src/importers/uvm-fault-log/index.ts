import { importerMessages } from '../../log/messages/importers';
import { Access, Flag, markerKindOf, Op } from '../../trace/event';
import type { ImporterDef } from '../types';
import { structural } from '../shared/context';
import { readLines } from '../shared/lines';
import { RowCollector } from '../shared/rows';
import { baseName, headText } from '../shared/sniff';

export type UvmFaultLogOptions = Record<string, never>;

/** Canonical access code per UVM access_type (0 prefetch, 1 read, 2 write, 3 weak atomic, 4 strong atomic). */
const ACCESS_OF = [Access.r, Access.r, Access.w, Access.atomic, Access.atomic] as const;
const ACCESS_NAMES = ['prefetch', 'read', 'write', 'weak_atomic', 'strong_atomic'] as const;
const FAULT_FIELDS = ['va', 'gpu_ts', 'fault_type', 'access_type', 'access_type_mask', 'num_instances', 'client_type', 'mmu_engine_type', 'client_id', 'mmu_engine_id', 'utlb_id', 'gpc_id', 'channel_id', 've_id'] as const;
const LINE = /^(\d+),(\d+),(\d+),[^;]*;(.*)$/;
const DESTROY = /^uvm range destroy .*:\s*0x([0-9a-fA-F]+),\s*(\d+)\s*$/;
const PAGE = 4096;
const BLOCK = 2 * 1024 * 1024;

interface Rec {
  readonly kind: 's' | 'b' | 'f' | 'p' | 'e' | 'destroy';
  readonly usec: number;
  readonly line: number;
  readonly va: number;
  readonly bytes: number;
  readonly gpuTs: bigint;
  readonly fields: readonly number[];
  readonly extra: string;
}

/** Output version of this importer (bump when the events for the same input change). */
const IMPORTER_VERSION = 1;

/**
 * Kernel-log fault records of the instrumented nvidia-uvm driver of Allen & Ge (SC'21), docs/trace-formats.md F:
 * `prio,seq,usec,-;PAYLOAD` with `s,`/`b,` batch markers, `f,`/`p,`/`e,` fault records and `uvm range
 * destroy` lines. `f` → `access` (dev0, one 4 KiB page, `count` = num_instances, `from_fault`); `s`/`b` →
 * `marker fault_batch_begin/end`; the managed ranges touched by faults → `alloc managed` at t=0
 * (`preexisting`), freed at their `range destroy`. Prefetch (`p`) and eviction (`e`) records are driver
 * decisions, so they go to observations only (a simulator makes its own). `t_ns` comes from `usec`;
 * `gpu_ts` (beyond 2^53, not monotone in a batch) is kept, rebased, in the `fault` observations only.
 */
export const uvmFaultLogImporter = {
  name: 'uvm-fault-log' as const,
  summary: 'instrumented nvidia-uvm fault/batch kernel log (SC\'21 uvm-eval): faults, batches, range destroys',
  version: IMPORTER_VERSION,
  defaults: {},
  options: {},
  sniff(head) {
    const lines = headText(head, 8192).split('\n').slice(0, 20).filter((l) => l.trim() !== '');
    return lines.length > 0 && lines.some((l) => /^\d+,\d+,\d+,[^;]*;(s,|b,|[fpe],[0-9a-fA-F]+,|uvm range destroy)/.test(l)) && lines.every((l, i) => LINE.test(l) || i === lines.length - 1);
  },
  async *read(input, _opts, ctx) {
    ctx.meta.importer = `uvm-fault-log@${IMPORTER_VERSION}`;
    ctx.meta.source = baseName(input.path);
    ctx.meta.devices = 'dev0';
    const recs: Rec[] = [];
    let ignored = 0;
    for await (const l of readLines(input.chunks(), ctx.file)) {
      if (l.text.trim() === '') continue;
      const m = LINE.exec(l.text);
      if (!m) {
        structural(ctx, importerMessages.syntax({ file: ctx.file, line: l.line, col: 1 }, 'kernel log line', 'prio,seq,usec,-;payload', JSON.stringify(l.text.slice(0, 60))));
        continue;
      }
      const usec = Number(m[3]);
      if (!Number.isSafeInteger(usec)) {
        structural(ctx, importerMessages.tooLarge({ file: ctx.file, line: l.line, field: 'usec' }, 'usec', m[3]!));
        continue;
      }
      const payload = m[4]!;
      const rec = decodePayload(payload, usec, l.line, ctx);
      if (rec === null) {
        ignored++;
        continue;
      }
      if (rec) recs.push(rec);
    }
    if (ignored) ctx.log.add(importerMessages.ignoredRecord({ file: ctx.file }, `${ignored} kernel-log line(s) that are not UVM fault records`));
    if (recs.length === 0) {
      ctx.log.add(importerMessages.noMemoryEvents({ file: ctx.file }, 'fault records'));
      return;
    }
    const usec0 = recs[0]!.usec;
    ctx.meta.origin_since_boot_ns = (BigInt(usec0) * 1000n).toString();
    let gpu0: bigint | undefined;
    for (const r of recs) if ((r.kind === 'f' || r.kind === 'p' || r.kind === 'e') && (gpu0 === undefined || r.gpuTs < gpu0)) gpu0 = r.gpuTs;
    if (gpu0 !== undefined) ctx.meta.gpu_ts_origin = gpu0.toString();

    // managed ranges: the range-destroy extents that faults fell into, else the 2 MiB blocks of the faults
    const blocks = new Set<number>();
    for (const r of recs) if (r.kind !== 's' && r.kind !== 'b' && r.kind !== 'destroy') blocks.add(Math.floor(r.va / BLOCK) * BLOCK);
    const rows = new RowCollector(ctx.strings);
    const b = rows.builder;
    const ranges = new Map<number, number>(); // start -> bytes, emitted as preexisting allocs
    const destroyOf = new Map<Rec, number>(); // destroy record -> range start it frees
    let unknownDestroys = 0;
    for (const r of recs) {
      if (r.kind !== 'destroy') continue;
      let hit = false;
      for (const blk of [...blocks]) {
        if (blk >= r.va && blk < r.va + r.bytes) {
          blocks.delete(blk);
          hit = true;
        }
      }
      if (hit) {
        ranges.set(r.va, r.bytes);
        destroyOf.set(r, r.va);
      } else unknownDestroys++;
    }
    for (const blk of blocks) ranges.set(blk, BLOCK);
    for (const [start, bytes] of [...ranges].sort((x, y) => x[0] - y[0])) {
      const i = b.addRow(Op.alloc, 0, 1, start, bytes);
      b.cols.flags[i] = Flag.managed | Flag.preexisting;
      rows.flush();
    }
    if (unknownDestroys) ctx.log.add(importerMessages.ignoredRecord({ file: ctx.file }, `${unknownDestroys} range destroy line(s) of ranges with no recorded fault`));
    if (ranges.size) ctx.log.add(importerMessages.preexisting({ file: ctx.file }, ranges.size, 'managed ranges (known from their faults)'));

    let batch = 0;
    let batchStart = -1;
    let batchFaults = 0;
    for (const r of recs) {
      const t = (r.usec - usec0) * 1000;
      switch (r.kind) {
        case 's':
        case 'b': {
          const label = r.kind === 's' ? 'fault_batch_begin' : 'fault_batch_end';
          const i = b.addRow(Op.marker, t, 1, NaN, NaN);
          b.cols.code[i] = markerKindOf(label);
          b.cols.label[i] = ctx.strings.intern(label);
          if (r.kind === 's') {
            batchStart = t;
            batchFaults = 0;
          } else {
            ctx.observe('fault_batch', { batch, tBeginNs: batchStart < 0 ? '' : batchStart, tEndNs: t, durNs: batchStart < 0 ? '' : t - batchStart, faults: batchFaults, extra: r.extra });
            batch++;
            batchStart = -1;
          }
          break;
        }
        case 'f': {
          const count = Math.max(1, r.fields[5]!);
          const at = r.fields[3]!;
          const i = b.addRow(Op.access, t, 1, Math.floor(r.va / PAGE) * PAGE, PAGE);
          b.cols.access[i] = ACCESS_OF[at] ?? Access.r;
          b.cols.count[i] = count;
          b.cols.flags[i] = Flag.from_fault;
          batchFaults++;
          observeFault('fault', r, t, batch);
          break;
        }
        case 'p':
        case 'e':
          observeFault(r.kind === 'p' ? 'prefetch' : 'eviction', r, t, batch);
          continue;
        case 'destroy': {
          const start = destroyOf.get(r);
          if (start === undefined) continue;
          b.addRow(Op.free, t, 1, start, ranges.get(start)!);
          break;
        }
      }
      rows.flush();
    }
    yield* rows.sorted();

    function observeFault(kind: string, r: Rec, t: number, batchIndex: number): void {
      const row: Record<string, number | string> = { tNs: t, batch: batchIndex, va: r.va, gpuTsNs: gpu0 === undefined ? '' : Number(r.gpuTs - gpu0) };
      FAULT_FIELDS.slice(2).forEach((name, k) => (row[name] = r.fields[k + 2]!));
      row.access = ACCESS_NAMES[r.fields[3]!] ?? String(r.fields[3]);
      ctx.observe(kind, row);
    }
  },
} satisfies ImporterDef<UvmFaultLogOptions>;

/** Decode a payload; undefined = a structural problem already reported; null = not a UVM record. */
function decodePayload(payload: string, usec: number, line: number, ctx: Parameters<typeof structural>[0]): Rec | undefined | null {
  const base = { usec, line, va: 0, bytes: 0, gpuTs: 0n, fields: [] as number[], extra: '' };
  if (payload === 's' || payload.startsWith('s,')) return { ...base, kind: 's', extra: payload.slice(2) };
  if (payload === 'b' || payload.startsWith('b,')) return { ...base, kind: 'b', extra: payload.slice(2) };
  const d = DESTROY.exec(payload);
  if (d) {
    const va = parseInt(d[1]!, 16);
    const bytes = Number(d[2]);
    if (!Number.isSafeInteger(va) || !Number.isSafeInteger(bytes) || bytes <= 0) {
      structural(ctx, importerMessages.badField({ file: ctx.file, line, field: 'range' }, 'an address and size < 2^53, size > 0', payload.slice(0, 60)));
      return undefined;
    }
    return { ...base, kind: 'destroy', va, bytes };
  }
  const k = payload[0];
  if ((k === 'f' || k === 'p' || k === 'e') && payload[1] === ',') {
    const parts = payload.slice(2).split(',');
    if (parts.length < FAULT_FIELDS.length) {
      structural(ctx, importerMessages.syntax({ file: ctx.file, line }, 'fault record', `${FAULT_FIELDS.length} fields (${FAULT_FIELDS.join(',')})`, `${parts.length} field(s)`));
      return undefined;
    }
    if (!/^[0-9a-fA-F]{1,13}$/.test(parts[0]!)) {
      structural(ctx, importerMessages.badField({ file: ctx.file, line, field: 'va' }, 'a hex address < 2^53', JSON.stringify(parts[0])));
      return undefined;
    }
    if (!/^\d{1,20}$/.test(parts[1]!)) {
      structural(ctx, importerMessages.badField({ file: ctx.file, line, field: 'gpu_ts' }, 'a decimal timestamp', JSON.stringify(parts[1])));
      return undefined;
    }
    const fields = [0, 0];
    for (let i = 2; i < FAULT_FIELDS.length; i++) {
      const v = parts[i]!;
      if (!/^\d{1,9}$/.test(v)) {
        structural(ctx, importerMessages.badField({ file: ctx.file, line, field: FAULT_FIELDS[i] }, 'a small non-negative integer', JSON.stringify(v.slice(0, 20))));
        return undefined;
      }
      fields.push(Number(v));
    }
    if (fields[3]! > 4) {
      structural(ctx, importerMessages.badField({ file: ctx.file, line, field: 'access_type' }, '0 prefetch, 1 read, 2 write, 3 weak atomic or 4 strong atomic', String(fields[3])));
      return undefined;
    }
    return { ...base, kind: k, va: parseInt(parts[0]!, 16), gpuTs: BigInt(parts[1]!), fields, extra: parts.slice(FAULT_FIELDS.length).join(',') };
  }
  return null;
}
