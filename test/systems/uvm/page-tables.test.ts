import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PageTables } from '../../../src/systems/uvm/page-tables';

// Driver page-table bytes (uvm_turing_mmu.c / uvm_pascal_mmu.c layout): 4 KiB per directory, 4,096 + 256 B of PTE
// tables per 2 MiB block; the directory of 2 MiB entries spans 2^8 blocks (512 MiB), the next 2^17 blocks.
const MiB2 = 2 * 1024 * 1024;

test('page tables, 5 levels (Pascal–Ampere): one block needs the root, three directories and its PTE tables', () => {
  const pt = new PageTables(5, 4096, 4352);
  assert.equal(pt.bytes, 0);
  pt.changeBlocks(0, 0, 1);
  assert.equal(pt.bytes, 4 * 4096 + 4352); // 20,736 B
  pt.changeBlocks(1, 1, 1); // same 512 MiB directory
  assert.equal(pt.bytes, 4 * 4096 + 2 * 4352);
  pt.changeBlocks(256, 256, 1); // next 512 MiB: a second lowest directory
  assert.equal(pt.bytes, 5 * 4096 + 3 * 4352);
  assert.equal(pt.rootChunkBytes(MiB2), MiB2, 'a few blocks: one kernel root chunk');
  pt.changeBlocks(256, 256, -1);
  pt.changeBlocks(1, 1, -1);
  assert.equal(pt.bytes, 4 * 4096 + 4352);
  pt.changeBlocks(0, 0, -1);
  assert.equal(pt.rootChunkBytes(MiB2), 0);
});

test('page tables: 500 blocks (1000 MiB) need two kernel root chunks', () => {
  const pt = new PageTables(5, 4096, 4352);
  for (let k = 0; k < 500; k++) pt.changeBlocks(k, k, 1);
  // root + PD0 ×2 (keys 0–255, 256–499) + PD1 + PD2 = 5 directories; 500 × 4,352 B of PTE tables = 2,196,480 B > 2 MiB
  assert.equal(pt.bytes, 5 * 4096 + 500 * 4352);
  assert.equal(pt.rootChunkBytes(MiB2), 2 * MiB2);
});

test('page tables, 6 levels (Hopper, 57-bit VA): one more directory per block', () => {
  const pt = new PageTables(6, 4096, 4352);
  pt.changeBlocks(7, 7, 1);
  assert.equal(pt.bytes, 5 * 4096 + 4352);
});

test('page tables: a range of blocks counts as each block once (the same bytes as block by block, either way)', () => {
  const one = new PageTables(5, 4096, 4352);
  const bulk = new PageTables(5, 4096, 4352);
  for (let k = 200; k <= 900; k++) one.changeBlocks(k, k, 1);
  bulk.changeBlocks(200, 900, 1);
  assert.equal(bulk.bytes, one.bytes);
  // keys 200–900 span lowest directories 0–3 (256 blocks each) under one PD1 and one PD2: root + 4 + 1 + 1
  assert.equal(bulk.bytes, 7 * 4096 + 701 * 4352);
  bulk.changeBlocks(300, 800, -1);
  for (let k = 300; k <= 800; k++) one.changeBlocks(k, k, -1);
  assert.equal(bulk.bytes, one.bytes);
  assert.equal(bulk.bytes, 6 * 4096 + 200 * 4352, 'keys 200–299 and 801–900: directories 0, 1 and 3 remain');
  bulk.changeBlocks(200, 299, -1);
  bulk.changeBlocks(801, 900, -1);
  assert.equal(bulk.bytes, 0);
});
