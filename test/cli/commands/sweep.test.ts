import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../../src/cli/main';
import { capture } from '../../helpers/cli';

test('sweep --help states the --workers default as the code computes it (cores − 1, at least 1, at most 8) and the accepted range', async () => {
  const io = capture();
  assert.equal(await main(['sweep', '--help'], io), 0);
  assert.match(io.out.replace(/\s+/g, ' '), /--workers runs at a time, 1 … 64: this thread plus N−1 worker threads \(default: CPU cores − 1, at least 1, at most 8\)/);
  const bad = capture();
  assert.equal(await main(['sweep', 'x.json', '--workers', '65'], bad), 2);
  assert.match(bad.err, /expected an integer from 1 to 64/);
});
