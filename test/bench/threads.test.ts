import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuSplit, threadCpuSeconds, threadTicks } from '../../src/bench/threads';

test('thread CPU ticks are fields 14 + 15 of /proc/<pid>/task/<tid>/stat, counted after the command name', () => {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
  const line = '4243 (V8 Worker (x)) S 1 4242 4242 0 -1 4194560 100 200 0 0 11 12 37 5 20 0 7 0 123 456 789';
  assert.equal(threadTicks(line), 11 + 12);
});

test('the CPU split: the main thread apart, every other thread summed; a thread started in between counts whole', () => {
  const before = new Map([[100, 1.0], [101, 0.5], [102, 0.25]]);
  const after = new Map([[100, 3.5], [101, 0.75], [102, 0.25], [103, 0.125]]);
  assert.deepEqual(cpuSplit(before, after, 100), { mainS: 2.5, othersS: 0.25 + 0 + 0.125 });
});

test('this process: the main thread is listed and its CPU time grows with work on it', { skip: process.platform !== 'linux' && 'Linux only' }, () => {
  const before = threadCpuSeconds()!;
  assert.ok(before.has(process.pid));
  let x = 0;
  const t0 = process.cpuUsage();
  // ~0.1 s of CPU on this thread (counted, not timed: the tick is 10 ms)
  while ((process.cpuUsage(t0).user + process.cpuUsage(t0).system) / 1e6 < 0.1) x = (x * 31 + 7) | 0;
  const { mainS } = cpuSplit(before, threadCpuSeconds()!);
  assert.ok(mainS >= 0.05, `main thread ${mainS} s (x ${x})`);
});
