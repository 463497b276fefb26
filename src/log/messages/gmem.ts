import { defineMessage } from '../diagnostic';

const hex = (va: number): string => `0x${va.toString(16)}`;

/**
 * Warnings the GMEM model reports while replaying a trace (each also becomes a result event where
 * docs/gmem-model.md names one). Trace content never makes the simulator throw (decision E).
 */
export const gmemMessages = {
  faultError: defineMessage('gmem.fault-error', 'warning', 'The trace touches memory outside every live allocation (or writes read-only memory); check the importer mapping or the trace.', (agent: string, va: number, reason: string) => ({
    message: `${agent} access at ${hex(va)} failed: ${reason}`,
  }), ['dev0', 0x7f0000200000, 'outside every live allocation (unmapped or freed)']),
  oom: defineMessage('gmem.oom', 'warning', 'Device frames or host backing memory ran out; raise device.memory.capacityBytes / host.dramBytes or lower --oversub.', (where: 'device' | 'host', agent: string, va: number, reason: string) => ({
    message: `out of ${where} memory serving ${agent} at ${hex(va)}: ${reason}`,
  }), ['device', 'dev0', 0x7f0000200000, 'no free frame and no evictable unit']),
  hmadviseError: defineMessage('gmem.hmadvise-error', 'warning', 'hmadvise needs an attached device (hnid -1 only with DONTNEED) and, for PREFETCH, a range inside one peer-shared allocation.', (what: string, va: number, reason: string) => ({
    message: `hmadvise(${what}) at ${hex(va)} rejected: ${reason}`,
  }), ['PREFETCH', 0x7f0000200000, 'range not inside one peer-shared allocation']),
  allocError: defineMessage('gmem.alloc-error', 'warning', 'The trace allocates over live memory, frees something not live, or exhausts the peer VA space (peerVaBytes).', (op: string, va: number, reason: string) => ({
    message: `${op} at ${hex(va)} failed: ${reason}`,
  }), ['free', 0x7f0000200000, 'not the start of a live allocation']),
  dataLoss: defineMessage('gmem.data-loss', 'warning', 'Only reachable with fault injection (peerMapFailRate > 0): peer_map failed after the CPU PTE was zapped (state-table row 13).', (va: number) => ({
    message: `peer_map failed at ${hex(va)} after the CPU PTE was zapped: unit data lost`,
  }), [0x7f0000200000]),
  hmadviseEinval: defineMessage('gmem.hmadvise-einval', 'warning', 'The RFC hmadvise accepts only PREFETCH and DONTNEED (any other behavior returns -EINVAL); set hmadviseExtension=true for the openEuler WILLNEED/PINNED extension.', (advice: string) => ({
    message: `hmadvise(${advice}) returns -EINVAL: the RFC accepts only PREFETCH and DONTNEED`,
  }), ['willneed']),
  unsupportedAdvice: defineMessage('gmem.unsupported-advice', 'warning', 'With hmadviseExtension=true GMEM accepts PREFETCH, DONTNEED, WILLNEED, PINNED and UNPIN; other advice is ignored.', (advice: string) => ({
    message: `advice '${advice}' has no GMEM equivalent; ignored`,
  })),
  prefetchIgnored: defineMessage('gmem.prefetch-ignored', 'warning', 'In SHARE and REPLICATE modes data stays in host memory; PREFETCH has nothing to migrate.', (mode: string) => ({
    message: `hmadvise(PREFETCH) ignored in ${mode} mode (device memory is not used)`,
  })),
  mixedUnit: defineMessage('gmem.mixed-unit', 'warning', 'Allocations of different kinds share one GMEM unit (unitBytes): an access to one of them is served by its own kind (device memory refused to the CPU, host memory remote to a device) without changing the unit, which keeps the state of the allocation that created it. Real systems keep such allocations apart; the cost of these accesses is approximate. Place device and host allocations at least unitBytes away from other kinds (an importer that synthesises addresses should align them).', (kind: string, unitKind: string, va: number, unitBytes: number) => ({
    message: `access to ${kind} memory at ${hex(va)} inside a ${unitBytes / 1024} KiB unit of ${unitKind} memory: served as ${kind} memory, the unit unchanged`,
  }), ['host', 'device', 0x100010000, 2 * 1024 * 1024]),
  copyIgnored: defineMessage('gmem.copy-ignored', 'warning', 'Give copy rows with a destination `va` a byte count so GMEM can replay them as writes by the target.', () => ({
    message: 'copy to an address without a byte count has no GMEM equivalent; ignored',
  })),
} as const;
