import { formatBytes } from '../../units';
import { defineMessage } from '../diagnostic';

/** Messages about run specifications: `--system` items, `--set`, `--profile`, `--oversub`, `--seed`. */
export const runMessages = {
  unknownSystem: defineMessage('run.unknown-system', 'error', 'Run `gmemlab systems` for the list of presets.', (name: string, known: readonly string[]) => ({
    message: `unknown system '${name}'`,
    expected: `one of ${known.join(', ')}`,
  })),
  badItem: defineMessage('run.bad-item', 'error', 'A --system item is `preset[:key=value[:key=value…]]`; items are separated by commas.', (item: string, reason: string) => ({
    message: `bad --system item ${JSON.stringify(item)}: ${reason}`,
  })),
  unknownParam: defineMessage('run.unknown-param', 'error', 'Run `gmemlab systems` to see each preset\'s parameters.', (owner: string, key: string, valid: readonly string[]) => ({
    message: `${owner} has no parameter '${key}'; valid parameters: ${valid.join(', ')}`,
  })),
  badParamValue: defineMessage('run.bad-param-value', 'error', 'Use a value of the parameter\'s kind.', (owner: string, key: string, expected: string, found: string) => ({
    message: `bad value for ${owner} parameter '${key}'`,
    expected,
    found: JSON.stringify(found),
  })),
  invalidParams: defineMessage('run.invalid-params', 'error', 'Fix the parameter combination.', (owner: string, reason: string) => ({
    message: `${owner}: ${reason}`,
  })),
  badSet: defineMessage('run.bad-set', 'error', 'Write --set key=value.', (text: string) => ({
    message: `bad --set ${JSON.stringify(text)}`,
    expected: 'key=value',
  })),
  setMatchesNothing: defineMessage('run.set-matches-nothing', 'error', 'A bare --set key must be a parameter of at least one selected system; use <preset>.<param> or a device./link./host. path.', (key: string, systems: readonly string[], valid: readonly string[]) => ({
    message: `--set ${key}: none of the selected systems (${systems.join(', ')}) has parameter '${key}'; valid keys: ${valid.join(', ')}`,
  })),
  setPresetNotSelected: defineMessage('run.set-preset-not-selected', 'error', 'Select the preset with --system, or drop the --set.', (key: string, preset: string) => ({
    message: `--set ${key}: system '${preset}' is not selected`,
  })),
  noProfile: defineMessage('run.no-profile', 'error', 'Pass --profile <platform> (see `gmemlab profiles`).', (system: string) => ({
    message: `--profile is required: system '${system}' has no default platform`,
  })),
  oversubWithCapacity: defineMessage('run.oversub-with-capacity', 'error', '--oversub sets device.memory.capacityBytes from the footprint; pass one or the other.', () => ({
    message: '--oversub cannot be combined with --set device.memory.capacityBytes',
  })),
  oversubNoFootprint: defineMessage('run.oversub-no-footprint', 'error', 'The footprint counts managed, peer_shared and device allocations; a trace without them cannot be oversubscribed.', (trace: string) => ({
    message: `--oversub needs a footprint, and trace '${trace}' has none (no device-accessible allocations)`,
  })),
  oversubNoTouched: defineMessage(
    'run.oversub-no-touched',
    'error',
    'The touched footprint counts the distinct 4 KiB pages that access rows cover; for a trace without addressed accesses pass --oversub-basis allocated (footprint = peak live allocated bytes).',
    (trace: string) => ({
      message: `--oversub with the touched basis needs accessed pages, and trace '${trace}' has no access row with an address`,
    }),
    ['t.csv'],
  ),
  oversubCapacityZero: defineMessage(
    'run.oversub-capacity-zero',
    'error',
    'The capacity is the footprint divided by the ratio, rounded down to the basis granule (4 KiB touched, 2 MiB allocated); pick a smaller ratio or a larger input.',
    (ratio: number, basis: string, footprintBytes: number) => ({
      message: `--oversub ${ratio} leaves no device memory: the ${basis} footprint is ${footprintBytes} bytes`,
    }),
    [8, 'touched', 4096],
  ),
  oversubBelowUnit: defineMessage(
    'run.oversub-below-unit',
    'warning',
    "These systems take device memory in whole units (gmem-* its migration unit unitBytes, uvm a 2 MiB root chunk, hmm-svm granularityBytes; `gmemlab systems`): a device smaller than one unit holds nothing, so every run of them ends oom. Pick a ratio of at most footprint / unit, a larger trace, or a smaller unit (e.g. gmem-linux:unitBytes=64KiB).",
    (ratio: number, basis: string, capacityBytes: number, systems: string, unitBytes: number) => ({
      message: `--oversub ${ratio} gives ${capacityBytes} bytes of device memory (the ${basis} footprint / ${ratio}), less than one device-memory unit of ${systems}: nothing fits on the device, so these runs end oom`,
      expected: `device memory of at least ${unitBytes} bytes`,
      found: `${capacityBytes} bytes`,
    }),
    [64, 'touched', 1048576, 'gmem-linux (migration unit unitBytes = 2097152 bytes), uvm (root chunk vaBlockBytes = 2097152 bytes)', 2097152],
  ),
  capacityTooLarge: defineMessage(
    'run.capacity-too-large',
    'error',
    'Every system keeps state per device frame (down to 4 KiB), so device memory is limited to 1 TiB, more than any accelerator has. With --oversub the capacity is the footprint divided by the ratio: a huge footprint (often a mis-imported size) or a ratio far below 1 gives this; check the trace or pick a larger ratio.',
    (capacityBytes: number, limitBytes: number, how: string) => ({
      message: `device memory of ${capacityBytes} bytes (${how}) is more than gmemlab simulates`,
      expected: `device.memory.capacityBytes ≤ ${limitBytes}`,
      found: String(capacityBytes),
    }),
    [2 ** 50, 2 ** 40, '--oversub 4 of the touched footprint'],
  ),
  platformTooLarge: defineMessage(
    'run.platform-too-large',
    'error',
    "Systems that serve every device (gmem-*) keep one frame pool per device, so the platform's devices together are limited to 2 TiB of memory and to 1024 devices (an 8-GPU H200 board has 1.1 TiB; 64 devices of 80 GB took 21 GB of host memory to set up and 4096 exhausted it). Lower host.devices or device.memory.capacityBytes.",
    (devices: number, capacityBytes: number, limitBytes: number, limitDevices: number) => ({
      message: `${devices} devices of ${capacityBytes} bytes are more than gmemlab simulates`,
      expected: `host.devices ≤ ${limitDevices} and host.devices × device.memory.capacityBytes ≤ ${limitBytes}`,
      found: `${devices} × ${capacityBytes} = ${devices * capacityBytes}`,
    }),
    [64, 80e9, 2 ** 41, 1024],
  ),
  badNumber: defineMessage('run.bad-number', 'error', 'Pass a number of the expected form.', (flag: string, expected: string, found: string) => ({
    message: `bad value for ${flag}`,
    expected,
    found: JSON.stringify(found),
  })),
  unknownAgent: defineMessage('run.unknown-agent', 'error', 'Replicate the device with --set host.devices=N, or pick another platform.', (agent: string, platform: string, devices: number) => ({
    message: `the trace uses agent '${agent}' but platform '${platform}' has ${devices} device${devices === 1 ? '' : 's'} (dev0…dev${devices - 1})`,
  }), ['dev1', 'a100-pcie4', 1]),
  synthesizedAddresses: defineMessage('run.synthesized-addresses', 'warning', 'The importer invented the trace\'s addresses (the source records none; docs/importers.md): where blocks sit decides page sharing, faults, migrations and TLB reach, so a difference between systems may come from the layout rather than the workload. Prefer a trace with recorded addresses for conclusions.', (layout: string) => ({
    message: `the trace's addresses are synthesized (synthesized_addresses=${layout}): results depend on an invented layout`,
  }), ['kineto-legacy']),
  synthesizedTimes: defineMessage('run.synthesized-times', 'warning', 'The source records the order of its events but not their times (docs/importers.md), so the trace charges no compute time between them: each system\'s time is its memory-management cost alone, and nothing overlaps with work. Compare systems by their cost and counts, not as application run times; record with a newer tool version to get times.', (how: string) => ({
    message: `the trace has no recorded times (synthesized_times=${how}): every event is at time 0, in the recorded order`,
  }), ['pytorch-snapshot-order']),
  noAccesses: defineMessage('run.no-accesses', 'warning', 'Every system\'s time and counts on such a trace are allocation bookkeeping alone: no page is ever touched, so nothing faults, migrates or is evicted. A memory snapshot without allocator history (torch.cuda.memory._snapshot() without _record_memory_history, or torch.cuda.memory_snapshot()) is like this; record the history, or give the importer an access synthesis (docs/importers.md).', () => ({
    message: 'the trace has no access rows: no page is touched, so no system faults, migrates or evicts anything',
  })),
  noDeviceRows: defineMessage('run.no-device-rows', 'warning', 'Only the CPU appears in the trace (no row names a device as its agent or target), so no system has device memory to manage: their results differ only in how they serve host memory. Profile the accelerator side too (e.g. torch.profiler with ProfilerActivity.CUDA and a model on the GPU).', () => ({
    message: 'the trace has no device rows: only the CPU touches memory, so no system faults to, migrates to or evicts from a device',
  })),
  recordedCapacityDiffers: defineMessage('run.recorded-capacity-differs', 'warning', 'Faults, evictions and oversubscription depend on the device memory: pick the profile of the recorded device, or set its size (--set device.memory.capacityBytes=…), or choose the pressure explicitly with --oversub.', (recordedBytes: number, capacityBytes: number, platform: string) => ({
    message: `the trace was recorded on a device with ${formatBytes(recordedBytes)} of memory; this run's device ('${platform}') has ${formatBytes(capacityBytes)}`,
    expected: formatBytes(recordedBytes),
    found: formatBytes(capacityBytes),
  }), [42411098112, 85899345920, 'a100-pcie4']),
} as const;
