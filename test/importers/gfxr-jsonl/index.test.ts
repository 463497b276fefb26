import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { gfxrJsonlImporter as def } from '../../../src/importers/gfxr-jsonl/index';
import { blocksPerLayer, imageBindRuns } from '../../../src/importers/gfxr-jsonl/sparse';
import { sniffRealFormat } from '../../../src/importers/real-formats';
import { absent, events, FIXTURES, importWith, sample } from '../helpers';

const R0 = 0x200000000000; // first reservation (the 4 MiB sparse buffer)
const R1 = R0 + 4 * 1024 * 1024; // second reservation (the sparse image, 1 MiB)
const MEM = 0x100000000; // the memory object
const KiB = 1024;

test('current converters\' "function" key: sparse buffer binds, image binds in 64 KiB blocks, NULL memory unbinds', async () => {
  const path = join(FIXTURES, 'gfxr-jsonl/function-key-sparse.jsonl');
  assert.deepEqual(sniffRealFormat(readFileSync(path), path).map((d) => d.name), ['gfxr-jsonl']);
  const r = await importWith(def, path);
  assert.deepEqual(events(r), [
    // index 4: buffer requirements → reservation; index 5: device-local memory (heap flags given as text)
    { op: 'reserve', tNs: 4000, agent: 'dev0', va: R0, bytes: 4096 * KiB, flags: ['synthetic'], label: 'buffer100' },
    { op: 'alloc', tNs: 5000, agent: 'dev0', va: MEM, bytes: 2048 * KiB, flags: ['device', 'synthetic'], resource: 'mem200' },
    { op: 'reserve', tNs: 7000, agent: 'dev0', va: R1, bytes: 1024 * KiB, flags: ['synthetic'], label: 'image101' },
    // index 8: two buffer binds, then one image bind of texels x 128..384, y 0..256 of a 512x512 RGBA8 image:
    // 128x128-texel blocks, 4 per row → blocks 1–2 and 5–6, i.e. two runs of 128 KiB
    { op: 'map', tNs: 8000, agent: 'dev0', va: R0, bytes: 1024 * KiB, resource: 'mem200', offsetBytes: 0 },
    { op: 'map', tNs: 8000, agent: 'dev0', va: R0 + 1024 * KiB, bytes: 64 * KiB, resource: 'mem200', offsetBytes: 1024 * KiB },
    { op: 'map', tNs: 8000, agent: 'dev0', va: R1 + 64 * KiB, bytes: 128 * KiB, resource: 'mem200', offsetBytes: 1152 * KiB },
    { op: 'map', tNs: 8000, agent: 'dev0', va: R1 + 320 * KiB, bytes: 128 * KiB, resource: 'mem200', offsetBytes: 1280 * KiB },
    // index 9: memory 0 = unbind; index 10: failed vkMapMemory skipped; index 11: present → frame
    { op: 'unmap', tNs: 9000, agent: 'dev0', va: R0 + 1024 * KiB, bytes: 64 * KiB },
    { op: 'marker', tNs: 11000, agent: 'cpu', label: 'frame' },
    // destroy: unmap what is still bound (in offset order), release the reservation
    { op: 'unmap', tNs: 13000, agent: 'dev0', va: R1 + 64 * KiB, bytes: 128 * KiB },
    { op: 'unmap', tNs: 13000, agent: 'dev0', va: R1 + 320 * KiB, bytes: 128 * KiB },
    { op: 'release', tNs: 13000, agent: 'dev0', va: R1, bytes: 1024 * KiB },
    { op: 'unmap', tNs: 14000, agent: 'dev0', va: R0, bytes: 1024 * KiB },
    { op: 'release', tNs: 14000, agent: 'dev0', va: R0, bytes: 4096 * KiB },
    { op: 'free', tNs: 15000, agent: 'dev0', va: MEM, bytes: 2048 * KiB },
  ]);
  assert.equal(r.ctx.log.count('importer.bind-out-of-range'), 0);
  assert.equal(r.ctx.meta.time, 'synthetic: t_ns = index x 1000');
});

test('nsPerIndex scales synthetic time; mapAsCpuWrite adds a CPU write at vkMapMemory', async () => {
  const path = join(FIXTURES, 'gfxr-jsonl/function-key-sparse.jsonl');
  const r = await importWith(def, path, { nsPerIndex: 5 });
  assert.equal(events(r)[0]!.tNs, 20);
});

test('standard sparse block geometry: 64 KiB blocks, per-texel-size shapes, mips and layers laid out linearly', () => {
  const g = { width: 512, height: 512, depth: 1, mipLevels: 2, arrayLayers: 2, texelBytes: 4 };
  // level 0: 4x4 blocks, level 1 (256x256): 2x2 → 20 blocks per layer
  assert.equal(blocksPerLayer(g), 20);
  // layer 1, mip 1, block (1,1) → 20 + 16 + 1*2 + 1 = 39
  assert.deepEqual(imageBindRuns(g, { mipLevel: 1, arrayLayer: 1 }, { x: 128, y: 128, z: 0 }, { width: 128, height: 128, depth: 1 }), [[39 * 65536, 65536]]);
  // 1-byte texels use 256x256 blocks
  assert.deepEqual(imageBindRuns({ ...g, texelBytes: 1, mipLevels: 1 }, { mipLevel: 0, arrayLayer: 0 }, { x: 0, y: 0, z: 0 }, { width: 512, height: 256, depth: 1 }), [[0, 2 * 65536]]);
});

test('a binary .gfxr capture is recognised and explained (convert with gfxrecon-convert), not misread', { skip: absent('gfxreconstruct/multisample-depth.gfxr') }, async () => {
  const path = sample('gfxreconstruct/multisample-depth.gfxr')!;
  assert.deepEqual(sniffRealFormat(readFileSync(path).subarray(0, 64), path).map((d) => d.name), ['gfxr-jsonl']);
  await assert.rejects(importWith(def, path), /multisample-depth\.gfxr:@0: this is a binary GFXReconstruct capture \(\.gfxr\), which gmemlab does not read directly; convert it first: gfxrecon-convert multisample-depth\.gfxr \(JSON Lines by default; releases with a --format option: add --format jsonl\)/);
});

// Found by the fuzz runner (issue 9): a damaged image-bind extent (depth 2^53) turned one bind into an endless
// loop of block rows, and a huge mipLevels into an endless blocksPerLayer. Regions are now checked against
// the image (Vulkan VkSparseImageMemoryBind rules) and geometries against Vulkan's limits.
test('image binds outside the image and images beyond Vulkan limits are located errors, not endless loops', async () => {
  const fixture = readFileSync(join(FIXTURES, 'gfxr-jsonl', 'function-key-sparse.jsonl'), 'utf8');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-gfxr-'));
  const damaged: Array<[string, string, RegExp]> = [
    // the last extent in the file is an image bind's (the first is the image's own)
    ['deep.jsonl', fixture.replace(/"depth":1\}(?![\s\S]*"depth":1\})/, '"depth":9007199254740992}'), /^pImageBinds\.pBinds$/],
    ['mips.jsonl', fixture.replace(/"mipLevels":\d+/, '"mipLevels":4294967295'), /^pCreateInfo\.extent$/],
  ];
  const undamaged = await importWith(def, join(FIXTURES, 'gfxr-jsonl', 'function-key-sparse.jsonl'));
  for (const [name, text, field] of damaged) {
    assert.notEqual(text, fixture, `${name}: the fixture has the value to damage`);
    const p = join(dir, name);
    writeFileSync(p, text);
    await assert.rejects(importWith(def, p), (e: unknown) => {
      const d = (e as { diagnostic?: { file?: string; line?: number; field?: string; expected?: string; found?: string } }).diagnostic;
      return d !== undefined && d.file === p && d.line !== undefined && field.test(String(d.field)) && d.expected !== undefined && d.found !== undefined;
    });
    const lenient = await importWith(def, p, {}, false);
    assert.ok(lenient.ctx.log.count('importer.bad-field') >= 1, `${name}: lenient mode skips the bind and counts it`);
    // work is bounded by the file, not by the damaged numbers: the skipped bind adds no rows
    assert.ok(lenient.rows <= undamaged.rows, `${name}: ${lenient.rows} rows from a file whose undamaged form gives ${undamaged.rows}`);
  }
  const { imageBindProblem } = await import('../../../src/importers/gfxr-jsonl/sparse');
  const g = { width: 512, height: 512, depth: 1, mipLevels: 2, arrayLayers: 1, texelBytes: 4 };
  assert.equal(imageBindProblem(g, { mipLevel: 0, arrayLayer: 0 }, { x: 0, y: 0, z: 0 }, { width: 512, height: 512, depth: 1 }), undefined);
  assert.match(imageBindProblem(g, { mipLevel: 1, arrayLayer: 0 }, { x: 0, y: 0, z: 0 }, { width: 512, height: 256, depth: 1 }) ?? '', /outside mip level 1 \(256×256×1 texels\)/);
  assert.match(imageBindProblem(g, { mipLevel: 2, arrayLayer: 0 }, { x: 0, y: 0, z: 0 }, { width: 1, height: 1, depth: 1 }) ?? '', /subresource mip 2/);
});

test('vkAllocateMemory with allocationSize 0 is a warning, not a strict stop; later binds, maps and the free of that handle are skipped under the same code', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { importerMessages } = await import('../../../src/log/messages/importers');
  const call = (index: number, name: string, args: object) => JSON.stringify({ index, function: { name, thread: 1, return: 'VK_SUCCESS', args } });
  const lines = [
    JSON.stringify({ header: { 'gfxrecon-version': '1.0.5 (hand-written)', 'json-version': '0.9.0' } }),
    call(1, 'vkAllocateMemory', { device: 3, pAllocateInfo: { allocationSize: 0, memoryTypeIndex: 0 }, pMemory: 7 }),
    call(2, 'vkAllocateMemory', { device: 3, pAllocateInfo: { allocationSize: 65536, memoryTypeIndex: 0 }, pMemory: 8 }),
    call(3, 'vkCreateBuffer', { device: 3, pCreateInfo: { size: 4096 }, pBuffer: 100 }),
    call(4, 'vkBindBufferMemory', { device: 3, buffer: 100, memory: 7, memoryOffset: 0 }),
    call(5, 'vkMapMemory', { device: 3, memory: 7, offset: 0, size: 0 }),
    call(6, 'vkFreeMemory', { device: 3, memory: 7 }),
    call(7, 'vkFreeMemory', { device: 3, memory: 8 }),
  ];
  const p = join(mkdtempSync(join(tmpdir(), 'gmemlab-gfxr-zero-')), 'zero.jsonl');
  writeFileSync(p, lines.join('\n') + '\n');
  for (const strict of [true, false]) {
    const r = await importWith(def, p, {}, strict);
    // only the 64 KiB object becomes rows; the zero-size one and its bind, map and free are skipped
    assert.deepEqual(events(r), [
      { op: 'alloc', tNs: 2000, agent: 'dev0', va: MEM, bytes: 65536, flags: ['device', 'synthetic'], resource: 'mem8' },
      { op: 'free', tNs: 7000, agent: 'dev0', va: MEM, bytes: 65536 },
    ]);
    assert.equal(r.ctx.log.count('importer.zero-size-allocation'), 4, 'the allocation, the bind, the map and the free');
    assert.equal(r.ctx.log.count('importer.unknown-handle'), 0, 'a later use is not an unknown handle');
    assert.deepEqual(r.ctx.log.examples().find((d) => d.code === 'importer.zero-size-allocation'), importerMessages.zeroSizeAllocation({ file: p, line: 2, field: 'pAllocateInfo.allocationSize' }, 'vkAllocateMemory of memory 7'));
  }
});
