import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
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

/** Where a caller moves the tools' home-like state (a test gives each run a private, temporary home). */
export interface ToolHomeOptions {
  /**
   * Use this folder as HOME for tool processes, with the XDG folders, IPython, matplotlib and Chromium's
   * profile inside it (`.config`, `.cache`, `.local/share`, `.local/state`, `.ipython`, `.matplotlib`,
   * `chromium-profile`). Jupyter's config, data (kernelspec, notebook signatures) and runtime folders stay in
   * the project. Default: `<project>/.gmemlab-cache/home` and its sibling folders.
   */
  readonly home?: string;
}

/** The tool-state paths for a project root. Pure (creates nothing). */
export function toolPaths(projectRoot: string, opts: ToolHomeOptions = {}): ToolPaths {
  const cache = join(projectRoot, '.gmemlab-cache');
  const jupyterData = join(cache, 'jupyter', 'data');
  const jupyter = {
    cache,
    jupyterConfig: join(cache, 'jupyter', 'config'),
    jupyterData,
    jupyterRuntime: join(cache, 'jupyter', 'runtime'),
    kernelDir: join(jupyterData, 'kernels', KERNEL_NAME),
    checkpoints: join(cache, 'jupyter', 'checkpoints'),
  };
  const h = opts.home;
  if (h !== undefined) {
    return {
      ...jupyter,
      ipython: join(h, '.ipython'),
      home: h,
      xdgConfig: join(h, '.config'),
      xdgCache: join(h, '.cache'),
      xdgData: join(h, '.local', 'share'),
      xdgState: join(h, '.local', 'state'),
      matplotlib: join(h, '.matplotlib'),
      chromiumProfile: join(h, 'chromium-profile'),
    };
  }
  return {
    ...jupyter,
    ipython: join(cache, 'ipython'),
    home: join(cache, 'home'),
    xdgConfig: join(cache, 'xdg', 'config'),
    xdgCache: join(cache, 'xdg', 'cache'),
    xdgData: join(cache, 'xdg', 'data'),
    xdgState: join(cache, 'xdg', 'state'),
    matplotlib: join(cache, 'matplotlib'),
    chromiumProfile: join(cache, 'chromium-profile'),
  };
}

/**
 * Environment for a Jupyter or Chromium process started by gmemlab: `base` (usually `process.env`) with every
 * state folder redirected into the project. `PYTHONDONTWRITEBYTECODE` stops Python (running as root) from
 * writing `__pycache__` into system folders; `JUPYTER_PLATFORM_DIRS` is cleared so the variables above win.
 */
export function toolEnv(projectRoot: string, base: NodeJS.ProcessEnv = process.env, opts: ToolHomeOptions = {}): NodeJS.ProcessEnv {
  const p = toolPaths(projectRoot, opts);
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

/**
 * Folders only the user may enter (mode 0700): Jupyter's runtime folder holds the server's token
 * (`nbserver-<pid>.json`, `-open.html`) and kernel connection files with their HMAC keys; its data folder
 * holds the notebook-signing secret.
 */
export const PRIVATE_DIR_MODE = 0o700;
/** Mode of the files in the runtime folder (see `protectRuntimeFiles`). */
export const PRIVATE_FILE_MODE = 0o600;
/** umask of the Jupyter processes gmemlab starts: every file they create is readable by the user only. */
export const TOOL_UMASK = 0o077;

/** `mkdir -p` then chmod 0700, also when the folder already existed with a wider mode. */
function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Make every regular file in Jupyter's runtime folder 0600 (symlinks are left alone: chmod would follow
 * them). Run at start (files of earlier servers) and once the server is up (its own files, in case a
 * Jupyter version ignores the umask). Returns the files changed.
 */
export function protectRuntimeFiles(projectRoot: string): string[] {
  const dir = toolPaths(projectRoot).jupyterRuntime;
  const changed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return changed;
  }
  for (const n of names) {
    const f = join(dir, n);
    try {
      const st = lstatSync(f);
      if (!st.isFile() || (st.mode & 0o777) === PRIVATE_FILE_MODE) continue;
      chmodSync(f, PRIVATE_FILE_MODE);
      changed.push(f);
    } catch {
      // removed meanwhile (a server or kernel shutting down): nothing to protect
    }
  }
  return changed;
}

/** Create the state folders (idempotent); Jupyter's runtime and data folders private (0700). */
export function ensureToolDirs(projectRoot: string, opts: ToolHomeOptions = {}): ToolPaths {
  const p = toolPaths(projectRoot, opts);
  for (const dir of [p.jupyterConfig, p.home, p.xdgConfig, p.xdgCache, p.xdgData, p.xdgState]) {
    mkdirSync(dir, { recursive: true });
  }
  ensurePrivateDir(p.jupyterData);
  ensurePrivateDir(p.jupyterRuntime);
  protectRuntimeFiles(projectRoot);
  return p;
}
