import { defineMessage } from '../diagnostic';

/**
 * Messages of the real-format importers (src/importers/<format>/). Structural problems are errors (thrown
 * in strict mode, counted and skipped in lenient mode); mapping surprises are warnings; notes about what a
 * trace does not contain are info.
 */
export const importerMessages = {
  syntax: defineMessage('importer.syntax', 'error', 'The file is damaged or not of the format given with --from; re-export it, or check --from.', (what: string, expected: string, found: string) => ({
    message: `malformed ${what}`,
    expected,
    found,
  })),
  unexpectedEnd: defineMessage('importer.unexpected-end', 'error', 'The file is truncated (an interrupted copy or export); re-export or re-copy it.', (expected: string) => ({
    message: 'unexpected end of input (truncated file?)',
    expected,
    found: 'end of file',
  })),
  badField: defineMessage('importer.bad-field', 'error', 'The record has a value of the wrong type or range; the file may be damaged.', (expected: string, found: string) => ({
    message: 'bad field value',
    expected,
    found,
  })),
  tooLarge: defineMessage('importer.too-large', 'error', 'Addresses, sizes and times must stay below 2^53 to be exact; the file may be damaged.', (what: string, found: string) => ({
    message: `${what} does not fit below 2^53`,
    expected: 'a value < 9007199254740992',
    found,
  })),
  notThisFormat: defineMessage('importer.not-this-format', 'error', 'Check --from, or use --from auto to detect the format.', (format: string, expected: string, found: string) => ({
    message: `the file does not look like a ${format} file`,
    expected,
    found,
  })),
  forbiddenOpcode: defineMessage('importer.pickle-forbidden-opcode', 'error', 'The pickle imports or calls code; gmemlab reads only plain-data pickles (dicts, lists, numbers, strings) and never executes anything. Re-dump the snapshot with torch.cuda.memory._dump_snapshot, or convert it to JSON.', (opcode: string) => ({
    message: `pickle opcode ${opcode} would import or call code; refusing (nothing was executed)`,
    expected: 'a plain-data pickle opcode',
    found: opcode,
  })),
  unknownOpcode: defineMessage('importer.pickle-unknown-opcode', 'error', 'The pickle uses an opcode outside the plain-data subset gmemlab reads; convert the snapshot to JSON.', (opcode: string) => ({
    message: `unsupported pickle opcode ${opcode}`,
    expected: 'a plain-data pickle opcode',
    found: opcode,
  })),
  unmatchedFree: defineMessage('importer.unmatched-free', 'warning', 'The trace starts after the allocation (ring buffer or late profiler start); gmemlab adds a pre-existing allocation at t=0 so the free is valid.', (what: string) => ({
    message: `${what} frees memory allocated before the trace started; added a pre-existing allocation at t=0`,
  })),
  preexisting: defineMessage('importer.preexisting', 'info', 'Expected for ring-buffer traces: the state before the first recorded event is reconstructed at t=0 with flags=preexisting.', (count: number, what: string) => ({
    message: `${count} ${what} existed before the first trace event; emitted at t=0 with flags=preexisting`,
  })),
  noMemoryEvents: defineMessage('importer.no-memory-events', 'info', 'Record with memory profiling enabled (e.g. torch.profiler.profile(profile_memory=True)) to get allocations.', (what: string) => ({
    message: `the trace has no ${what}`,
  })),
  untimedEntries: defineMessage('importer.untimed-entries', 'warning', 'PyTorch before 2.1 records no time_us in its trace entries: gmemlab keeps their order, puts every event at time 0 (the device lists one after another) and marks the trace (synthesized_times); every run of it carries run.synthesized-times. Record with PyTorch ≥ 2.1 to get times.', (entries: number) => ({
    message: `none of the ${entries} device trace entries has a time (time_us): events keep their recorded order at time 0`,
  }), [10307]),
  synthesizedAddresses: defineMessage('importer.synthesized-addresses', 'warning', 'The trace records sizes but no addresses (e.g. PyTorch ≤ 1.9 profiler [memory] events). gmemlab pairs frees with allocations by size and places blocks in an invented layout (docs/importers.md); every run of this trace carries run.synthesized-addresses. Record with PyTorch ≥ 1.10 to get real addresses.', (events: number, layout: string, unmatchedFrees: number) => ({
    message: `${events} memory events have no address: allocation identity reconstructed by size, addresses synthesized (layout ${layout}); ${unmatchedFrees} frees matched no live allocation`,
  })),
  runningTotalMismatch: defineMessage('importer.running-total-mismatch', 'warning', 'The running total the profiler recorded disagrees with the events before it: events are missing or out of order. Live bytes from this point may be off by the difference.', (what: string, stated: number, expected: number) => ({
    message: `${what}: the recorded running total disagrees with the events so far`,
    expected: String(expected),
    found: String(stated),
  })),
  nothingToSimulate: defineMessage('importer.nothing-to-simulate', 'error', 'The file holds no memory events a system can act on, so nothing can be simulated (and no header-only output is written). Record the trace again as the message says.', (holds: string, howToRecord: string) => ({
    message: `nothing to simulate: the import yields ${holds}; to record what gmemlab needs: ${howToRecord}`,
    expected: 'at least one alloc, free, access, map, unmap, reserve, release, prefetch, advise, protect, fork or addressed copy event',
    found: holds,
  })),
  zeroSizeAllocation: defineMessage('importer.zero-size-allocation', 'warning', 'vkAllocateMemory with allocationSize 0 is invalid Vulkan usage (seen in captures taken on mock drivers): the call and every later use of that memory object (bind, map, free) are skipped, each counted under this code.', (what: string) => ({
    message: `${what}: memory object of 0 bytes (invalid usage); skipped`,
  })),
  memoryTypeAssumed: defineMessage('importer.memory-type-assumed', 'warning', 'The capture does not say what this Vulkan memory type is (a trimmed capture starts after vkGetPhysicalDeviceMemoryProperties, and converters that write no meta records, such as 0.9.18, drop the SetDeviceMemoryPropertiesCommand that holds the types). gmemlab decides from the capture, per memory type: a type the application maps (vkMapMemory) is HOST_VISIBLE by the Vulkan spec and imports as managed, so both the CPU and the device may access it; a type never mapped imports as device. Converting the capture with a current gfxrecon-convert gives the recorded types.', (memoryType: string, unknownBecause: string, evidence: string, allocations: number, kind: string) => ({
    message: `memory type ${memoryType}: ${unknownBecause}; ${evidence}: its ${allocations} allocation(s) imported as ${kind}`,
  }), ['2', 'no memory properties recorded before its first allocation', 'mapped (vkMapMemory of memory 72 at line 82), so HOST_VISIBLE', 9, 'managed']),
  ignoredRecord: defineMessage('importer.ignored-record', 'info', 'Nothing to do; listed so that dropped content is visible.', (what: string) => ({
    message: `ignored: ${what}`,
  })),
  bindOutOfRange: defineMessage('importer.bind-out-of-range', 'warning', 'Seen on mock devices and in damaged captures; the event is kept as recorded.', (what: string, limitBytes: number, endBytes: number) => ({
    message: `${what} extends past the end of its memory object`,
    expected: `end <= ${limitBytes} bytes`,
    found: `end ${endBytes} bytes`,
  })),
  sizeUnknown: defineMessage('importer.size-unknown', 'warning', 'The capture lacks the call that gives the size; the event is skipped or marked size_unknown.', (what: string) => ({
    message: `size of ${what} is unknown`,
  })),
  unknownHandle: defineMessage('importer.unknown-handle', 'warning', 'The capture refers to an object whose creation it does not contain (trimmed capture); the call is skipped.', (what: string) => ({
    message: `${what} refers to an object the trace never created`,
  })),
  schemaVersion: defineMessage('importer.schema-version', 'warning', 'The export comes from a version gmemlab was not checked against; columns are read by name, so most data still imports. Report problems with the exporter version.', (found: string, checked: string) => ({
    message: 'unchecked export schema version',
    expected: checked,
    found,
  })),
  nonCudaAdapters: defineMessage('importer.non-cuda-adapter', 'info', 'Nsight Systems on Windows lists every display adapter in TARGET_INFO_GPU; those that are not CUDA devices have 0 SMs and 0 bytes of memory (nsys writes defaults for what it did not measure) and are left out of the devices and capacity_bytes.devN metadata. Nothing to do.', (adapters: string, found: string) => ({
    message: `left out display adapter(s) that are not CUDA devices: ${adapters}`,
    expected: 'a CUDA device (smCount > 0 and totalMemory > 0)',
    found,
  }), ["'Intel(R) UHD Graphics' (id 1)", "'Intel(R) UHD Graphics' (id 1): smCount 0, totalMemory 0"]),
  ambiguousDevices: defineMessage('importer.ambiguous-devices', 'warning', 'The export maps CUDA device numbers to GPUs in more than one way (e.g. processes run with different CUDA_VISIBLE_DEVICES): those CUDA devices get a placeholder name (gpu<N>) and no capacity_bytes.devN; trace rows keep the device number they recorded. To have every device named, profile processes that see the same devices (the same CUDA_VISIBLE_DEVICES), or one process per export.', (ordinals: string, expected: string, found: string) => ({
    message: `the GPU behind CUDA device(s) ${ordinals} is ambiguous: no name or capacity recorded for them`,
    expected,
    found,
  }), ['0, 1', 'each cudaId with one gpuId and each gpuId with one cudaId', 'cudaId 0: gpuId 0 (pid 100), gpuId 1 (pid 200); gpuId 1: cudaId 0 (pid 200), cudaId 1 (pid 100)']),
  unknownMemoryKind: defineMessage('importer.unknown-memory-kind', 'warning', "Nsight Systems records memKind 7 (CUDA_MEMOPR_MEMORY_KIND_UNKNOWN) for an allocation whose kind CUPTI did not report; gmemlab imports such allocations (and any memKind outside the documented 0–7) as device memory, like cudaMalloc'd memory: resident on its device from the alloc, not migrated as managed memory is. If they are managed or host memory, import to canonical CSV (gmemlab import report.sqlite -o trace.csv) and change their flags to managed, host or pinned_host.", (rows: number, found: string) => ({
    message: `${rows} allocation row(s) of unknown memory kind: imported as device memory`,
    expected: 'a known memory kind (memKind 0 pageable, 1 pinned, 2 device, 3 array, 4 managed, 5 device_static, 6 managed_static)',
    found,
  }), [3, 'memKind 7 (CUDA_MEMOPR_MEMORY_KIND_UNKNOWN)']),
  timelineOnly: defineMessage('importer.timeline-only', 'info', "Use the option layout=bump to give tensors synthetic addresses so the trace can drive a simulation.", () => ({
    message: 'memory timeline has no addresses: no events emitted (bytes-by-category timeline recorded as observations)',
  })),
  overlap: defineMessage('importer.overlap', 'warning', 'Two live allocations overlap; the trace is kept as recorded, simulators report alloc-error.', (what: string) => ({
    message: `${what} overlaps a live allocation`,
  })),
  needsConversion: defineMessage('importer.needs-conversion', 'error', 'Convert the file with the tool named in the message, then import its output.', (what: string, command: string) => ({
    message: `this is ${what}, which gmemlab does not read directly; convert it first: ${command}`,
    expected: 'the converted file',
    found: what,
  })),
  scratchReplaced: defineMessage('importer.scratch-replaced', 'warning', 'A queue has one scratch region (per ALT flag); an ALLOC while one is live means the FREE of the old one is missing (lost record or trimmed trace). The old one is freed at the new ALLOC (flags=synthetic).', (count: number) => ({
    message: `${count} SCRATCH_MEMORY_ALLOC row(s) on a queue whose scratch was still live: the earlier allocation freed there`,
  })),
  totalsMismatch: defineMessage('importer.totals-mismatch', 'warning', 'The dump lists fewer or more items than its own totals say: it may be damaged or partial.', (what: string, listed: number, stated: number) => ({
    message: `${what}: the dump states ${stated} but lists ${listed}`,
    expected: String(stated),
    found: String(listed),
  })),
  stringTooLong: defineMessage(
    'importer.string-too-long',
    'error',
    'Trace strings are names and paths of at most a few kB; one this long means a damaged or hostile file, and it was refused before being read into memory (nothing was written). If it is genuine, raise the limit for one command (`GMEMLAB_MAX_STRING_BYTES=512MiB gmemlab import …`; at most 512 MiB, the longest string Node can hold).',
    (what: string, limitBytes: number, foundBytes: number | string) => ({
      message: `${what} is longer than the string limit (GMEMLAB_MAX_STRING_BYTES)`,
      expected: `at most ${limitBytes} bytes`,
      found: typeof foundBytes === 'number' ? `${foundBytes} bytes` : foundBytes,
    }),
    ['JSON string', 67108864, 629145600],
  ),
  tooManyRecords: defineMessage(
    'importer.too-many-records',
    'error',
    'The input lists far more records than its size allows for real data (the limit is 1,000,000 + 1 per 4 input bytes): shared references (a pickle can list one object many times for a few bytes) would expand it without bound; nothing was written. If the file is genuine, raise the limit for one command (`GMEMLAB_MAX_IMPORT_RECORDS=50000000 gmemlab import …`).',
    (what: string, limit: number, found: number) => ({
      message: `${what}: more records than the import limit (GMEMLAB_MAX_IMPORT_RECORDS)`,
      expected: `at most ${limit} records`,
      found: `${found} records`,
    }),
    ['device_traces', 1375000, 19200064],
  ),
} as const;
