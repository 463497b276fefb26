import type { SystemDef, SystemPreset } from '../../sim/system';
import { GPUVM_SPARSE_DEFAULTS, GPUVM_SPARSE_PARAM_DOCS, validateGpuvmSparseParams, type GpuvmSparseParams } from './params';
import { GpuvmSparseModel } from './model';

/** Driver-managed device VA with explicit (sparse) binding (docs/systems.md §gpuvm-sparse). */
export const gpuvmSparseSystem: SystemDef<GpuvmSparseParams> = {
  name: 'gpuvm-sparse',
  revision: 4,
  summary: 'drm_gpuvm / VM_BIND / Vulkan sparse per driver (xe, amdgpu, nouveau, asahi): entries, tables, split rewrites, submissions and invalidations as each driver writes them',
  defaults: GPUVM_SPARSE_DEFAULTS,
  params: GPUVM_SPARSE_PARAM_DOCS,
  validate: validateGpuvmSparseParams,
  create: (params, env) => new GpuvmSparseModel(params, env),
};

export const gpuvmSparsePreset: SystemPreset = {
  name: 'gpuvm-sparse',
  summary: 'driver-managed VA, VM_BIND / sparse binding; driver=xe|amdgpu|nouveau|asahi|legacy',
  def: gpuvmSparseSystem,
  params: {},
};

export type { GpuvmSparseParams } from './params';
