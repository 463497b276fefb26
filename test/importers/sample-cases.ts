/**
 * The shared samples with their hand-derived event counts per op (issue 6 acceptance). Facts about each file
 * were counted independently of gmemlab (Python's json/pickle, grep); the mapping rules are docs/importers.md.
 */
export interface Case {
  readonly rel: string;
  readonly format: string;
  readonly counts: Record<string, number>;
  readonly opts?: Record<string, unknown>;
}

export const CASES: Case[] = [
  // memory.pickle: device_traces[0] has 23,105 entries: segment_alloc 61, alloc 7,946, free_requested 7,549,
  // free_completed 7,549, no oom/snapshot/segment_free. The 61 dumped segments are exactly the 61
  // segment_alloc addresses (none pre-existing). Mapping: segment_alloc → alloc (61); block alloc →
  // one synthetic write (touch-on-alloc: 7,946, all sizes > 0); free_requested/free_completed → nothing.
  { rel: 'pytorch-memory-snapshot/memory.pickle', format: 'pytorch-snapshot', counts: { alloc: 61, access: 7946 } },
  // Same file, touch-on-alloc-and-free adds a read per free_requested (7,549) and freeAsDontneed turns each
  // free_completed into advise dontneed (7,549): 61 + 7,946 + 7,549 accesses + 7,549 advises = 23,105 rows.
  {
    rel: 'pytorch-memory-snapshot/memory.pickle',
    format: 'pytorch-snapshot',
    opts: { synthesis: 'touch-on-alloc-and-free', freeAsDontneed: true },
    counts: { alloc: 61, access: 7946 + 7549, advise: 7549 },
  },
  // df_index_resolver: 28,010 [memory] events: GPU (Device Type 1, id 1) 13,385 Bytes>0 + 13,385 Bytes<0,
  // CPU 620 + 620; every free matches a live allocation in time order (0 unmatched, 0 zero-byte).
  // → alloc 13,385 + 620 = 14,005; free 14,005; synthetic writes for GPU allocs only: 13,385.
  // gpu_memcpy 2,040 (all DtoD with bytes) → copy; gpu_memset 880 → marker; kernel 19,370 (all device 1)
  // → kernel_begin + kernel_end each.
  {
    rel: 'kineto-chrome-trace/df_index_resolver.json.gz',
    format: 'kineto',
    counts: { alloc: 14005, free: 14005, access: 13385, copy: 2040, marker: 880, kernelBegin: 19370, kernelEnd: 19370 },
  },
  // mi250: 220 events, no [memory] events (info message, not an error); 2 gpu_memcpy (HtoD, no byte count →
  // size_unknown) and 14 kernels on device 2 (compacted to dev0).
  { rel: 'kineto-chrome-trace/mi250_minitoy_train_ROCm6_2_kineto.json.gz', format: 'kineto', counts: { copy: 2, kernelBegin: 14, kernelEnd: 14 } },
  // memory_timeline.raw.gz: 16,845 tuples, no addresses → by default no events (timeline observations only).
  { rel: 'pytorch-memory-timeline-raw/memory_timeline.raw.gz', format: 'pytorch-timeline', counts: {} },
  // With layout=bump: PREEXISTING 645 + CREATE 3,345 → alloc 3,990 (no zero-size tensors); DESTROY 3,345 →
  // free (all matched); INCREMENT_VERSION 9,510 tuples = 4,755 (−n, +n) pairs → one write each; CREATE also
  // gets a touch-on-alloc write: access 4,755 + 3,345 = 8,100.
  {
    rel: 'pytorch-memory-timeline-raw/memory_timeline.raw.gz',
    format: 'pytorch-timeline',
    opts: { layout: 'bump' },
    counts: { alloc: 3990, free: 3345, access: 8100 },
  },
  // GFXReconstruct multisample-depth (279 calls, vkFunc key): vkAllocateMemory 32 MiB → alloc 1; two
  // vkCreateImage + vkGetImageMemoryRequirements (2 MiB each) → reserve 2; two vkBindImageMemory → map 2;
  // two vkDestroyImage → unmap 2 + release 2; vkFreeMemory → free 1; 11 successful vkQueuePresentKHR →
  // marker frame 11.
  { rel: 'gfxreconstruct/multisample-depth.jsonl', format: 'gfxr-jsonl', counts: { alloc: 1, reserve: 2, map: 2, unmap: 2, release: 2, free: 1, marker: 11 } },
  // external-memory-fd-import (21 calls): vkCreateBuffer + vkGetBufferMemoryRequirements (4,096 B) →
  // reserve 1; vkAllocateMemory (168 B, fd import) → alloc 1; vkBindBufferMemory → map 1 (a warning: 4,096 B
  // bound to a 168 B object, as the mock device reported); vkMapMemory + vkUnmapMemory → marker 2;
  // vkDestroyBuffer → unmap 1 + release 1; vkFreeMemory → free 1.
  { rel: 'gfxreconstruct/external-memory-fd-import.jsonl', format: 'gfxr-jsonl', counts: { reserve: 1, alloc: 1, map: 1, marker: 2, unmap: 1, release: 1, free: 1 } },
  // Sample.json: 5 pool blocks (DefaultPools Type 0, 1, 3; CustomPools Type 0, 3 one block each) + 64
  // dedicated allocations = 69 = Total.BlockCount → alloc 69; non-FREE suballocations 68 + dedicated 64 =
  // 132 = Total.AllocationCount → reserve 132 + map 132.
  { rel: 'vma-json-dump/Sample.json', format: 'vma-json', counts: { alloc: 69, reserve: 132, map: 132 } },
  // vma_replay.csv: 36 calls: vmaCreateBuffer 15 + vmaCreateImage 3 (size estimated from extent/format)
  // → alloc 18; vmaDestroyBuffer 15 + vmaDestroyImage 1 → free 16; allocator create/destroy → nothing.
  { rel: 'vma-recording-csv/vma_replay.csv', format: 'vma-recording', counts: { alloc: 18, free: 16 } },
  // rocprofv3 allocation trace: 2 ALLOCATE (1,024 B) → alloc 2; 2 FREE of those addresses → free 2.
  { rel: 'rocprofv3-csv/memory_allocation_trace.csv', format: 'rocprofv3-csv', counts: { alloc: 2, free: 2 } },
  // rocprofv3 copy trace: 4 host-to-device copies → copy 4 (size_unknown).
  { rel: 'rocprofv3-csv/memory_copy_trace.csv', format: 'rocprofv3-csv', counts: { copy: 4 } },
];
// uvm-eval abc_1..abc_4: each has 96 `f` records (64 reads, 32 writes, num_instances 1) → access 96;
// 3 `s` + 3 `b` → marker 6; the faults fall in 3 managed 2 MiB ranges (0x7fb144000000, …200000, …400000)
// → alloc 3 at t=0 (preexisting); their 3 `range destroy` lines → free 3; the 4th destroy (0x207600000)
// names a range without faults → info only.
for (let n = 1; n <= 4; n++) {
  CASES.push({ rel: `uvm-eval-fault-log/abc/short_log_32_ts/abc_${n}`, format: 'uvm-fault-log', counts: { alloc: 3, free: 3, access: 96, marker: 6 } });
}

