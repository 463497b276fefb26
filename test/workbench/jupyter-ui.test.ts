import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { notebookServerArgs, notebookUrl, prepareWorkspace, spawnWithUmask } from '../../src/workbench/jupyter-ui';
import { tempDir } from '../helpers/temp-dir';
import { KERNEL_DISPLAY_NAME } from '../../src/workbench/kernel';
import { toolPaths } from '../../src/workbench/tool-env';
import { createHash } from 'node:crypto';
import { liveUiInBrowser } from './live-ui';
import { PROJECT_ROOT } from '../../src/version';

async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as { port: number }).port;
  srv.close();
  await once(srv, 'close');
  return port;
}

test('the server binds 127.0.0.1 only, opens the working folder (not notebooks/), offers only the gmemlab kernel, never opens a browser', () => {
  const args = notebookServerArgs({ port: 8890, root: '/p', allowRoot: false });
  assert.deepEqual(args, [
    'notebook', '--NotebookApp.ip=127.0.0.1', '--NotebookApp.port=8890', '--NotebookApp.port_retries=0', '--NotebookApp.open_browser=False',
    '--NotebookApp.notebook_dir=/p/out/workspace', '--NotebookApp.default_url=/tree',
    '--MappingKernelManager.default_kernel_name=tslab', '--KernelSpecManager.allowed_kernelspecs=["tslab"]',
    '--FileCheckpoints.checkpoint_dir=/p/.gmemlab-cache/jupyter/checkpoints',
  ]);
  assert.ok(!args.some((a) => /token/i.test(a)), 'the token is passed in the environment, not visible in ps');
  assert.ok(notebookServerArgs({ port: 1, root: '/p', allowRoot: true }).includes('--allow-root'));
  assert.ok(notebookServerArgs({ port: 1, root: '/p', dir: '/w', allowRoot: false }).includes('--NotebookApp.notebook_dir=/w'));
  assert.equal(notebookUrl(8890, 'abc'), 'http://127.0.0.1:8890/tree?token=abc');
});

test('the working folder gets a copy of each committed notebook once; copies are never overwritten; stale ones are named', () => {
  const root = tempDir('ws-root');
  mkdirSync(join(root, 'notebooks'));
  writeFileSync(join(root, 'notebooks', 'a.ipynb'), 'A1');
  writeFileSync(join(root, 'notebooks', 'b.ipynb'), 'B1');
  writeFileSync(join(root, 'notebooks', 'notes.md'), 'not a notebook');
  const ws = join(root, 'out', 'workspace');
  assert.deepEqual(prepareWorkspace(root, ws), { dir: ws, copied: ['a.ipynb', 'b.ipynb'], stale: [] });
  writeFileSync(join(ws, 'a.ipynb'), 'my work');
  utimesSync(join(ws, 'b.ipynb'), new Date(0), new Date(0));
  assert.deepEqual(prepareWorkspace(root, ws), { dir: ws, copied: [], stale: ['b.ipynb'] });
  assert.equal(readFileSync(join(ws, 'a.ipynb'), 'utf8'), 'my work', 'the user\'s copy is kept');
  assert.deepEqual(readdirSync(ws).sort(), ['a.ipynb', 'b.ipynb']);
});

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

test('npm run notebook serves copies of the notebooks with the gmemlab kernel, refuses requests without the token, and (browser) runs a new notebook and Run All without touching notebooks/', async () => {
  const port = await freePort();
  const token = 'gmemlab-test-token-0123456789';
  const ws = join(tempDir('ui-ws'), 'workspace');
  const committed = readdirSync(join(PROJECT_ROOT, 'notebooks')).filter((f) => f.endsWith('.ipynb')).sort();
  const tourHash = sha(join(PROJECT_ROOT, 'notebooks', 'tour.ipynb'));
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'scripts', 'notebook.mjs'), '--port', String(port), '--dir', ws], {
    cwd: PROJECT_ROOT,
    // the kernel runs as a user's does: without the debug invariants (far too slow on the tour's paper-sized inputs)
    env: { ...process.env, GMEMLAB_DEBUG: undefined, JUPYTER_TOKEN: token },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const exited = once(child, 'exit');
  try {
    // wait for the announcement or the server's end, whichever comes first (no deadline of our own)
    const announced = await new Promise<boolean>((resolve) => {
      const check = (): void => {
        if (out.includes(notebookUrl(port, token))) resolve(true);
      };
      child.stdout.on('data', check);
      child.on('exit', () => resolve(out.includes(notebookUrl(port, token))));
      check();
    });
    if (!announced) assert.fail(`server did not announce its address:\n${out}\n${err}`);
    const base = `http://127.0.0.1:${port}`;
    assert.equal((await fetch(`${base}/api/kernelspecs`)).status, 403, 'no token, no access');
    const specs = (await (await fetch(`${base}/api/kernelspecs?token=${token}`)).json()) as { default: string; kernelspecs: Record<string, { spec: { display_name: string; argv: string[] } }> };
    assert.equal(specs.kernelspecs.tslab?.spec.display_name, KERNEL_DISPLAY_NAME);
    assert.equal(specs.kernelspecs.tslab?.spec.argv[1], join(PROJECT_ROOT, 'scripts', 'tslab-kernel.js'));
    // issue 16: only the TypeScript kernel, also the default (a never-saved notebook does not reopen on Python)
    assert.deepEqual(Object.keys(specs.kernelspecs), ['tslab']);
    assert.equal(specs.default, 'tslab');
    // the UI serves the working folder with a copy of every committed notebook; notebooks/ is out of its reach
    const dir = (await (await fetch(`${base}/api/contents?token=${token}`)).json()) as { content: Array<{ name: string }> };
    assert.deepEqual(dir.content.map((f) => f.name).filter((n) => n.endsWith('.ipynb')).sort(), committed);
    assert.notEqual((await fetch(`${base}/api/contents/notebooks/tour.ipynb?token=${token}`)).status, 200, 'committed notebooks are not served');
    const cp = await fetch(`${base}/api/contents/tour.ipynb/checkpoints?token=${token}`, { method: 'POST' });
    assert.equal(cp.status, 201, 'a checkpoint can be saved');
    assert.ok(existsSync(join(toolPaths(PROJECT_ROOT).checkpoints, 'tour-checkpoint.ipynb')), 'checkpoints go to the cache');
    assert.ok(!existsSync(join(PROJECT_ROOT, 'notebooks', '.ipynb_checkpoints')), 'no checkpoint folder beside the notebooks');
    const paths = toolPaths(PROJECT_ROOT);
    const runtime = readdirSync(paths.jupyterRuntime);
    const info = runtime.find((f) => /^nbserver-\d+\.json$/.test(f) && readFileSync(join(paths.jupyterRuntime, f), 'utf8').includes(`"port": ${port}`));
    assert.ok(info, `server runtime file inside the project: ${runtime.join(', ')}`);
    // issue 18: the token is readable by this user only — folders 0700, the server's files 0600
    const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8);
    assert.equal(mode(paths.jupyterRuntime), '700', 'runtime folder');
    assert.equal(mode(paths.jupyterData), '700', 'data folder');
    const pid = /^nbserver-(\d+)\.json$/.exec(info)![1]!;
    const serverFiles = runtime.filter((f) => f.startsWith(`nbserver-${pid}`));
    assert.ok(serverFiles.length >= 1);
    for (const f of serverFiles) assert.equal(mode(join(paths.jupyterRuntime, f)), '600', f);
    // and the server itself runs under umask 077, so whatever else it writes is private too
    assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /^Umask:\s+0077$/m);
    await liveUiInBrowser(base, token, ws);
    assert.equal(sha(join(PROJECT_ROOT, 'notebooks', 'tour.ipynb')), tourHash, 'Run All and save left the committed tour.ipynb unchanged');
    assert.ok(!existsSync(join(PROJECT_ROOT, 'notebooks', 'Untitled.ipynb')), 'the new notebook was not saved in notebooks/');
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
});

test('a child started with spawnWithUmask gets that umask; this process keeps its own', async () => {
  const before = process.umask(0o022);
  try {
    const child = spawnWithUmask(0o077, () => spawn('/bin/sh', ['-c', 'umask'], { stdio: ['ignore', 'pipe', 'ignore'] }));
    let text = '';
    child.stdout.on('data', (b: Buffer) => (text += b.toString()));
    await once(child, 'close');
    assert.equal(text.trim(), '0077');
    assert.equal(process.umask(0o022), 0o022, 'restored after the spawn');
  } finally {
    process.umask(before);
  }
});
