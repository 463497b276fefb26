import { fail } from '../../log/diagnostic';
import { cliMessages } from '../../log/messages/cli';
import { importerMessages } from '../../log/messages/importers';
import { Access, Flag, Op } from '../../trace/event';
import type { ImporterDef } from '../types';
import { structural } from '../shared/context';
import { RowCollector } from '../shared/rows';
import { scanJson } from '../shared/json-scan';
import { baseName, firstNonWs, headText } from '../shared/sniff';

export type PytorchTimelineOptions = { layout: string; synthesis: string; alignBytes: number; baseVa: number };

/** Action codes of `export_memory_timeline` raw tuples. */
export const TIMELINE_ACTIONS = ['', 'PREEXISTING', 'CREATE', 'INCREMENT_VERSION', 'DESTROY'] as const;
/** Category codes (7 = unknown). */
export const TIMELINE_CATEGORIES = ['PARAMETER', 'OPTIMIZER_STATE', 'INPUT', 'TEMPORARY', 'ACTIVATION', 'GRADIENT', 'AUTOGRAD_DETAIL', 'UNKNOWN'] as const;

const TUPLE = /^\[\s*(-?\d{1,20})\s*,\s*(-?\d{1,3})\s*,\s*(-?\d{1,20})\s*,\s*(-?\d{1,3})\s*\]$/;

interface Tensor {
  readonly va: number;
  readonly bytes: number;
}

/** Output version of this importer (bump when the events for the same input change). */
const IMPORTER_VERSION = 1;

/**
 * PyTorch `profile.export_memory_timeline("*.raw.json.gz")` raw tuples `[timestamp_ns, action, numbytes,
 * category]` (docs/trace-formats.md C). There are no addresses: by default no events, only a bytes-by-category
 * timeline (observations `memory_timeline`). `layout=bump` gives every tensor a synthetic address (a bump
 * allocator that never reuses addresses) so the trace can drive a simulation. Timestamps (~1.7e18 ns) are
 * read exactly from the text (BigInt) and rebased.
 */
export const pytorchTimelineImporter = {
  name: 'pytorch-timeline' as const,
  summary: 'PyTorch export_memory_timeline raw tuples (.raw.json.gz): bytes by category; layout=bump for synthetic-address events',
  version: IMPORTER_VERSION,
  defaults: { layout: 'none', synthesis: 'touch-on-alloc', alignBytes: 512, baseVa: 0x7f0000000000 },
  options: {
    layout: { summary: 'none = timeline observations only; bump = synthetic addresses (alloc/free/access events, flag synthetic)', values: ['none', 'bump'] },
    synthesis: { summary: 'with layout=bump: touch-on-alloc = device write at CREATE (INCREMENT_VERSION is always a write); none = no access at CREATE', values: ['none', 'touch-on-alloc'] },
    alignBytes: { summary: 'alignment of synthetic tensor addresses', unit: 'bytes' },
    baseVa: { summary: 'first synthetic address', unit: 'bytes' },
  },
  sniff(head) {
    if (firstNonWs(head) !== 0x5b) return false;
    return /^\s*\[\s*\[\s*-?\d+\s*,\s*[1-4]\s*,\s*-?\d+\s*,\s*[0-7]\s*\]/.test(headText(head, 512));
  },
  async *read(input, opts, ctx) {
    if (opts.layout !== 'none' && opts.layout !== 'bump') fail(cliMessages.badValue({}, 'pytorch-timeline option layout', 'none | bump', opts.layout));
    if (opts.synthesis !== 'none' && opts.synthesis !== 'touch-on-alloc') fail(cliMessages.badValue({}, 'pytorch-timeline option synthesis', 'none | touch-on-alloc', opts.synthesis));
    const align = Number(opts.alignBytes);
    if (!Number.isInteger(align) || align <= 0) fail(cliMessages.badValue({}, 'pytorch-timeline option alignBytes', 'a positive integer', String(opts.alignBytes)));
    const bump = opts.layout === 'bump';
    ctx.meta.importer = `pytorch-timeline@${IMPORTER_VERSION}`;
    ctx.meta.source = baseName(input.path);
    ctx.meta.layout = opts.layout;
    if (bump) ctx.meta.synthesis = opts.synthesis;

    // decode every tuple exactly (BigInt timestamps), in file order
    const ts: bigint[] = [];
    const act: number[] = [];
    const nbytes: number[] = [];
    const cat: number[] = [];
    const lines: number[] = [];
    let sawArray = false;
    for await (const it of scanJson(input.chunks(), ctx.file, (p) => (p.length === 0 ? 'descend' : p.length === 1 ? 'raw' : 'skip'))) {
      if (it.path.length === 0) break;
      sawArray = true;
      const m = TUPLE.exec(it.text);
      const where = { file: ctx.file, line: it.loc.line, col: it.loc.col };
      if (!m) {
        structural(ctx, importerMessages.syntax(where, 'timeline tuple', '[timestamp_ns, action 1-4, numbytes, category 0-7] of integers', JSON.stringify(it.text.slice(0, 60))));
        continue;
      }
      const a = Number(m[2]);
      const c = Number(m[4]);
      const n = Number(m[3]);
      if (a < 1 || a > 4 || c < 0 || c > 7 || !Number.isSafeInteger(n)) {
        structural(ctx, importerMessages.badField({ ...where, field: a < 1 || a > 4 ? 'action' : c < 0 || c > 7 ? 'category' : 'numbytes' }, 'action 1-4, category 0-7, |numbytes| < 2^53', it.text.slice(0, 60)));
        continue;
      }
      ts.push(BigInt(m[1]!));
      act.push(a);
      nbytes.push(n);
      cat.push(c);
      lines.push(it.loc.line);
    }
    if (!sawArray && ts.length === 0) {
      // an empty list is a valid (empty) timeline; a top-level scalar is not
    }
    let t0: bigint | undefined;
    for (const t of ts) if (t >= 0n && (t0 === undefined || t < t0)) t0 = t;
    if (t0 !== undefined) ctx.meta.origin_unix_ns = t0.toString();
    const tNs = (i: number): number => {
      const t = ts[i]!;
      if (t < 0n || t0 === undefined) return 0; // PREEXISTING tensors carry -1
      const d = t - t0;
      if (d >= 2n ** 53n) fail(importerMessages.tooLarge({ file: ctx.file, line: lines[i]! }, 'timestamp after rebasing', d.toString()));
      return Number(d);
    };

    // bytes-by-category timeline (observations), one row per category change per timestamp
    const totals = new Float64Array(8);
    const changed = new Set<number>();
    const flushTotals = (t: number): void => {
      for (const c of [...changed].sort()) ctx.observe('memory_timeline', { tNs: t, category: TIMELINE_CATEGORIES[c]!, bytes: totals[c]! });
      changed.clear();
    };
    for (let i = 0; i < ts.length; i++) {
      if (i > 0 && ts[i] !== ts[i - 1]) flushTotals(tNs(i - 1));
      totals[cat[i]!] += nbytes[i]!;
      changed.add(cat[i]!);
    }
    if (ts.length) flushTotals(tNs(ts.length - 1));

    if (!bump) {
      ctx.log.add(importerMessages.timelineOnly({ file: ctx.file }));
      return;
    }
    // synthetic layout: a bump allocator; DESTROY/INCREMENT_VERSION find the tensor by (bytes, category), oldest first
    const rows = new RowCollector(ctx.strings);
    const b = rows.builder;
    let next = Number(opts.baseVa);
    const pools = new Map<string, Tensor[]>();
    const pending: Tensor[] = [];
    const key = (bytes: number, c: number): string => `${bytes}/${c}`;
    const take = (bytes: number, c: number): Tensor | undefined => {
      const exact = pools.get(key(bytes, c));
      if (exact?.length) return exact.shift();
      for (let k = 0; k < 8; k++) {
        const other = pools.get(key(bytes, k));
        if (other?.length) return other.shift();
      }
      return undefined;
    };
    let unmatched = 0;
    for (let i = 0; i < ts.length; i++) {
      const t = tNs(i);
      const n = nbytes[i]!;
      const a = act[i]!;
      const where = { file: ctx.file, line: lines[i]! };
      if (a === 1 || a === 2) {
        if (n <= 0) continue; // zero-size tensors have no memory
        const tensor = { va: next, bytes: n };
        next += Math.ceil(n / align) * align;
        const list = pools.get(key(n, cat[i]!)) ?? [];
        list.push(tensor);
        pools.set(key(n, cat[i]!), list);
        const j = b.addRow(Op.alloc, t, 1, tensor.va, n);
        b.cols.flags[j] = Flag.managed | Flag.synthetic | (a === 1 ? Flag.preexisting : 0);
        rows.flush();
        if (a === 2 && opts.synthesis === 'touch-on-alloc') access(t, tensor);
      } else if (a === 3) {
        if (n < 0) {
          const tensor = take(-n, cat[i]!);
          if (tensor) pending.push(tensor);
          else unmatched++;
        } else if (n > 0) {
          const k = pending.findIndex((x) => x.bytes === n);
          if (k < 0) {
            unmatched++;
            continue;
          }
          const tensor = pending.splice(k, 1)[0]!;
          const list = pools.get(key(n, cat[i]!)) ?? [];
          list.push(tensor);
          pools.set(key(n, cat[i]!), list);
          access(t, tensor);
        }
      } else if (a === 4) {
        if (n === 0) continue;
        const tensor = take(Math.abs(n), cat[i]!);
        if (!tensor) {
          unmatched++;
          ctx.log.add(importerMessages.ignoredRecord(where, `DESTROY of ${Math.abs(n)} bytes with no live tensor of that size`));
          continue;
        }
        b.addRow(Op.free, t, 1, tensor.va, tensor.bytes);
        rows.flush();
      }
    }
    if (unmatched > 0) ctx.meta.unmatched_tuples = String(unmatched);
    ctx.meta.devices = 'dev0';
    yield* rows.sorted();

    function access(t: number, tensor: Tensor): void {
      const j = b.addRow(Op.access, t, 1, tensor.va, tensor.bytes);
      b.cols.access[j] = Access.w;
      b.cols.flags[j] = Flag.synthetic;
      rows.flush();
    }
  },
} satisfies ImporterDef<PytorchTimelineOptions>;
