import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic';
import { KERNEL_NAME, toolPaths } from './tool-env';

/** Display name of the project-local kernel in Jupyter's kernel menu. */
export const KERNEL_DISPLAY_NAME = 'TypeScript (gmemlab)';

/** A Jupyter kernelspec (`kernel.json`). */
export interface KernelSpec {
  readonly argv: readonly string[];
  readonly display_name: string;
  readonly language: string;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * The kernelspec of the project-local tslab kernel. It starts `scripts/tslab-kernel.js` (which makes the
 * project root the kernel's working folder and then runs the project's own tslab) with the Node.js running
 * gmemlab now. Paths are absolute: `ensureKernel` rewrites the file whenever they change (moved clone, other
 * Node), so a stale spec never survives a set-up.
 */
export function kernelSpec(projectRoot: string, nodePath: string = process.execPath): KernelSpec {
  return {
    argv: [nodePath, join(projectRoot, 'scripts', 'tslab-kernel.js'), 'kernel', '--config-path', '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
    metadata: { gmemlab: { projectRoot } },
  };
}

/**
 * Register the kernel inside the project (`.gmemlab-cache/jupyter/data/kernels/tslab/kernel.json`), found by
 * Jupyter through `JUPYTER_DATA_DIR` (see tool-env.ts). Writes only when the content differs. Returns the path.
 */
export function ensureKernel(projectRoot: string, nodePath: string = process.execPath): string {
  const dir = toolPaths(projectRoot).kernelDir;
  const file = join(dir, 'kernel.json');
  const text = `${JSON.stringify(kernelSpec(projectRoot, nodePath), null, 2)}\n`;
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return file;
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(file, text);
  return file;
}

/** Re-exported: the kernelspec name notebooks use. */
export { KERNEL_NAME };
