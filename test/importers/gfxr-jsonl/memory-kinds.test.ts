import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gfxrJsonlImporter as def } from '../../../src/importers/gfxr-jsonl/index';
import { importerMessages } from '../../../src/log/messages/importers';
import { compare } from '../../../src/run/run';
import { memoryTrace } from '../../../src/trace/trace';
import { events, importWith } from '../helpers';

/**
 * The kind of a Vulkan memory object (docs/importers.md, gfxr-jsonl, Kinds): from its memory type when the
 * capture records the types (vkGetPhysicalDeviceMemoryProperties, or the SetDeviceMemoryPropertiesCommand
 * meta block of trimmed captures), else from whether the capture maps memory of that type.
 */

const MEM = 0x100000000; // first synthetic backing address
const KiB = 1024;
const MiB = 1024 * KiB;

const HEADER = JSON.stringify({ header: { 'gfxrecon-version': '0.9.18 (hand-written)', 'json-version': '0.8.0' } });
const call = (index: number, name: string, args: object) => JSON.stringify({ index, vkFunc: { name, return: 'VK_SUCCESS', args } });
const allocate = (index: number, mem: number, type: number, bytes: number) =>
  call(index, 'vkAllocateMemory', { device: 3, pAllocateInfo: { allocationSize: bytes, memoryTypeIndex: type }, pMemory: mem });

function capture(name: string, lines: string[]): string {
  const p = join(mkdtempSync(join(tmpdir(), 'gmemlab-gfxr-kinds-')), name);
  writeFileSync(p, [HEADER, ...lines].join('\n') + '\n');
  return p;
}

/** The (resource, kind) of every alloc row. */
function kinds(r: Awaited<ReturnType<typeof importWith>>): Array<[string, string]> {
  return events(r).filter((e) => e.op === 'alloc').map((e) => [String(e.resource), e.flags!.filter((f) => f !== 'synthetic').join('|')]);
}

// A trimmed capture (e.g. google/dive's Android captures, converted with gfxrecon-convert 0.9.18) starts after
// vkGetPhysicalDeviceMemoryProperties: memory types 0 and 2 are never described.
const TRIMMED = [
  allocate(1, 10, 0, 1 * MiB), // line 2: type 0, never mapped
  allocate(2, 11, 2, 64 * KiB), // line 3: type 2
  allocate(3, 12, 2, 64 * KiB), // line 4: type 2, itself never mapped
  call(4, 'vkMapMemory', { device: 3, memory: 11, offset: 0, size: 4096, flags: 0, ppData: '0x7f00' }), // line 5
  call(5, 'vkUnmapMemory', { device: 3, memory: 11 }),
  call(6, 'vkFreeMemory', { device: 3, memory: 12 }),
  call(7, 'vkFreeMemory', { device: 3, memory: 11 }),
  call(8, 'vkFreeMemory', { device: 3, memory: 10 }),
];

test('memory types the capture does not describe: a type whose memory is mapped is HOST_VISIBLE (vkMapMemory valid usage), so all its allocations import as managed; a type never mapped as device; one warning per type says what was assumed', async () => {
  const p = capture('trimmed.jsonl', TRIMMED);
  const r = await importWith(def, p, { mapAsCpuWrite: true });
  assert.deepEqual(events(r), [
    { op: 'alloc', tNs: 1000, agent: 'dev0', va: MEM, bytes: 1 * MiB, flags: ['device', 'synthetic'], resource: 'mem10' },
    // memory 12 is never mapped itself, but it has the type of memory 11, which is
    { op: 'alloc', tNs: 2000, agent: 'dev0', va: MEM + 1 * MiB, bytes: 64 * KiB, flags: ['managed', 'synthetic'], resource: 'mem11' },
    { op: 'alloc', tNs: 3000, agent: 'dev0', va: MEM + 1 * MiB + 64 * KiB, bytes: 64 * KiB, flags: ['managed', 'synthetic'], resource: 'mem12' },
    { op: 'marker', tNs: 4000, agent: 'cpu', va: MEM + 1 * MiB, bytes: 4096, resource: 'mem11', label: 'vkMapMemory' },
    // mapAsCpuWrite: the CPU writes the mapped range, which is managed memory, not device-only memory
    { op: 'access', tNs: 4000, agent: 'cpu', va: MEM + 1 * MiB, bytes: 4096, access: 'w', flags: ['synthetic'] },
    { op: 'marker', tNs: 5000, agent: 'cpu', va: MEM + 1 * MiB, bytes: 64 * KiB, resource: 'mem11', label: 'vkUnmapMemory' },
    { op: 'free', tNs: 6000, agent: 'dev0', va: MEM + 1 * MiB + 64 * KiB, bytes: 64 * KiB },
    { op: 'free', tNs: 7000, agent: 'dev0', va: MEM + 1 * MiB, bytes: 64 * KiB },
    { op: 'free', tNs: 8000, agent: 'dev0', va: MEM, bytes: 1 * MiB },
  ]);
  const why = 'no memory properties recorded before its first allocation';
  assert.equal(r.ctx.log.count('importer.memory-type-assumed'), 2);
  assert.deepEqual(r.ctx.log.examples().filter((d) => d.code === 'importer.memory-type-assumed'), [
    importerMessages.memoryTypeAssumed({ file: p, line: 2, field: 'pAllocateInfo.memoryTypeIndex' }, '0', why, 'never mapped, so assumed DEVICE_LOCAL and not HOST_VISIBLE', 1, 'device'),
    importerMessages.memoryTypeAssumed({ file: p, line: 3, field: 'pAllocateInfo.memoryTypeIndex' }, '2', why, 'mapped (vkMapMemory of memory 11 at line 5), so HOST_VISIBLE', 2, 'managed'),
  ]);
});

test('with mapAsCpuWrite, the CPU writes to memory mapped in a capture without memory types are legal on every system (no error events)', async () => {
  // 2 MiB alignment keeps every memory object in its own 2 MiB unit, so each system sees one kind per unit
  const r = await importWith(def, capture('trimmed.jsonl', TRIMMED), { mapAsCpuWrite: true, alignBytes: 2 * MiB });
  const results = await compare(memoryTrace('trimmed', r.batches), { systems: ['gmem-linux', 'uvm', 'hmm-svm', 'gmem-paper'], profile: 'a100-pcie4', debug: true });
  assert.equal(results.length, 4);
  for (const res of results) {
    assert.deepEqual(res.resultEvents.filter((e) => e.kind === 'fault-error'), [], `${res.summary.system}: no fault errors`);
    assert.equal(res.summary.status, 'ok', res.summary.system);
  }
});

test('recorded memory types decide the kind: DEVICE_LOCAL → device, DEVICE_LOCAL|HOST_VISIBLE (resizable BAR, unified memory) → managed, HOST_VISIBLE only → pinned_host; an index beyond the recorded types is decided like an unrecorded one', async () => {
  // flags as 0.9.x converters write them (numbers): DEVICE_LOCAL 1, HOST_VISIBLE 2, HOST_COHERENT 4
  const props = { memoryTypeCount: 3, memoryTypes: [{ propertyFlags: 1, heapIndex: 0 }, { propertyFlags: 6, heapIndex: 1 }, { propertyFlags: 7, heapIndex: 0 }], memoryHeapCount: 2, memoryHeaps: [{ size: 8 * 2 ** 30, flags: 1 }, { size: 16 * 2 ** 30, flags: 0 }] };
  const p = capture('known.jsonl', [
    JSON.stringify({ index: 1, vkFunc: { name: 'vkGetPhysicalDeviceMemoryProperties', args: { physicalDevice: 2, pMemoryProperties: props } } }),
    allocate(2, 20, 0, 64 * KiB),
    allocate(3, 21, 1, 64 * KiB),
    allocate(4, 22, 2, 64 * KiB),
    allocate(5, 23, 5, 64 * KiB), // line 6: no type 5 among the 3
    call(6, 'vkMapMemory', { device: 3, memory: 23, offset: 0, size: 65536, flags: 0, ppData: '0x7f00' }), // line 7
  ]);
  const r = await importWith(def, p);
  assert.deepEqual(kinds(r), [['mem20', 'device'], ['mem21', 'pinned_host'], ['mem22', 'managed'], ['mem23', 'managed']]);
  assert.deepEqual(events(r).filter((e) => e.op === 'alloc').map((e) => e.agent), ['dev0', 'cpu', 'dev0', 'dev0'], 'pinned_host lives on the host');
  assert.deepEqual(r.ctx.log.examples().filter((d) => d.code === 'importer.memory-type-assumed'), [
    importerMessages.memoryTypeAssumed({ file: p, line: 6, field: 'pAllocateInfo.memoryTypeIndex' }, '5', 'not among the 3 recorded memory types', 'mapped (vkMapMemory of memory 23 at line 7), so HOST_VISIBLE', 1, 'managed'),
  ]);
});

test('a trimmed capture\'s SetDeviceMemoryPropertiesCommand meta block (current converters) gives the memory types; it is read, not counted as ignored', async () => {
  // the shape GFXReconstruct's JSON consumer writes (vulkan_json_consumer_base.cpp), flags as --expand-flags text
  const meta = {
    index: 5,
    meta: {
      name: 'SetDeviceMemoryPropertiesCommand',
      args: {
        physical_device_id: 2,
        memory_types: [
          { property_flags: 'VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT', heap_index: 0 },
          { property_flags: 'VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT|VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT|VK_MEMORY_PROPERTY_HOST_COHERENT_BIT', heap_index: 0 },
          { property_flags: 'VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT|VK_MEMORY_PROPERTY_HOST_COHERENT_BIT', heap_index: 1 },
        ],
        memory_heaps: [{ size: 8 * 2 ** 30, flags: 'VK_MEMORY_HEAP_DEVICE_LOCAL_BIT' }, { size: 16 * 2 ** 30, flags: 0 }],
      },
    },
  };
  const p = capture('meta.jsonl', [
    JSON.stringify(meta),
    JSON.stringify({ index: 6, meta: { name: 'InitBufferCommand', args: { device_id: 3, buffer_id: 9 } } }),
    allocate(7, 30, 0, 64 * KiB),
    allocate(8, 31, 1, 64 * KiB),
    allocate(9, 32, 2, 64 * KiB),
  ]);
  const r = await importWith(def, p);
  assert.deepEqual(kinds(r), [['mem30', 'device'], ['mem31', 'managed'], ['mem32', 'pinned_host']]);
  assert.equal(r.ctx.log.count('importer.memory-type-assumed'), 0);
  assert.deepEqual(r.ctx.log.examples().filter((d) => d.code === 'importer.ignored-record'), [
    importerMessages.ignoredRecord({ file: p }, '1 annotation/meta/method block(s)'),
  ], 'only the InitBufferCommand block is ignored');
});

test('vkMapMemory2(KHR) maps like vkMapMemory: a marker of the mapped range, the CPU write with mapAsCpuWrite, and proof that the memory type is HOST_VISIBLE', async () => {
  const p = capture('map2.jsonl', [
    allocate(1, 40, 3, 64 * KiB),
    call(2, 'vkMapMemory2KHR', { device: 3, pMemoryMapInfo: { sType: 'VK_STRUCTURE_TYPE_MEMORY_MAP_INFO', pNext: null, flags: 0, memory: 40, offset: 4096, size: 8192 }, ppData: '0x7f00' }),
    call(3, 'vkUnmapMemory2', { device: 3, pMemoryUnmapInfo: { sType: 'VK_STRUCTURE_TYPE_MEMORY_UNMAP_INFO', pNext: null, flags: 0, memory: 40 } }),
  ]);
  const r = await importWith(def, p, { mapAsCpuWrite: true });
  assert.deepEqual(events(r), [
    { op: 'alloc', tNs: 1000, agent: 'dev0', va: MEM, bytes: 64 * KiB, flags: ['managed', 'synthetic'], resource: 'mem40' },
    { op: 'marker', tNs: 2000, agent: 'cpu', va: MEM + 4096, bytes: 8192, resource: 'mem40', label: 'vkMapMemory2KHR' },
    { op: 'access', tNs: 2000, agent: 'cpu', va: MEM + 4096, bytes: 8192, access: 'w', flags: ['synthetic'] },
    { op: 'marker', tNs: 3000, agent: 'cpu', va: MEM, bytes: 64 * KiB, resource: 'mem40', label: 'vkUnmapMemory2' },
  ]);
});
