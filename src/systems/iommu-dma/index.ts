import type { SystemDef, SystemPreset } from '../../sim/system';
import { IOMMU_DMA_DEFAULTS, IOMMU_DMA_PARAM_DOCS, validateIommuDmaParams, type IommuDmaParams } from './params';
import { IommuDmaModel } from './model';

/** NIC DMA through an IOMMU (docs/systems.md §iommu-dma). */
export const iommuDmaSystem: SystemDef<IommuDmaParams> = {
  name: 'iommu-dma',
  revision: 4,
  summary: 'IOMMU DMA API per packet buffer: IOVA alloc + PTEs per map; strict / deferred (flush queue) / batched (FreeBSD DMAR queued invalidation) / gmem-async invalidation; rxGbps and CPU ns per packet',
  defaults: IOMMU_DMA_DEFAULTS,
  params: IOMMU_DMA_PARAM_DOCS,
  validate: validateIommuDmaParams,
  create: (params, env) => new IommuDmaModel(params, env),
};

export const iommuDmaPreset: SystemPreset = {
  name: 'iommu-dma',
  summary: 'NIC DMA mapping; mode=strict|deferred|batched|gmem-async (nic-iommu platform)',
  def: iommuDmaSystem,
  params: {},
  defaultProfile: 'nic-iommu',
};

export type { IommuDmaParams } from './params';
