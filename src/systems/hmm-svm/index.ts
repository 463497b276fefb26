import type { SystemDef, SystemPreset } from '../../sim/system';
import { HMM_SVM_DEFAULTS, HMM_SVM_PARAM_DOCS, validateHmmSvmParams, type HmmSvmParams } from './params';
import { HmmSvmModel } from './model';

/** HMM / AMD KFD SVM mirroring (docs/systems.md §hmm-svm). Revision 6: `device` allocations take VRAM (ranges.ts `deviceAlloc`). */
export const hmmSvmSystem: SystemDef<HmmSvmParams> = {
  name: 'hmm-svm',
  revision: 7,
  summary: 'HMM/KFD SVM mirroring: MMU-notifier callbacks, 2 MiB migration units, GPU retry faults (2 ms drop window) or queue eviction',
  defaults: HMM_SVM_DEFAULTS,
  params: HMM_SVM_PARAM_DOCS,
  validate: validateHmmSvmParams,
  // the VRAM frame pool holds capacity / granularityBytes frames (state.ts)
  deviceUnit: (params) => ({ bytes: params.granularityBytes, what: 'migration unit', param: 'granularityBytes' }),
  create: (params, env) => new HmmSvmModel(params, env),
};

/** `hmm-svm` preset: KFD defaults (retry faults on); `hmm-svm:retryFaults=false` for XNACK-off behaviour. */
export const hmmSvmPreset: SystemPreset = {
  name: 'hmm-svm',
  summary: 'HMM / AMD KFD SVM mirroring; retryFaults=true|false',
  def: hmmSvmSystem,
  params: {},
};

export type { HmmSvmParams } from './params';
