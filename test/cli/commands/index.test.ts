import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { commands } from '../../../src/cli/commands/index';
import { main } from '../../../src/cli/main';
import { PROJECT_ROOT } from '../../../src/version';

const commandFile = (name: string): string => join(PROJECT_ROOT, 'src', 'cli', 'commands', `${name}.ts`);

test('gmemlab --help loads no command module: the registry holds names and summaries, each command loads on first use', async () => {
  let out = '';
  const code = await main(['--help'], { stdout: (s) => void (out += s), stderr: () => undefined, isTTY: false });
  assert.equal(code, 0);
  assert.match(out, /figures +regenerate the reproduced paper figures/);
  for (const f of ['figures', 'run', 'sweep', 'bench', 'import']) assert.equal(require.cache[commandFile(f)], undefined, `${f}.ts loaded by --help`);
  const profiles = commands.find((c) => c.name === 'profiles')!;
  assert.match(profiles.usage, /profiles/);
  assert.notEqual(require.cache[commandFile('profiles')], undefined, 'usage loads the command');
});

test("every registry entry's name and summary are those of the command it loads", () => {
  const files: Record<string, string> = { 'sweep-task': 'sweep-slurm' };
  for (const entry of commands) {
    const mod = require(commandFile(files[entry.name] ?? entry.name)) as Record<string, unknown>;
    const real = Object.values(mod).find((v) => typeof v === 'object' && v !== null && (v as { name?: unknown }).name === entry.name) as
      | { name: string; summary: string; usage: string; options: unknown }
      | undefined;
    assert.ok(real, `no command named ${entry.name} in its module`);
    assert.equal(entry.summary, real.summary, entry.name);
    assert.equal(entry.usage, real.usage, entry.name);
    assert.equal(entry.options, real.options, entry.name);
  }
});
