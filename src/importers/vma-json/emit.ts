import { importerMessages } from '../../log/messages/importers';
import { CPU, Flag, Op } from '../../trace/event';
import type { ImportContext } from '../types';
import { structural } from '../shared/context';
import { isRecord, show } from '../shared/fields';
import { RowCollector } from '../shared/rows';

/** Synthetic address layout of a VMA dump import (the importer's options). */
export interface VmaLayoutOptions {
  readonly alignBytes: number;
  readonly backingBaseVa: number;
  readonly reserveBaseVa: number;
}

/**
 * Turns the pools of a VMA dump (either layout era) into canonical rows, all at t=0 with `preexisting`:
 * memory block → `alloc` at a synthetic backing address (`resource=block:<type>/<pool>/<i>`); non-FREE
 * suballocation → `reserve` of its own synthetic VA range + `map` of that range to the block at `Offset`;
 * dedicated allocation → `alloc` + `reserve` + `map`. Counts what it emitted (for the dump's totals) and what
 * it skipped, by reason (for the import summary).
 */
export class VmaEmitter {
  readonly rows: RowCollector;
  readonly counts = { blocks: 0, allocations: 0, freeRanges: 0 };
  /** Records skipped, by reason (lenient mode: bad fields). */
  readonly dropped = new Map<string, number>();
  private backing: number;
  private reserve: number;
  private readonly align: number;

  constructor(
    private readonly ctx: ImportContext,
    opts: VmaLayoutOptions,
    /** Memory-type keys (`Type N`) of DEVICE_LOCAL memory. */
    private readonly deviceTypes: ReadonlySet<string>,
    /** Source line of each top-level key (for messages). */
    private readonly lines: Readonly<Record<string, number>>,
  ) {
    this.rows = new RowCollector(ctx.strings);
    this.align = Number(opts.alignBytes);
    this.backing = Number(opts.backingBaseVa);
    this.reserve = Number(opts.reserveBaseVa);
  }

  /** `device` for DEVICE_LOCAL memory types (and D3D12MA DEFAULT/VIDEO heaps), `pinned_host` otherwise. */
  kindOf(typeKey: string): number {
    return this.deviceTypes.has(typeKey) || /DEFAULT|VIDEO/i.test(typeKey) ? Flag.device : Flag.pinned_host;
  }

  private bump(size: number, which: 'backing' | 'reserve'): number {
    const step = Math.ceil(size / this.align) * this.align;
    if (which === 'backing') return (this.backing += step) - step;
    return (this.reserve += step) - step;
  }

  private drop(reason: string): void {
    this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + 1);
  }

  /** A structural problem of one record (thrown in strict mode; counted and skipped in lenient mode). */
  bad(field: string, expected: string, found: string): void {
    structural(this.ctx, importerMessages.badField({ file: this.ctx.file, line: this.lines[field.split('.')[0]!], field }, expected, found));
    this.drop('records with bad fields');
  }

  private alloc(size: number, kind: number, resource: string): void {
    const b = this.rows.builder;
    const i = b.addRow(Op.alloc, 0, kind === Flag.device ? 1 : CPU, this.bump(size, 'backing'), size);
    b.cols.flags[i] = kind | Flag.preexisting;
    b.cols.resource[i] = this.ctx.strings.intern(resource);
    this.rows.flush();
    this.counts.blocks++;
  }

  private place(size: number, resource: string, offset: number, name: string): void {
    const b = this.rows.builder;
    const va = this.bump(size, 'reserve');
    const label = name ? this.ctx.strings.intern(name) : 0;
    const r = b.addRow(Op.reserve, 0, 1, va, size);
    b.cols.flags[r] = Flag.preexisting | Flag.synthetic;
    b.cols.label[r] = label;
    this.rows.flush();
    const m = b.addRow(Op.map, 0, 1, va, size);
    b.cols.flags[m] = Flag.preexisting;
    b.cols.resource[m] = this.ctx.strings.intern(resource);
    b.cols.offsetBytes[m] = offset;
    b.cols.label[m] = label;
    this.rows.flush();
    this.counts.allocations++;
  }

  /**
   * The `Blocks` of one pool (an object keyed by block id, or a list) of memory type `typeKey`. `label(s)`
   * gives a suballocation's label (3.x `Name`, 2.x string `UserData`).
   */
  blocks(blocksValue: unknown, typeKey: string, poolName: string, field: string, label: (s: Record<string, unknown>) => string): void {
    const kind = this.kindOf(typeKey);
    const blocks = isRecord(blocksValue) ? Object.entries(blocksValue) : Array.isArray(blocksValue) ? blocksValue.map((x, i) => [String(i), x] as const) : [];
    for (const [bi, blk] of blocks) {
      const where = `${field}.Blocks.${bi}`;
      const total = isRecord(blk) ? blk.TotalBytes : undefined;
      if (!isRecord(blk) || !isSize(total)) {
        this.bad(`${where}.TotalBytes`, 'a size > 0', show(total));
        continue;
      }
      const resource = `block:${typeKey}/${poolName}/${bi}`;
      this.alloc(total as number, kind, resource);
      const subs = Array.isArray(blk.Suballocations) ? blk.Suballocations : [];
      subs.forEach((s, k) => {
        if (isRecord(s) && s.Type === 'FREE') {
          this.counts.freeRanges++;
          return;
        }
        if (!isRecord(s) || !isSize(s.Size) || typeof s.Offset !== 'number' || !Number.isInteger(s.Offset) || s.Offset < 0 || s.Offset + (s.Size as number) > (total as number)) {
          const found = isRecord(s) ? `Offset ${show(s.Offset)}, Size ${show(s.Size)}` : show(s);
          this.bad(`${where}.Suballocations[${k}]`, 'Offset >= 0 and Size > 0 inside the block', found);
          return;
        }
        this.place(s.Size as number, resource, s.Offset, label(s));
      });
    }
  }

  /** Dedicated allocations (a list) of memory type `typeKey`: each its own block plus one placement. */
  dedicated(list: unknown, typeKey: string, poolName: string, field: string, label: (s: Record<string, unknown>) => string): void {
    const kind = this.kindOf(typeKey);
    const items = Array.isArray(list) ? list : [];
    items.forEach((d, k) => {
      if (!isRecord(d) || !isSize(d.Size)) {
        this.bad(`${field}[${k}].Size`, 'a size > 0', show(isRecord(d) ? d.Size : d));
        return;
      }
      const resource = `dedicated:${typeKey}/${poolName}/${k}`;
      this.alloc(d.Size as number, kind, resource);
      this.place(d.Size as number, resource, 0, label(d));
    });
  }

  /**
   * Cross-check the dump's own totals (a mismatch means a damaged or partial dump) and write what was
   * skipped into the log, one info per reason with its count (the import summary's dropped-by-reason counts).
   */
  finish(stated: { blocks?: unknown; allocations?: unknown; blocksField: string; allocationsField: string }): void {
    const ctx = this.ctx;
    if (typeof stated.blocks === 'number' && stated.blocks !== this.counts.blocks) {
      ctx.log.add(importerMessages.totalsMismatch({ file: ctx.file, field: stated.blocksField }, 'blocks', this.counts.blocks, stated.blocks));
    }
    if (typeof stated.allocations === 'number' && stated.allocations !== this.counts.allocations) {
      ctx.log.add(importerMessages.totalsMismatch({ file: ctx.file, field: stated.allocationsField }, 'allocations', this.counts.allocations, stated.allocations));
    }
    for (const [reason, n] of this.dropped) ctx.log.add(importerMessages.ignoredRecord({ file: ctx.file }, `${n} ${reason}`));
  }
}

export function isSize(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 2 ** 53;
}
