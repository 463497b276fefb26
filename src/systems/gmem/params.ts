import { EVICTION_POLICY_NAMES } from '../../policies/index';
import { GiB, KiB } from '../../units';
import type { ParamDoc } from '../../params';

/**
 * GMEM model parameters: policy decisions, never hardware costs (docs/cli.md §2). One model, two presets
 * (`presets.ts`): "parameters, not forks".
 */
export type GmemParams = {
  /** Migration unit (docs/gmem-model.md §2, decision F): logical-table keys are `floor(va / unitBytes)`. */
  unitBytes: number;
  /**
   * Victim order when device frames run out. `driver` (gmem-linux): the order of the device driver behind
   * GMEM, named by `driver` — GMEM's core (mm/gmem.c) selects no victims; eviction is the driver's. Or a
   * registered eviction policy by name (`lru`, `fifo`, …; gmem-paper uses `fifo`).
   */
  victim: string;
  /** The device driver behind GMEM whose victim order `victim=driver` follows (docs/gmem-model.md §5). */
  driver: string;
  /** MMU mode of every device context: `exclusive` (COHERENT_EXCLUSIVE), `share`, `replicate`. */
  mode: string;
  /** Take X97 page-table pages (2 MiB root + 4 KiB tables) from device memory, wired. */
  chargePageTables: boolean;
  /** Device fault on a unit owned by another device: `via-host` (decision B) or `rfc-noop`. */
  crossDevice: string;
  /** Refresh victim-policy recency on plain device hits (hardware access bits); off in the RFC. */
  accessBitsRefresh: boolean;
  /** Call (and charge) `peer_va_free` when a peer-shared range is freed. */
  chargePeerVaFree: boolean;
  /** Peer VA space per PEER device in bytes; 0 = unlimited (NOMEM never happens). */
  peerVaBytes: number;
  /** hmadvise PREFETCH workers (workqueue max active). */
  prefetchWorkers: number;
  /** Device TLB invalidation of range operations: `per-unit` (each peer_unmap invalidates, RFC) or `coalesced` (one flush per range op and device). */
  invalidation: string;
  /** Fault injection: probability that a peer_map(copy=true) fails after the CPU PTE was zapped (row 13). */
  peerMapFailRate: number;
  /**
   * Accept `willneed`/`pinned`/`unpin` advice (the openEuler extension: WILLNEED and PINNED flags that block
   * eviction). Off = the RFC: hmadvise accepts only PREFETCH and DONTNEED; anything else is -EINVAL
   * (an `hmadvise-error` event and a `gmem.hmadvise-einval` warning).
   */
  hmadviseExtension: boolean;
};

export const GMEM_MODES = ['exclusive', 'share', 'replicate'] as const;
export const CROSS_DEVICE = ['via-host', 'rfc-noop'] as const;
export const INVALIDATION = ['per-unit', 'coalesced'] as const;
/** Device drivers whose victim order `victim=driver` can follow (src/systems/gmem/driver-victim.ts). */
export const GMEM_DRIVERS = ['nvidia-uvm'] as const;
/** `victim` values: the device driver's own order, or any registered eviction policy. */
export const GMEM_VICTIMS: readonly string[] = ['driver', ...EVICTION_POLICY_NAMES];

export const GMEM_DEFAULTS: Readonly<GmemParams> = {
  unitBytes: 2 * 1024 * KiB,
  victim: 'driver',
  driver: 'nvidia-uvm',
  mode: 'exclusive',
  chargePageTables: false,
  crossDevice: 'via-host',
  accessBitsRefresh: false,
  chargePeerVaFree: false,
  peerVaBytes: 0,
  prefetchWorkers: 4,
  invalidation: 'per-unit',
  peerMapFailRate: 0,
  hmadviseExtension: false,
};

export const GMEM_PARAM_DOCS: Readonly<Record<keyof GmemParams, ParamDoc>> = {
  unitBytes: { summary: 'migration unit (power of two, 4 KiB … 1 GiB)', unit: 'bytes' },
  victim: { summary: 'victim order when device frames run out: driver (the device driver\'s own order, see driver) or an eviction policy', values: GMEM_VICTIMS },
  driver: { summary: 'device driver behind GMEM whose victim order victim=driver follows (nvidia-uvm: least-recently-migrated-into 2 MiB chunk)', values: GMEM_DRIVERS },
  mode: { summary: 'MMU mode of the device contexts', values: GMEM_MODES },
  chargePageTables: { summary: 'X97 page-table pages come from device memory, wired' },
  crossDevice: { summary: 'device fault on another device\'s unit: migrate via host, or the RFC no-op', values: CROSS_DEVICE },
  accessBitsRefresh: { summary: 'device hits refresh victim recency (access bits)' },
  chargePeerVaFree: { summary: 'charge peer_va_free when a peer-shared range is freed' },
  peerVaBytes: { summary: 'peer VA space per PEER device (0 = unlimited)', unit: 'bytes' },
  prefetchWorkers: { summary: 'hmadvise PREFETCH workers', unit: 'count' },
  invalidation: { summary: 'device TLB invalidation of range operations', values: INVALIDATION },
  peerMapFailRate: { summary: 'fault injection: probability a peer_map(copy=true) fails (state-table row 13)', unit: 'fraction' },
  hmadviseExtension: { summary: 'accept willneed/pinned/unpin advice (openEuler extension); off = RFC: only PREFETCH and DONTNEED' },
};

/** Cross-parameter validation: a problem text, or undefined. */
export function validateGmemParams(p: Readonly<GmemParams>): string | undefined {
  const u = p.unitBytes;
  if (!(Number.isInteger(u) && u >= 4 * KiB && u <= GiB && (u & (u - 1)) === 0)) return `unitBytes must be a power of two from 4 KiB to 1 GiB (found ${u})`;
  if (!GMEM_VICTIMS.includes(p.victim)) return `victim must be one of ${GMEM_VICTIMS.join(', ')} (found '${p.victim}')`;
  if (!(GMEM_DRIVERS as readonly string[]).includes(p.driver)) return `driver must be one of ${GMEM_DRIVERS.join(', ')} (found '${p.driver}')`;
  if (!(GMEM_MODES as readonly string[]).includes(p.mode)) return `mode must be one of ${GMEM_MODES.join(', ')} (found '${p.mode}')`;
  if (!(CROSS_DEVICE as readonly string[]).includes(p.crossDevice)) return `crossDevice must be one of ${CROSS_DEVICE.join(', ')} (found '${p.crossDevice}')`;
  if (!(INVALIDATION as readonly string[]).includes(p.invalidation)) return `invalidation must be one of ${INVALIDATION.join(', ')} (found '${p.invalidation}')`;
  if (!(Number.isInteger(p.prefetchWorkers) && p.prefetchWorkers >= 1)) return `prefetchWorkers must be an integer >= 1 (found ${p.prefetchWorkers})`;
  if (!(p.peerVaBytes >= 0)) return `peerVaBytes must be >= 0 (found ${p.peerVaBytes})`;
  if (!(p.peerMapFailRate >= 0 && p.peerMapFailRate <= 1)) return `peerMapFailRate must be in [0, 1] (found ${p.peerMapFailRate})`;
  return undefined;
}
