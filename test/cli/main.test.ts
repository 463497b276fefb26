import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/main';
import type { Command } from '../../src/cli/command';
import { fail } from '../../src/log/diagnostic';
import { ioMessages } from '../../src/log/messages/io';
import { capture } from '../helpers/cli';

const cmds: Command[] = [
  { name: 'ok', summary: 'succeeds', usage: 'gmemlab ok\n', options: { n: { type: 'string' } }, run: async () => 0 },
  { name: 'bad', summary: 'bad input', usage: '', options: {}, run: async () => fail(ioMessages.notFound({ file: 'x.csv', line: 1, col: 1 })) },
  { name: 'bug', summary: 'internal error', usage: '', options: {}, run: async () => { throw new Error('boom'); } },
];

test('unknown commands and unknown flags exit 2 with an argument: line', async () => {
  const io = capture();
  assert.equal(await main(['nope'], io, cmds), 2);
  assert.match(io.err, /^error \[cli\.unknown-command\] argument: unknown command 'nope'; known commands are ok, bad, bug\n$/);
  const io2 = capture();
  assert.equal(await main(['ok', '--zzz'], io2, cmds), 2);
  assert.match(io2.err, /^error \[cli\.bad-arguments\] argument: ok: /);
});

test('bad input exits 2 with file:line:col first and no stack trace', async () => {
  const io = capture();
  assert.equal(await main(['bad'], io, cmds), 2);
  assert.equal(io.err, 'error [io.not-found] x.csv:1:1: file not found\n');
});

test('internal errors exit 1 with a stack trace and a request to report', async () => {
  const io = capture();
  assert.equal(await main(['bug'], io, cmds), 1);
  assert.match(io.err, /internal error: Error: boom\n\s+at /);
  assert.match(io.err, /please report/);
});

test('--help prints the overview and a command usage', async () => {
  const io = capture();
  assert.equal(await main(['--help'], io, cmds), 0);
  assert.match(io.out, /ok\s+succeeds/);
  const io2 = capture();
  assert.equal(await main(['ok', '--help'], io2, cmds), 0);
  assert.equal(io2.out, 'gmemlab ok\n');
});

test('an empty option value or argument is cli.bad-value naming it, before the command runs', async () => {
  let ran = 0;
  const registry: Command[] = [
    { name: 'w', summary: 'writes', usage: '', options: { dir: { type: 'string' }, output: { type: 'string', short: 'o' }, o: { type: 'string' }, set: { type: 'string', multiple: true } }, run: async () => ++ran && 0 },
  ];
  // `--dir ""` resolved to the current folder (a Slurm sweep directory written there); `-o ""` was dropped or
  // refused as "output path is a folder" under an empty name
  const cases: [string[], string][] = [
    [['w', '--dir', ''], '--dir'],
    [['w', '--output='], '--output (-o)'],
    [['w', '--o', ''], '-o'],
    [['w', '--set', 'a=1', '--set', ''], '--set'],
    [['w', 'x', ''], 'w argument 2'],
  ];
  for (const [argv, flag] of cases) {
    const io = capture();
    assert.equal(await main(argv, io, registry), 2, argv.join(' '));
    assert.equal(io.err, `error [cli.bad-value] argument: bad value for ${flag} (expected a non-empty value, found "")\n`);
  }
  assert.equal(ran, 0);
  assert.equal(await main(['w', 'x', '--dir', 'd', '--set', 'a='], capture(), registry), 0, 'an empty value inside a key=value is the command\'s business');
  assert.equal(ran, 1);
});
