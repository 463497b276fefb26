import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from 'node:util';
import { oneLineArgError } from '../../src/log/arg-error';

function errorOf(args: string[]): unknown {
  try {
    parseArgs({ args, options: { seed: { type: 'string' }, quick: { type: 'boolean' } }, strict: true, allowPositionals: false });
  } catch (e) {
    return e;
  }
  return assert.fail('parseArgs accepted the arguments');
}

for (const [args, expected] of [
  [['--seed', '-1'], "option --seed needs a value; a value starting with '-' must be attached: --seed=<value>"],
  [['--seed'], 'option --seed needs a value'],
  [['--bogus'], "unknown option '--bogus'"],
  [['stray'], "unexpected argument 'stray'"],
  [['--quick=yes'], 'option --quick takes no value'],
] as const) {
  test(`parseArgs error for ${args.join(' ')} becomes one line: ${expected}`, () => {
    const line = oneLineArgError(errorOf([...args]));
    assert.equal(line, expected);
    assert.ok(!line.includes('\n'));
  });
}

test('an unknown kind of error keeps only its first line', () => {
  assert.equal(oneLineArgError(new Error('first line\nsecond line')), 'first line');
});
