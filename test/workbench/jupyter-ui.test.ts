import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { notebookServerArgs, notebookUrl, spawnWithUmask } from '../../src/workbench/jupyter-ui';
import { KERNEL_DISPLAY_NAME } from '../../src/workbench/kernel';
import { toolPaths } from '../../src/workbench/tool-env';
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

test('the server binds 127.0.0.1 only, opens notebooks/, never opens a browser and never moves to another port', () => {
  const args = notebookServerArgs({ port: 8890, root: '/p', allowRoot: false });
  assert.deepEqual(args, [
    'notebook', '--NotebookApp.ip=127.0.0.1', '--NotebookApp.port=8890', '--NotebookApp.port_retries=0', '--NotebookApp.open_browser=False',
    '--NotebookApp.notebook_dir=/p', '--NotebookApp.default_url=/tree/notebooks', '--FileCheckpoints.checkpoint_dir=/p/.gmemlab-cache/jupyter/checkpoints',
  ]);
  assert.ok(!args.some((a) => /token/i.test(a)), 'the token is passed in the environment, not visible in ps');
  assert.ok(notebookServerArgs({ port: 1, root: '/p', allowRoot: true }).includes('--allow-root'));
  assert.equal(notebookUrl(8890, 'abc'), 'http://127.0.0.1:8890/tree/notebooks?token=abc');
});

test('npm run notebook serves the notebooks with the gmemlab kernel and refuses requests without the token', async () => {
  const port = await freePort();
  const token = 'gmemlab-test-token-0123456789';
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'scripts', 'notebook.mjs'), '--port', String(port)], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, JUPYTER_TOKEN: token },
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
    const specs = (await (await fetch(`${base}/api/kernelspecs?token=${token}`)).json()) as { kernelspecs: Record<string, { spec: { display_name: string; argv: string[] } }> };
    assert.equal(specs.kernelspecs.tslab?.spec.display_name, KERNEL_DISPLAY_NAME);
    assert.equal(specs.kernelspecs.tslab?.spec.argv[1], join(PROJECT_ROOT, 'scripts', 'tslab-kernel.js'));
    const dir = (await (await fetch(`${base}/api/contents/notebooks?token=${token}`)).json()) as { content: Array<{ name: string }> };
    assert.ok(dir.content.some((f) => f.name === 'tour.ipynb'));
    const cp = await fetch(`${base}/api/contents/notebooks/tour.ipynb/checkpoints?token=${token}`, { method: 'POST' });
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
