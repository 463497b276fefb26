import { gmemLinux, gmemPaper } from './gmem/index';
import type { SystemPreset } from '../sim/system';
import { explicitCopyPreset } from './explicit-copy/index';
import { gpuvmSparsePreset } from './gpuvm-sparse/index';
import { hmmSvmPreset } from './hmm-svm/index';
import { iommuDmaPreset } from './iommu-dma/index';
import { uvmPreset } from './uvm/index';

/**
 * The system preset registry (what `--system` items name; docs/cli.md §2). Compiler-checked, key = preset name.
 * Adding a system: a folder under `src/systems/`, its presets here (one line each), contract tests.
 */
export const SYSTEM_PRESETS = {
  'gmem-linux': gmemLinux,
  'gmem-paper': gmemPaper,
  uvm: uvmPreset,
  'hmm-svm': hmmSvmPreset,
  'explicit-copy': explicitCopyPreset,
  'gpuvm-sparse': gpuvmSparsePreset,
  'iommu-dma': iommuDmaPreset,
} satisfies Record<string, SystemPreset>;

const presets = new Map<string, SystemPreset>(Object.entries(SYSTEM_PRESETS));

/** The preset named `name`, or undefined. */
export function systemPreset(name: string): SystemPreset | undefined {
  return presets.get(name);
}

/** All registered presets in registration order. */
export function listSystemPresets(): SystemPreset[] {
  return [...presets.values()];
}

/** Add a preset (notebooks); refuses a clash unless `override`. Returns false on a refused clash. */
export function registerSystemPreset(p: SystemPreset, opts: { override?: boolean } = {}): boolean {
  if (presets.has(p.name) && !opts.override) return false;
  presets.set(p.name, p);
  return true;
}
