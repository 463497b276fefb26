import { test } from 'node:test';
import assert from 'node:assert/strict';
import { profileFieldsTable } from '../../src/analysis/profile-fields';
import { resolvePlatform } from '../../src/profiles/resolve';

test('each key gives its value, a unit-bearing display, and the source status and citation of the resolved profile', () => {
  const p = resolvePlatform('a100-pcie4', { 'device.map.pteNs': '250ns' });
  const rows = profileFieldsTable(p, ['device.map.bindNs', 'link.h2dBytesPerNs', 'device.pageSizesBytes', 'device.map.pteNs', 'host.cores']).objects() as Record<string, unknown>[];
  assert.deepEqual(rows[0], { field: 'device.map.bindNs', value: 744, shown: '744 ns', status: 'M', source: p.device.sources['map.bindNs']!.ref });
  assert.match(String(rows[0]!.source), /AsahiLinux/);
  assert.deepEqual([rows[1]!.value, rows[1]!.shown, rows[1]!.status], [24.8, '24.8 GB/s', '2']);
  assert.deepEqual([rows[2]!.value, rows[2]!.shown], ['4096,65536,2097152,536870912', '4 KiB, 64 KiB, 2 MiB, 512 MiB']);
  assert.deepEqual([rows[3]!.value, rows[3]!.status], [250, 'O'], 'an override is marked as such');
  assert.deepEqual([rows[4]!.shown, rows[4]!.status], ['16', 'P']);
});

test('an unknown key is an error naming it', () => {
  assert.throws(() => profileFieldsTable(resolvePlatform('a100-pcie4'), ['device.nope']), /device\.nope/);
});
