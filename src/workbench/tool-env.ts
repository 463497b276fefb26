import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where external tools keep their state. gmemlab writes nothing outside the project folder (except Debian
 * packages, npm's cache and short-lived OS temp files), so every Jupyter and Chromium process it starts gets
 * an environment pointing all of its configuration, data, runtime and cache folders into
 * `<project>/.gmemlab-cache/` (git-ignored).
 */
export interface ToolPaths {
  /** `<project>/.gmemlab-cache` */
  readonly cache: string;
  readonly jupyterConfig: string;
  readonly jupyterData: string;
  readonly jupyterRuntime: string;
  /** Kernelspec folder of the project-local tslab kernel. */
  readonly kernelDir: string;
  readonly ipython: string;
  /** Used as HOME for tool processes: catches any tool that writes under `~` without asking XDG. */
  readonly home: string;
  readonly xdgConfig: string;
  readonly xdgCache: string;
  readonly xdgData: string;
  readonly xdgState: string;
  readonly matplotlib: string;
  /** Chromium's profile (`--user-data-dir`). */
  readonly chromiumProfile: string;
  /** Jupyter UI checkpoints (instead of `.ipynb_checkpoints/` beside each notebook). */
  readonly checkpoints: string;
}

/** Name of the project-local Jupyter kernel (kernelspec folder name, notebooks' `kernelspec.name`). */
export const KERNEL_NAME = 'tslab';

/** The tool-state paths for a project root. Pure (creates nothing). */
export function toolPaths(projectRoot: string): ToolPaths {
  const cache = join(projectRoot, '.gmemlab-cache');
  const jupyterData = join(cache, 'jupyter', 'data');
  return {
    cache,
    jupyterConfig: join(cache, 'jupyter', 'config'),
    jupyterData,
    jupyterRuntime: join(cache, 'jupyter', 'runtime'),
    kernelDir: join(jupyterData, 'kernels', KERNEL_NAME),
    ipython: join(cache, 'ipython'),
    home: join(cache, 'home'),
    xdgConfig: join(cache, 'xdg', 'config'),
    xdgCache: join(cache, 'xdg', 'cache'),
    xdgData: join(cache, 'xdg', 'data'),
    xdgState: join(cache, 'xdg', 'state'),
    matplotlib: join(cache, 'matplotlib'),
    chromiumProfile: join(cache, 'chromium-profile'),
    checkpoints: join(cache, 'jupyter', 'checkpoints'),
  };
}

/**
 * Environment for a Jupyter or Chromium process started by gmemlab: `base` (usually `process.env`) with every
 * state folder redirected into the project. `PYTHONDONTWRITEBYTECODE` stops Python (running as root) from
 * writing `__pycache__` into system folders; `JUPYTER_PLATFORM_DIRS` is cleared so the variables above win.
 */
export function toolEnv(projectRoot: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const p = toolPaths(projectRoot);
  const env: NodeJS.ProcessEnv = {
    ...base,
    HOME: p.home,
    JUPYTER_CONFIG_DIR: p.jupyterConfig,
    JUPYTER_DATA_DIR: p.jupyterData,
    JUPYTER_RUNTIME_DIR: p.jupyterRuntime,
    IPYTHONDIR: p.ipython,
    XDG_CONFIG_HOME: p.xdgConfig,
    XDG_CACHE_HOME: p.xdgCache,
    XDG_DATA_HOME: p.xdgData,
    XDG_STATE_HOME: p.xdgState,
    MPLCONFIGDIR: p.matplotlib,
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONNOUSERSITE: '1',
  };
  delete env.JUPYTER_PLATFORM_DIRS;
  return env;
}

/** Create the state folders (idempotent). */
export function ensureToolDirs(projectRoot: string): ToolPaths {
  const p = toolPaths(projectRoot);
  for (const dir of [p.jupyterConfig, p.jupyterData, p.jupyterRuntime, p.home, p.xdgConfig, p.xdgCache, p.xdgData, p.xdgState]) {
    mkdirSync(dir, { recursive: true });
  }
  return p;
}
