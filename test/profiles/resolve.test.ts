import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GmemlabError } from '../../src/log/diagnostic';
import { FIELDS } from '../../src/profiles/fields';
import { BUILTIN_DEVICES, BUILTIN_HOSTS, BUILTIN_LINKS, BUILTIN_PLATFORMS, listPlatforms } from '../../src/profiles/index';
import { fieldValue, parseFieldValue, placeholderFields, resolvePlatform } from '../../src/profiles/resolve';
import { GB, KiB, MiB } from '../../src/units';
import { code } from '../helpers/cli';

test('every registry key equals its preset id, and the required platforms exist', () => {
  for (const reg of [BUILTIN_DEVICES, BUILTIN_LINKS, BUILTIN_HOSTS, BUILTIN_PLATFORMS]) {
    for (const [k, v] of Object.entries(reg)) assert.equal(k, v.id);
  }
  for (const id of ['gtx1080ti-pcie3', 'titanv-pcie3', 'a100-pcie4', 'h100-pcie5', 'gh200-c2c', 'ascend910b', 'ascend910-32g', 'rtx4090', 'nic-iommu', 'x97-sim']) {
    assert.ok(id in BUILTIN_PLATFORMS, id);
  }
});

test('every platform resolves completely, every field has a source, and placeholders are marked P', () => {
  for (const p of listPlatforms()) {
    const r = resolvePlatform(p.id);
    for (const f of FIELDS) {
      assert.notEqual(fieldValue(r, f.key), undefined, `${p.id} ${f.key}`);
      const [part, rest] = [f.key.split('.')[0] as 'device' | 'link' | 'host', f.key.split('.').slice(1).join('.')];
      const s = r[part].sources[rest];
      assert.ok(s && s.ref.length > 0, `${p.id} ${f.key} has a source`);
    }
    assert.ok(Object.isFrozen(r.device.memory));
  }
  const a100 = resolvePlatform('a100-pcie4');
  assert.ok(placeholderFields(a100).includes('device.fault.serviceNs'));
  assert.equal(a100.device.sources['pageSizesBytes']!.status, 'D');
});

test('the x97 device has 26,214 frames of 4 KiB and no TLB cost', () => {
  const x = resolvePlatform('x97-sim');
  assert.equal(x.device.memory.capacityBytes / (4 * KiB), 26_214);
  assert.equal(x.device.tlb.invalidateNs, 0);
  assert.equal(x.device.tlb.invalidateAllNs, 0);
});

test('derived defaults follow their base fields after overrides', () => {
  const base = resolvePlatform('a100-pcie4');
  assert.equal(base.device.map.peerMapNs, base.device.map.bindNs);
  assert.equal(base.device.map.peerUnmapNs, base.device.map.unbindNs + base.device.tlb.invalidateNs);
  assert.equal(base.device.tlb.invalidateAllNs, 2 * base.device.tlb.invalidateNs);
  assert.equal(base.device.zeroFillBytesPerNs, base.device.memory.bandwidthBytesPerNs / 2);
  assert.equal(base.host.tlbShootdownNs, 2000 + 200 * base.host.cores);
  assert.equal(base.link.remoteLatencyNs, base.link.latencyNs);
  const r = resolvePlatform('a100-pcie4', {
    'device.tlb.invalidateNs': '7us',
    'device.map.bindNs': 1000,
    'host.cores': '4',
    'link.latencyNs': '2us',
    'device.memory.bandwidthBytesPerNs': '1000',
  });
  assert.equal(r.device.tlb.invalidateAllNs, 14_000);
  assert.equal(r.device.map.peerUnmapNs, r.device.map.unbindNs + 7000);
  assert.equal(r.device.map.peerMapNs, 1000);
  assert.equal(r.host.tlbShootdownNs, 2000 + 200 * 4);
  assert.equal(r.link.remoteLatencyNs, 2000);
  assert.equal(r.device.zeroFillBytesPerNs, 500);
  assert.equal(r.device.sources['tlb.invalidateNs']!.status, 'O');
  assert.equal(r.device.sources['tlb.invalidateAllNs']!.status, 'P');
});

test('an explicit override of a derived field wins over its rule', () => {
  const r = resolvePlatform('a100-pcie4', { 'device.tlb.invalidateNs': 1000, 'device.tlb.invalidateAllNs': 50 });
  assert.equal(r.device.tlb.invalidateAllNs, 50);
  // a preset that states a derived field explicitly keeps it too (nic: invalidateAllNs 2000)
  const nic = resolvePlatform('nic-iommu', { 'device.tlb.invalidateNs': 9 });
  assert.equal(nic.device.tlb.invalidateAllNs, 2000);
});

test('values parse with unit suffixes by the field kind', () => {
  assert.equal(parseFieldValue('device.memory.capacityBytes', '80GB'), 80 * GB);
  assert.equal(parseFieldValue('device.memory.capacityBytes', '2MiB'), 2 * MiB);
  assert.equal(parseFieldValue('device.fault.serviceNs', '45us'), 45_000);
  assert.equal(parseFieldValue('device.fault.serviceNs', '1.5ms'), 1_500_000);
  assert.equal(parseFieldValue('link.h2dBytesPerNs', '24.8'), 24.8);
  assert.equal(parseFieldValue('link.h2dBytesPerNs', '24.8GB/s'), 24.8);
  assert.deepEqual(parseFieldValue('device.pageSizesBytes', '4KiB,2MiB'), [4096, 2 * MiB]);
  assert.equal(parseFieldValue('device.capability.peer', 'true'), true);
  assert.equal(parseFieldValue('link.model', 'atan'), 'atan');
});

test('unknown, mistyped and non-overridable keys are errors naming the key and the valid ones', () => {
  try {
    resolvePlatform('a100-pcie4', { 'device.memory.capcityBytes': 1 });
    assert.fail('no error');
  } catch (e) {
    assert.ok(e instanceof GmemlabError);
    assert.equal(e.diagnostic.code, 'profiles.unknown-key');
    assert.match(e.message, /device\.memory\.capcityBytes/);
    assert.match(e.message, /device\.memory\.capacityBytes/);
  }
  assert.equal(code(() => resolvePlatform('a100-pcie4', { 'device.id': 'x' })), 'profiles.not-overridable');
  assert.equal(code(() => resolvePlatform('a100-pcie4', { 'device.sources': 'x' })), 'profiles.not-overridable');
  assert.equal(code(() => resolvePlatform('a100-pcie4', { 'device.fault.serviceNs': '45 parsecs' })), 'profiles.bad-value');
  assert.equal(code(() => resolvePlatform('a100-pcie4', { 'link.model': 'quadratic' })), 'profiles.bad-value');
  assert.equal(code(() => resolvePlatform('a100-pcie4', { 'link.h2dBytesPerNs': 0 })), 'profiles.bad-value');
  assert.equal(code(() => resolvePlatform('a100-pcie4', { 'host.devices': '0' })), 'profiles.bad-value');
  assert.equal(code(() => resolvePlatform('a100-pcie5')), 'profiles.unknown-platform');
});
