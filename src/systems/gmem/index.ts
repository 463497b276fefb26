import { KiB, MiB } from '../../units';
import type { SystemDef, SystemPreset } from '../../sim/system';
import { GmemModel } from './model';
import { GMEM_DEFAULTS, GMEM_PARAM_DOCS, validateGmemParams, type GmemParams } from './params';

/**
 * The GMEM model definition (one model behind both presets). Revision 2: victims in the device driver's
 * order (`victim=driver`, gmem-linux) and hmadvise per the RFC (`hmadviseExtension` off); 3: a row larger than the
 * platform's memory is the engine's oom; 4: an access to an allocation of another kind than its unit's is served by
 * its own allocation's kind (state-table.ts `neighbourAccess`); 5: the free of a `device` allocation charges no
 * peer_unmap per unit (ranges.ts `discard`).
 */
export const gmem: SystemDef<GmemParams> = {
  name: 'gmem',
  revision: 5,
  summary: 'GMEM: core-OS device memory management (logical page table, MMU modes, hmadvise, host swap backup)',
  defaults: GMEM_DEFAULTS,
  params: GMEM_PARAM_DOCS,
  validate: validateGmemParams,
  // every device's frame pool holds capacity / unitBytes frames (residency.ts attachDevices)
  deviceUnit: (params) => ({ bytes: params.unitBytes, what: 'migration unit', param: 'unitBytes' }),
  create: (params, env) => new GmemModel(params, env),
};

/** `gmem-linux`: Linux RFC semantics (docs/gmem-model.md §7 decision A). */
export const gmemLinux: SystemPreset = {
  name: 'gmem-linux',
  summary: 'GMEM, Linux RFC semantics (2 MiB unit, exclusive; victims in the device driver\'s order, nvidia-uvm by default; hmadvise PREFETCH/DONTNEED)',
  def: gmem,
  params: { unitBytes: 2 * MiB, victim: 'driver', driver: 'nvidia-uvm', mode: 'exclusive', chargePageTables: false, crossDevice: 'via-host' },
};

/** `gmem-paper`: paper era / X97 (4 KiB unit, FIFO, any MMU mode, page tables charged); defaults to x97-sim. */
export const gmemPaper: SystemPreset = {
  name: 'gmem-paper',
  summary: 'GMEM, paper era / X97 (4 KiB unit, FIFO, mode = exclusive|share|replicate; default profile x97-sim)',
  def: gmem,
  params: { unitBytes: 4 * KiB, victim: 'fifo', mode: 'exclusive', chargePageTables: true, crossDevice: 'via-host' },
  defaultProfile: 'x97-sim',
};
