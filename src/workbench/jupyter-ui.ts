import { spawn } from 'node:child_process';
import { oneLineArgError } from '../log/arg-error';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../version';
import { ensureKernel } from './kernel';
import { JUPYTER } from './notebook-runner';
import { ensureToolDirs, protectRuntimeFiles, TOOL_UMASK, toolEnv, toolPaths } from './tool-env';

/**
 * `npm run notebook`: Debian's classic Jupyter Notebook UI with the project-local tslab kernel, listening on
 * 127.0.0.1 only, with token authentication, opening notebooks/. All Jupyter state (config, runtime files,
 * the notebook signature store, the kernelspec) lives in .gmemlab-cache/ (tool-env.ts).
 */

export const NOTEBOOK_USAGE = `Usage: npm run notebook [-- --port <n>]

Starts the classic Jupyter Notebook on http://127.0.0.1:<port> (default 8888) with the gmemlab TypeScript
kernel and prints the address to open, including the access token. Stop it with Ctrl-C.
The token is random per start unless JUPYTER_TOKEN is set.
`;

/** How to start the notebook server. */
export interface NotebookServerOptions {
  readonly port: number;
  readonly root: string;
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
    `--NotebookApp.notebook_dir=${o.root}`,
    '--NotebookApp.default_url=/tree/notebooks',
    // Checkpoints (the UI's autosave copies) go to the cache instead of .ipynb_checkpoints/ beside notebooks.
    `--FileCheckpoints.checkpoint_dir=${toolPaths(o.root).checkpoints}`,
    ...(o.allowRoot ? ['--allow-root'] : []),
  ];
}

/** The address to open. */
export function notebookUrl(port: number, token: string): string {
  return `http://127.0.0.1:${port}/tree/notebooks?token=${token}`;
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
    args = parseArgs({ args: [...argv], options: { port: { type: 'string', default: '8888' }, help: { type: 'boolean', short: 'h' } }, strict: true });
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
  const token = process.env.JUPYTER_TOKEN || randomBytes(24).toString('hex');
  const env = { ...toolEnv(root), JUPYTER_TOKEN: token };
  const allowRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const child = spawnWithUmask(TOOL_UMASK, () => spawn(JUPYTER, notebookServerArgs({ port, root, allowRoot }), { cwd: root, env, stdio: ['inherit', 'inherit', 'pipe'] }));
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
