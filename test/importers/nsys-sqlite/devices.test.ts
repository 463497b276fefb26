import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nsysSqliteImporter as def } from '../../../src/importers/nsys-sqlite/index';
import type { NsysFixtureGpu } from '../../../src/importers/nsys-sqlite/fixture';
import { importerMessages } from '../../../src/log/messages/importers';
import { events, importWith } from '../helpers';
import { writeNsysFixture } from './fixture';

// Device metadata (`devices`, `capacity_bytes.devN`) is keyed by the CUDA device number that trace rows
// carry (deviceId), and lists CUDA devices only. Rows modelled on real exports (docs/importers.md, nsys-sqlite).
const dir = mkdtempSync(join(tmpdir(), 'gmemlab-nsys-devices-'));

const A100: NsysFixtureGpu = { id: 0, name: 'NVIDIA A100-PCIE-40GB', totalMemory: 42505273344, busLocation: '0000:61:00.0', smCount: 108 };
const H100: NsysFixtureGpu = { id: 1, name: 'NVIDIA H100 PCIe', totalMemory: 85520809984, busLocation: '0000:01:00.0', smCount: 114 };

/** Capacity keys of the metadata, in key order. */
function capacities(meta: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(meta).filter(([k]) => k.startsWith('capacity_bytes.')).sort());
}

test('display adapters that are not CUDA devices (smCount 0, totalMemory 0: Windows) are left out and named in one info', async () => {
  // nsys_neel_prefetch_win.sqlite (nsys 2021, Windows): the laptop GPU plus two adapters, all with cuDevice 0
  const laptop: NsysFixtureGpu = { id: 0, name: 'NVIDIA GeForce RTX 3060 Laptop GPU', totalMemory: 6441926656, busLocation: '0000:01:00.0', smCount: 30, cuDevice: 0 };
  const path = join(dir, 'windows.sqlite');
  await writeNsysFixture(path, {
    gpus: [
      laptop,
      { id: 1, name: 'Intel(R) UHD Graphics', totalMemory: 0, busLocation: '', smCount: 0, cuDevice: 0 },
      { id: 2, name: 'Microsoft Basic Render Driver', totalMemory: 0, busLocation: '', smCount: 0, cuDevice: 0 },
    ],
  });
  const r = await importWith(def, path);
  assert.equal(r.ctx.meta.devices, 'NVIDIA GeForce RTX 3060 Laptop GPU');
  assert.deepEqual(capacities(r.ctx.meta), { 'capacity_bytes.dev0': '6441926656' });
  assert.equal(r.ctx.log.total, 1);
  const [d] = r.ctx.log.examples();
  assert.deepEqual(d, importerMessages.nonCudaAdapters(
    { file: path, field: 'TARGET_INFO_GPU' },
    "'Intel(R) UHD Graphics' (id 1), 'Microsoft Basic Render Driver' (id 2)",
    "'Intel(R) UHD Graphics' (id 1): smCount 0, totalMemory 0; 'Microsoft Basic Render Driver' (id 2): smCount 0, totalMemory 0",
  ));
  assert.equal(d!.severity, 'info');
});

test('devN is the CUDA device number (cuDevice), not the nsys GPU id: trace rows on deviceId 0 meet the metadata of cuDevice 0', async () => {
  // nsys_present42__report2.sqlite: id 0 is cuDevice 2 (bus 61), id 1 is cuDevice 0 (bus 01): CUDA numbers by PCI bus
  const path = join(dir, 'cudevice.sqlite');
  await writeNsysFixture(path, { gpus: [{ ...A100, cuDevice: 1 }, { ...H100, cuDevice: 0 }] });
  const r = await importWith(def, path);
  assert.equal(r.ctx.meta.devices, 'NVIDIA H100 PCIe,NVIDIA A100-PCIE-40GB');
  assert.deepEqual(capacities(r.ctx.meta), { 'capacity_bytes.dev0': '85520809984', 'capacity_bytes.dev1': '42505273344' });
  // the fixture's GPU fault groups have deviceId 0: agent dev0, the H100
  assert.deepEqual(events(r).filter((e) => e.op === 'access' && e.agent !== 'cpu').map((e) => e.agent), ['dev0', 'dev0']);
  assert.equal(r.ctx.log.total, 0);
});

test('TARGET_INFO_CUDA_DEVICE (gpuId → cudaId) decides over cuDevice; a GPU no traced process used is listed as ignored', async () => {
  // process 77 ran with CUDA_VISIBLE_DEVICES=1: it saw GPU id 1 (the H100) as CUDA device 0
  const path = join(dir, 'cuda-device.sqlite');
  await writeNsysFixture(path, { gpus: [{ ...A100, cuDevice: 0 }, { ...H100, cuDevice: 1 }], cudaDevices: [[1, 0, 77]] });
  const r = await importWith(def, path);
  assert.equal(r.ctx.meta.devices, 'NVIDIA H100 PCIe');
  assert.deepEqual(capacities(r.ctx.meta), { 'capacity_bytes.dev0': '85520809984' });
  assert.deepEqual(r.ctx.log.examples(), [
    importerMessages.ignoredRecord({ file: path, field: 'TARGET_INFO_GPU' }, "'NVIDIA A100-PCIE-40GB' (id 0): no CUDA device of a traced process (TARGET_INFO_CUDA_DEVICE)"),
  ]);
});

test('processes that disagree (one cudaId for two GPUs, one GPU under two cudaIds): only the unambiguous devices keep name and capacity', async () => {
  // pid 100 saw all four GPUs in order; pid 200 (CUDA_VISIBLE_DEVICES=1) saw GPU 1 as CUDA device 0
  const gpus: NsysFixtureGpu[] = [0, 1, 2, 3].map((id) => ({ id, name: `GPU ${'ABCD'[id]}`, totalMemory: (id + 1) * 2 ** 30, busLocation: `0000:0${id}:00.0`, smCount: 10, cuDevice: id }));
  const path = join(dir, 'ambiguous.sqlite');
  await writeNsysFixture(path, { gpus, cudaDevices: [[0, 0, 100], [1, 1, 100], [2, 2, 100], [3, 3, 100], [1, 0, 200]] });
  const r = await importWith(def, path);
  // cudaId 0 is GPU 0 or 1; GPU 1 is cudaId 0 or 1: CUDA devices 0 and 1 get placeholders, 2 and 3 their GPU
  assert.equal(r.ctx.meta.devices, 'gpu0,gpu1,GPU C,GPU D');
  assert.deepEqual(capacities(r.ctx.meta), { 'capacity_bytes.dev2': String(3 * 2 ** 30), 'capacity_bytes.dev3': String(4 * 2 ** 30) });
  assert.deepEqual(r.ctx.log.examples(), [
    importerMessages.ambiguousDevices(
      { file: path, field: 'TARGET_INFO_CUDA_DEVICE' },
      '0, 1',
      'each cudaId with one gpuId and each gpuId with one cudaId',
      'cudaId 0: gpuId 0 (pid 100), gpuId 1 (pid 200); gpuId 1: cudaId 0 (pid 200), cudaId 1 (pid 100)',
    ),
  ]);
  assert.equal(r.ctx.log.examples()[0]!.severity, 'warning');
});

test('without TARGET_INFO_CUDA_DEVICE and cuDevice the nsys id is the device number (older exports)', async () => {
  const path = join(dir, 'ids.sqlite');
  await writeNsysFixture(path, { gpus: [H100, A100] });
  const r = await importWith(def, path);
  assert.equal(r.ctx.meta.devices, 'NVIDIA A100-PCIE-40GB,NVIDIA H100 PCIe');
  assert.deepEqual(capacities(r.ctx.meta), { 'capacity_bytes.dev0': '42505273344', 'capacity_bytes.dev1': '85520809984' });
  assert.equal(r.ctx.log.total, 0);
});
