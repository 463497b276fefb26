import { test } from 'node:test';
import assert from 'node:assert/strict';
import { childCost, childrenTicks, median } from '../../src/bench/start';

test('children CPU ticks are fields 16 + 17 of /proc/<pid>/stat, counted after the command name (which may hold spaces and parentheses)', () => {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime …
  const line = '4242 (node (x) y) S 1 4242 4242 0 -1 4194560 100 200 0 0 11 12 37 5 20 0 7 0 123 456 789';
  assert.equal(childrenTicks(line), 37 + 5);
});

test('the median of an odd and an even count; none is NaN', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('a child that fails is an error, not a figure', () => {
  assert.throws(() => childCost(process.execPath, ['-e', 'process.exit(3)'], process.cwd()), /exited 3/);
});
