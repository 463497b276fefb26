import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberGpus } from '../../../src/importers/shared/devices';

test('numberGpus: the GPUs that occur become dev0, dev1, … in ascending order (compact), or GPU N is devN', () => {
  const c = numberGpus([3, 1, 3], true);
  assert.deepEqual([c.gpus, [...c.agentOf], c.deviceMap], [[1, 3], [[1, 1], [3, 2]], 'dev0=gpu1 dev1=gpu3']);
  const n = numberGpus(new Set([3, 1]), false);
  assert.deepEqual([n.gpus, [...n.agentOf], n.deviceMap], [[1, 3], [[1, 2], [3, 4]], 'dev1=gpu1 dev3=gpu3']);
  assert.deepEqual(numberGpus([], true).deviceMap, '');
});
