import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vmaRecordingImporter as def } from '../../../src/importers/vma-recording/index';
import { events, importWith } from '../helpers';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-vmarec-'));
const REC = `Vulkan Memory Allocator,Calls recording
1,8
Config,Begin
PhysicalDevice,deviceName,Test GPU
PhysicalDeviceMemory,Heap,0,size,1000000
PhysicalDeviceMemory,Heap,0,flags,1
Config,End
1,0.001,0,vmaCreateAllocator
1,0.010,0,vmaCreateBuffer,0,100000,1,0,0,1,0,0,0,0000000000000000,00000000000000A1,My buffer, with a comma
1,0.020,0,vmaCreateImage,0,1,37,64,32,1,2,1,1,0,6,0,0,0,1,0,0,0,0000000000000000,00000000000000B2,
1,0.030,0,vmaDestroyBuffer,00000000000000A1
1,0.040,0,vmaCreateBuffer,0,256,1,0,0,2,0,0,0,0000000000000000,00000000000000A1,
1,0.041,0,vmaMapMemory,00000000000000A1
1,0.050,0,vmaDestroyBuffer,00000000000000A1
1,0.060,0,vmaDestroyImage,00000000000000FF
`;

test('vma recording: synthetic bump addresses, handle reuse tracked by lifetime, image sizes estimated, exact times', async () => {
  const path = join(dir, 'rec.csv');
  writeFileSync(path, REC);
  const r = await importWith(def, path);
  const A = 0x100000000;
  assert.deepEqual(events(r), [
    { op: 'alloc', tNs: 10_000_000, agent: 'dev0', va: A, bytes: 100000, flags: ['device', 'synthetic'], resource: 'alloc0', label: 'My buffer, with a comma' },
    // 64x32 RGBA8 (4 B), 2 mips: (64·32 + 32·16) · 4 = 10,240 B; GPU_ONLY → device
    { op: 'alloc', tNs: 20_000_000, agent: 'dev0', va: A + 131072, bytes: 10240, flags: ['device', 'synthetic'], resource: 'alloc1' },
    { op: 'free', tNs: 30_000_000, agent: 'dev0', va: A, bytes: 100000 },
    // the handle A1 is reused for a new, CPU_ONLY (pinned host) allocation at a new address
    { op: 'alloc', tNs: 40_000_000, agent: 'cpu', va: A + 196608, bytes: 256, flags: ['pinned_host', 'synthetic'], resource: 'alloc2' },
    { op: 'marker', tNs: 41_000_000, agent: 'cpu', va: A + 196608, bytes: 256, label: 'vmaMapMemory' },
    { op: 'free', tNs: 50_000_000, agent: 'cpu', va: A + 196608, bytes: 256 },
  ]);
  assert.equal(r.ctx.meta.devices, 'Test GPU');
  assert.equal(r.ctx.meta['capacity_bytes.dev0'], '1000000');
  assert.equal(r.ctx.log.count('importer.unknown-handle'), 1);
  assert.deepEqual((await importWith(def, path, { imageSize: 'skip' })).counts, { alloc: 2, free: 2, marker: 1 });
});

test('vma recording: wrong magic, truncated config and short calls are located errors', async () => {
  const path = join(dir, 'bad.csv');
  writeFileSync(path, 'hello\n');
  await assert.rejects(importWith(def, path), /bad\.csv:1:1: the file does not look like a VMA calls recording/);
  writeFileSync(path, REC.split('\n').slice(0, 5).join('\n'));
  await assert.rejects(importWith(def, path), /bad\.csv:6: unexpected end of input .*expected Config,End/);
  writeFileSync(path, REC.replace('vmaCreateBuffer,0,256,1,0,0,2,0,0,0,0000000000000000,00000000000000A1,', 'vmaCreateBuffer,0,256'));
  await assert.rejects(importWith(def, path), /bad\.csv:12: malformed vmaCreateBuffer call \(expected at least 11 arguments, found 2\)/);
});

test('vma recording: an image with more mip levels than its extent allows is a located bad field, at once (a fuzzed 2^48 levels looped for minutes)', async () => {
  const path = join(dir, 'mips.csv');
  // 64x32 allows 7 levels (64 32 16 8 4 2 1)
  writeFileSync(path, REC.replace('vmaCreateImage,0,1,37,64,32,1,2,1,1,', 'vmaCreateImage,0,1,37,64,32,1,281474976710656,1,1,'));
  await assert.rejects(importWith(def, path), /mips\.csv:10: bad field value \(field 'mipLevels', expected at most 7 \(the complete mip chain of a 64x32x1 image\), found 281474976710656\)/);
  writeFileSync(path, REC.replace('vmaCreateImage,0,1,37,64,32,1,2,1,1,', 'vmaCreateImage,0,1,37,64,32,1,8,1,1,'));
  await assert.rejects(importWith(def, path), /field 'mipLevels', expected at most 7/);
  writeFileSync(path, REC.replace('vmaCreateImage,0,1,37,64,32,1,2,1,1,', 'vmaCreateImage,0,1,37,64,32,1,7,1,1,'));
  const r = await importWith(def, path);
  // the full chain: 64·32 + 32·16 + 16·8 + 8·4 + 4·2 + 2·1 + 1·1 = 2,731 texels of 4 B
  assert.equal(events(r)[1]!.bytes, 2731 * 4);
});
