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
