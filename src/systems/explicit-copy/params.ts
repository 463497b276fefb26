import type { ParamDoc } from '../../params';

/** `explicit-copy` parameters (docs/gmem-model.md §8 "Explicit copy / TTM", §12). */
export interface ExplicitCopyParams extends Record<string, number | boolean | string> {
  swap: 'none' | 'lru-buffer';
  inferCopies: boolean;
  copyBack: 'on-cpu-access' | 'eager';
  overlapCopyCompute: boolean;
}

export const EXPLICIT_COPY_DEFAULTS: ExplicitCopyParams = {
  swap: 'none',
  inferCopies: true,
  copyBack: 'on-cpu-access',
  overlapCopyCompute: true,
};

export const EXPLICIT_COPY_PARAM_DOCS: Readonly<Record<keyof ExplicitCopyParams & string, ParamDoc>> = {
  swap: {
    summary: 'none: device memory is allocated at alloc and allocation beyond capacity is an OOM; lru-buffer: TTM-style whole-buffer eviction to host (with a copy) when a kernel needs room',
    values: ['none', 'lru-buffer'],
  },
  inferCopies: {
    summary: 'copy every buffer a kernel touches (between kernel_begin and kernel_end) in whole before it runs, if its device copy is stale; false: only the trace\'s own copy rows move data, and a device access to a stale buffer is a fault-error',
  },
  copyBack: { summary: 'buffers a kernel wrote are copied back whole before the next CPU access to them, or eagerly at kernel_end', values: ['on-cpu-access', 'eager'] },
  overlapCopyCompute: {
    summary: 'copies are issued as soon as their data is ready and overlap compute (streams); the kernel or CPU waits only for what has not arrived. false: every copy blocks',
  },
};

export function validateExplicitCopyParams(_p: Readonly<ExplicitCopyParams>): string | undefined {
  return undefined;
}
