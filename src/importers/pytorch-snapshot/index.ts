import { fail } from '../../log/diagnostic';
import { cliMessages } from '../../log/messages/cli';
import type { ImporterDef } from '../types';
import { baseName, firstNonWs, headText } from '../shared/sniff';
import { Checkpoint } from '../shared/checkpoint';
import { decodeSnapshot } from './decode';
import { EXPANDABLE_MODES, mapSnapshot, SYNTHESIS_MODES, type ExpandableMode, type SynthesisMode } from './map';

export type PytorchSnapshotOptions = {
  synthesis: string;
  freeAsDontneed: boolean;
  segmentKind: string;
  expandable: string;
  compactDevices: boolean;
};

/** Output version of this importer (bump when the events for the same input change). */
const IMPORTER_VERSION = 3;

/**
 * PyTorch CUDA caching-allocator snapshot (`torch.cuda.memory._dump_snapshot` pickle, or the JSON of
 * `_snapshot()`; also the segment list of `torch.cuda.memory_snapshot()`, which has no allocator history, pickled
 * or as JSON), docs/trace-formats.md A. The pickle is read by a whitelist reader that never executes anything.
 */
export const pytorchSnapshotImporter = {
  name: 'pytorch-snapshot' as const,
  summary: 'PyTorch CUDA memory snapshot (_dump_snapshot pickle or JSON, or a memory_snapshot() segment list, pickled or JSON): segments, block allocs/frees, OOMs; accesses synthesised',
  version: IMPORTER_VERSION,
  defaults: { synthesis: 'touch-on-alloc', freeAsDontneed: false, segmentKind: 'managed', expandable: 'alloc', compactDevices: true },
  options: {
    synthesis: {
      summary: 'how accesses are synthesised (a snapshot has none): none; touch-on-alloc = whole-block device write at alloc; touch-on-alloc-and-free = plus a whole-block read at free_requested',
      values: SYNTHESIS_MODES,
    },
    freeAsDontneed: { summary: 'emit free_completed as advise dontneed on the block' },
    segmentKind: { summary: 'allocation kind of caching-allocator segments', values: ['managed', 'device'] },
    expandable: {
      summary: 'expandable segments: alloc = each mapped range an allocation of segmentKind (cut at every map and unmap end; every system runs it); map = the VMM reserve/map/unmap calls as recorded',
      values: EXPANDABLE_MODES,
    },
    compactDevices: { summary: 'renumber the GPUs that occur (a segment or a trace entry on them) densely from dev0 (a snapshot of cuda:1 becomes dev0); the mapping is in the metadata' },
  },
  sniff(head) {
    const t = headText(head, 4096);
    if (head[0] === 0x80 && head[1] !== undefined && head[1] >= 2 && head[1] <= 5) {
      // a top-level list is a memory_snapshot() segment list only when its first dicts have segment keys
      if (firstPickleOpcode(head) === EMPTY_LIST) return t.includes('total_size') && t.includes('segment_type');
      return t.includes('segments') || t.includes('device_traces');
    }
    const c = firstNonWs(head);
    // a JSON segment list (json.dump(torch.cuda.memory_snapshot())): a list of dicts with segment keys, looked
    // for in the whole head (json.dump(sort_keys=True) puts a segment's blocks before them); a Chrome trace
    // list's events (kineto) have neither
    if (c === 0x5b) {
      const all = headText(head);
      return /^(\xef\xbb\xbf)?\s*\[\s*\{/.test(all) && /"total_size"\s*:/.test(all) && /"segment_type"\s*:/.test(all);
    }
    return c === 0x7b && /"(segments|device_traces)"\s*:/.test(t) && !t.includes('"traceEvents"');
  },
  async *read(input, opts, ctx) {
    const synthesis = opts.synthesis as SynthesisMode;
    if (!SYNTHESIS_MODES.includes(synthesis)) {
      fail(cliMessages.badValue({}, 'pytorch-snapshot option synthesis', SYNTHESIS_MODES.join(' | '), opts.synthesis));
    }
    if (opts.segmentKind !== 'managed' && opts.segmentKind !== 'device') {
      fail(cliMessages.badValue({}, 'pytorch-snapshot option segmentKind', 'managed | device', opts.segmentKind));
    }
    if (!EXPANDABLE_MODES.includes(opts.expandable as ExpandableMode)) {
      fail(cliMessages.badValue({}, 'pytorch-snapshot option expandable', EXPANDABLE_MODES.join(' | '), opts.expandable));
    }
    // one step counter for decoding and mapping: SIGINT/SIGTERM are seen every CHECK_EVERY_STEPS steps
    const cp = new Checkpoint(ctx.signal);
    const raw = await decodeSnapshot(input, ctx.file, { checkpoint: cp });
    ctx.meta.importer = `pytorch-snapshot@${IMPORTER_VERSION}`;
    ctx.meta.source = baseName(input.path);
    ctx.meta.synthesis = synthesis;
    ctx.meta.free_as_dontneed = String(opts.freeAsDontneed);
    ctx.meta.segment_kind = opts.segmentKind;
    ctx.meta.expandable = opts.expandable;
    ctx.meta.snapshot_form = raw.form;
    yield* mapSnapshot(
      raw,
      { synthesis, freeAsDontneed: Boolean(opts.freeAsDontneed), segmentKind: opts.segmentKind, expandable: opts.expandable as ExpandableMode, compactDevices: Boolean(opts.compactDevices) },
      ctx,
      cp,
    );
  },
} satisfies ImporterDef<PytorchSnapshotOptions>;

/** Pickle opcodes the sniffer looks at. */
const FRAME = 0x95;
const EMPTY_LIST = 0x5d;

/** The first opcode after `PROTO n` and, from protocol 4, `FRAME` (8-byte length): what the pickle's value starts with. */
function firstPickleOpcode(head: Uint8Array): number | undefined {
  const i = head[2] === FRAME ? 11 : 2;
  return head[i];
}
