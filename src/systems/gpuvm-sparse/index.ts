import type { SystemDef, SystemPreset } from '../../sim/system';
import { GPUVM_SPARSE_DEFAULTS, GPUVM_SPARSE_PARAM_DOCS, validateGpuvmSparseParams, type GpuvmSparseParams } from './params';
import { GpuvmSparseModel } from './model';

/** Driver-managed device VA with explicit (sparse) binding (docs/systems.md §gpuvm-sparse). */
export const gpuvmSparseSystem: SystemDef<GpuvmSparseParams> = {
  name: 'gpuvm-sparse',
  summary: 'drm_gpuvm / VM_BIND / Vulkan sparse: binds charged per op, per PTE and per page-table level; NULL, compressed, read-only, aliased binds native',
  defaults: GPUVM_SPARSE_DEFAULTS,
  params: GPUVM_SPARSE_PARAM_DOCS,
  validate: validateGpuvmSparseParams,
  create: (params, env) => new GpuvmSparseModel(params, env),
};

export const gpuvmSparsePreset: SystemPreset = {
  name: 'gpuvm-sparse',
  summary: 'driver-managed VA, VM_BIND / sparse binding; submission=same-time|per-op',
  def: gpuvmSparseSystem,
  params: {},
};

export type { GpuvmSparseParams } from './params';
