import type { SystemDef, SystemPreset } from '../../sim/system';
import { EXPLICIT_COPY_DEFAULTS, EXPLICIT_COPY_PARAM_DOCS, validateExplicitCopyParams, type ExplicitCopyParams } from './params';
import { ExplicitCopyModel } from './model';

/** Explicit buffers with whole-buffer copies (docs/systems.md §explicit-copy). */
export const explicitCopySystem: SystemDef<ExplicitCopyParams> = {
  name: 'explicit-copy',
  revision: 2,
  summary: 'no demand paging: whole buffers copied in before the kernels that use them and back before CPU use; OOM or LRU buffer swap',
  defaults: EXPLICIT_COPY_DEFAULTS,
  params: EXPLICIT_COPY_PARAM_DOCS,
  validate: validateExplicitCopyParams,
  create: (params, env) => new ExplicitCopyModel(params, env),
};

export const explicitCopyPreset: SystemPreset = {
  name: 'explicit-copy',
  summary: 'copies at kernel boundaries; swap=none|lru-buffer, copyBack=on-cpu-access|eager',
  def: explicitCopySystem,
  params: {},
};

export type { ExplicitCopyParams } from './params';
