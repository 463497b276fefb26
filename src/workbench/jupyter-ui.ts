import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic';
import { classicCustomJs, readVegaLib, VEGA_BROWSER_LIBS } from '../display/vega-embed';
import { VEGALITE_MIME } from '../analysis/render';
import { oneLineArgError } from '../log/arg-error';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../version';
import { ensureKernel } from './kernel';
import { JUPYTER } from './notebook-runner';
import { ensureToolDirs, KERNEL_NAME, protectRuntimeFiles, TOOL_UMASK, toolEnv, toolPaths } from './tool-env';

/**
 * `npm run notebook`: Debian's classic Jupyter Notebook UI with the project-local tslab kernel, listening on
 * 127.0.0.1 only, with token authentication. All Jupyter state (config, runtime files, the notebook
 * signature store, the kernelspec) lives in .gmemlab-cache/ (tool-env.ts).
 *
 * The committed notebooks are never opened in place: the UI serves a workspace folder (default
 * `out/workspace/`, git-ignored) holding a copy of each notebook of notebooks/ (copied when missing, so your
 * edits and outputs survive a restart), and new notebooks are saved there too. The only kernel offered is the
 * gmemlab TypeScript kernel, which is also the default for a notebook without kernel metadata (one created
 * and never saved). The UI draws vega-lite outputs interactively with vega-embed served from the local
 * server (custom.js in Jupyter's config folder; src/display/vega-embed.ts).
 */

export const NOTEBOOK_USAGE = `Usage: npm run notebook [-- --port <n>] [--dir <folder>]

Starts the classic Jupyter Notebook on http://127.0.0.1:<port> (default 8888) with the gmemlab TypeScript
kernel and prints the address to open, including the access token. Stop it with Ctrl-C.
The token is random per start unless JUPYTER_TOKEN is set.
The UI opens a working folder (default out/workspace) holding copies of notebooks/*.ipynb, made when
missing: the committed notebooks are never changed. Delete a copy to get a fresh one. New notebooks are
saved in the working folder.
`;

/** The default working folder of the UI, relative to the project root. */
export const DEFAULT_WORKSPACE = join('out', 'workspace');

/** What `prepareWorkspace` did. */
export interface WorkspaceReport {
  readonly dir: string;
  /** Notebooks copied from notebooks/ now (file names). */
  readonly copied: readonly string[];
  /** Copies older than their committed notebook (the committed one changed since): file names. */
  readonly stale: readonly string[];
}

/**
 * Create the working folder and copy every `notebooks/*.ipynb` that has no copy there yet. Existing copies are
 * left alone (they hold the user's work); copies older than the committed file are reported as stale.
 */
export function prepareWorkspace(root: string, dir: string): WorkspaceReport {
  mkdirSync(dir, { recursive: true });
  const src = join(root, 'notebooks');
  const copied: string[] = [];
  const stale: string[] = [];
  const names = existsSync(src) ? readdirSync(src).filter((f) => f.endsWith('.ipynb')).sort() : [];
  for (const name of names) {
    const from = join(src, name);
    const to = join(dir, name);
    if (!existsSync(to)) {
      copyFileSync(from, to);
      copied.push(name);
    } else if (statSync(to).mtimeMs < statSync(from).mtimeMs) stale.push(name);
  }
  return { dir, copied, stale };
}

/**
 * Write the classic UI's `custom/custom.js` (interactive vega-lite outputs) and the three library files it
 * loads into Jupyter's config folder; each file only when its content differs. Returns the folder.
 */
export function ensureClassicCustom(root: string): string {
  const dir = join(toolPaths(root).jupyterConfig, 'custom');
  mkdirSync(dir, { recursive: true });
  const files: Array<[string, string]> = [['custom.js', classicCustomJs(VEGALITE_MIME)]];
  for (const lib of VEGA_BROWSER_LIBS) files.push([basename(lib.file), readVegaLib(lib.file, root)]);
  for (const [name, text] of files) {
    const p = join(dir, name);
    if (!existsSync(p) || readFileSync(p, 'utf8') !== text) writeFileAtomic(p, text);
  }
  return dir;
}

/** How to start the notebook server. */
export interface NotebookServerOptions {
  readonly port: number;
  readonly root: string;
  /** The folder the UI opens and saves into (absolute; default `<root>/out/workspace`). */
  readonly dir?: string;
  /** Add --allow-root (Jupyter refuses to run as root without it). */
  readonly allowRoot: boolean;
}

/** Arguments for `jupyter` (the token travels in the environment, not on the command line). */
export function notebookServerArgs(o: NotebookServerOptions): string[] {
  return [
    'notebook',
    '--NotebookApp.ip=127.0.0.1',
    `--NotebookApp.port=${o.port}`,
    '--NotebookApp.port_retries=0',
    '--NotebookApp.open_browser=False',
    `--NotebookApp.notebook_dir=${o.dir ?? join(o.root, DEFAULT_WORKSPACE)}`,
    '--NotebookApp.default_url=/tree',
    // Only the gmemlab kernel, also for notebooks without kernel metadata (never saved): no Python fallback.
    `--MappingKernelManager.default_kernel_name=${KERNEL_NAME}`,
    `--KernelSpecManager.allowed_kernelspecs=${JSON.stringify([KERNEL_NAME])}`,
    // Checkpoints (the UI's autosave copies) go to the cache instead of .ipynb_checkpoints/ beside notebooks.
    `--FileCheckpoints.checkpoint_dir=${toolPaths(o.root).checkpoints}`,
    ...(o.allowRoot ? ['--allow-root'] : []),
  ];
}

/** The address to open. */
export function notebookUrl(port: number, token: string): string {
  return `http://127.0.0.1:${port}/tree?token=${token}`;
}

/**
 * Start a child process with `mask` as its umask (a child inherits its parent's), restoring this process's
 * umask right after the (synchronous) spawn. Jupyter writes its token files and kernel connection files
 * with the umask, so under 0o077 they are 0600 and never readable by other local users.
 */
export function spawnWithUmask<T>(mask: number, start: () => T): T {
  const saved = process.umask(mask);
  try {
    return start();
  } finally {
    process.umask(saved);
  }
}

/** Run the notebook server in the foreground until it exits; returns its exit code. */
export async function notebookMain(argv: readonly string[], root: string = PROJECT_ROOT): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: [...argv], options: { port: { type: 'string', default: '8888' }, dir: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  } catch (e) {
    process.stderr.write(`argument: ${oneLineArgError(e)}\n${NOTEBOOK_USAGE}`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(NOTEBOOK_USAGE);
    return 0;
  }
  const port = Number(args.values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    process.stderr.write(`argument: bad value for --port (expected an integer 1..65535, found ${JSON.stringify(args.values.port)})\n`);
    return 2;
  }
  ensureToolDirs(root);
  ensureKernel(root);
  ensureClassicCustom(root);
  const ws = prepareWorkspace(root, resolve(args.values.dir ?? join(root, DEFAULT_WORKSPACE)));
  if (ws.copied.length) process.stdout.write(`gmemlab: copied ${ws.copied.join(', ')} from notebooks/ to ${ws.dir}\n`);
  if (ws.stale.length) process.stdout.write(`gmemlab: notebooks/ has newer versions of ${ws.stale.join(', ')}; delete the copies in ${ws.dir} to get them\n`);
  const token = process.env.JUPYTER_TOKEN || randomBytes(24).toString('hex');
  const env = { ...toolEnv(root), JUPYTER_TOKEN: token };
  const allowRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const child = spawnWithUmask(TOOL_UMASK, () => spawn(JUPYTER, notebookServerArgs({ port, root, dir: ws.dir, allowRoot }), { cwd: root, env, stdio: ['inherit', 'inherit', 'pipe'] }));
  let announced = false;
  child.stderr.on('data', (b: Buffer) => {
    process.stderr.write(b);
    if (!announced && /is running at|Jupyter Notebook .* running/.test(b.toString())) {
      announced = true;
      protectRuntimeFiles(root); // the server's files exist now; 0600 already under the umask, made sure here
      process.stdout.write(`\ngmemlab: Jupyter is ready. Open this address in a browser (kernel "TypeScript (gmemlab)"):\n\n    ${notebookUrl(port, token)}\n\n`);
    }
  });
  // Ctrl-C reaches Jupyter too (same process group); stay alive until it has shut down its kernels.
  const ignore = (): void => {};
  process.on('SIGINT', ignore);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  return new Promise((resolve) => {
    child.on('error', (e) => {
      process.stderr.write(`gmemlab: cannot start ${JUPYTER}: ${e.message}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? (signal ? 130 : 1));
    });
  });
}
