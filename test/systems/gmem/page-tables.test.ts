/**
 * X97 page-table charge (src/systems/gmem/page-tables.ts) against a reference that counts mapped units per 2 MiB
 * leaf region and per 1 GiB middle region in plain Maps: tables needed, frames needed and the extra frames a
 * map would need agree after every step of random map/unmap sequences — runs of neighbouring units (a tensor
 * row), interleaved with units far away (evictions), so the two cached regions are entered, left and re-entered.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PageTableCharge, PT_LEAF_SPAN_BYTES, PT_MID_SPAN_BYTES, PT_ROOT_BYTES, PT_TABLE_BYTES } from '../../../src/systems/gmem/page-tables';
import { Rng } from '../../../src/sim/rng';
import { MiB } from '../../../src/units';

class Reference {
  readonly leaf = new Map<number, number>();
  readonly mid = new Map<number, number>();
  constructor(readonly unitBytes: number) {}
  private bump(m: Map<number, number>, k: number, d: number): void {
    const v = (m.get(k) ?? 0) + d;
    if (v === 0) m.delete(k);
    else m.set(k, v);
  }
  map(u: number): void {
    this.bump(this.leaf, Math.floor((u * this.unitBytes) / PT_LEAF_SPAN_BYTES), 1);
    this.bump(this.mid, Math.floor((u * this.unitBytes) / PT_MID_SPAN_BYTES), 1);
  }
  unmap(u: number): void {
    this.bump(this.leaf, Math.floor((u * this.unitBytes) / PT_LEAF_SPAN_BYTES), -1);
    this.bump(this.mid, Math.floor((u * this.unitBytes) / PT_MID_SPAN_BYTES), -1);
  }
  frames(leaves: number, mids: number): number {
    return Math.ceil((PT_ROOT_BYTES + (leaves + mids) * PT_TABLE_BYTES) / this.unitBytes);
  }
  extraToMap(u: number, held: number): number {
    const newLeaf = this.leaf.has(Math.floor((u * this.unitBytes) / PT_LEAF_SPAN_BYTES)) ? 0 : 1;
    const newMid = newLeaf === 0 || this.mid.has(Math.floor((u * this.unitBytes) / PT_MID_SPAN_BYTES)) ? 0 : 1;
    return Math.max(0, this.frames(this.leaf.size + newLeaf, this.mid.size + newMid) - held);
  }
}

test('one 4 KiB unit mapped: the 2 MiB root plus one leaf and one middle table = 514 frames; unmapped: the root alone', () => {
  const pt = new PageTableCharge(4096, true);
  assert.equal(pt.framesNeeded, 512); // root only: 2 MiB / 4 KiB
  assert.equal(pt.extraFramesToMap(7), 514);
  pt.map(7);
  assert.equal(pt.framesNeeded, 514);
  pt.map(8); // same leaf and middle table
  assert.equal(pt.framesNeeded, 514);
  pt.map(512); // next 2 MiB region: one more leaf table
  assert.equal(pt.framesNeeded, 515);
  pt.unmap(7);
  assert.equal(pt.framesNeeded, 515); // unit 8 still holds the first leaf
  pt.unmap(8);
  assert.equal(pt.framesNeeded, 514);
  pt.unmap(512);
  assert.equal(pt.framesNeeded, 512);
});

test('tables, frames and extra frames equal a Map-counting reference on random runs and far units', () => {
  for (const unitBytes of [4096, 64 * 1024, 2 * MiB]) {
    const rng = new Rng(unitBytes);
    const pt = new PageTableCharge(unitBytes, true);
    const ref = new Reference(unitBytes);
    const mapped = new Set<number>();
    const span = Math.floor((8 * PT_MID_SPAN_BYTES) / unitBytes); // 8 GiB of units: several middle tables
    let cursor = 0;
    for (let step = 0; step < 20_000; step++) {
      const r = rng.next();
      let u: number;
      if (r < 0.6) u = cursor++ % span; // a run of neighbours
      else if (r < 0.8 && mapped.size > 0) u = [...mapped][Math.floor(rng.next() * Math.min(mapped.size, 64))]!; // an older unit
      else u = Math.floor(rng.next() * span); // anywhere
      pt.framesHeld = rng.int(600); // frames already wired for tables (the caller's)
      assert.equal(pt.extraFramesToMap(u), ref.extraToMap(u, pt.framesHeld), `extra frames before step ${step}`);
      if (mapped.has(u)) {
        pt.unmap(u);
        ref.unmap(u);
        mapped.delete(u);
      } else {
        pt.map(u);
        ref.map(u);
        mapped.add(u);
      }
      assert.equal(pt.framesNeeded, ref.frames(ref.leaf.size, ref.mid.size), `frames needed after step ${step} (unit ${unitBytes} B)`);
    }
    for (const u of mapped) pt.unmap(u);
    assert.equal(pt.framesNeeded, ref.frames(0, 0), 'everything unmapped: the root alone');
  }
});

test('disabled (chargePageTables=false): no frames, whatever is mapped', () => {
  const pt = new PageTableCharge(4096, false);
  pt.map(1);
  assert.equal(pt.framesNeeded, 0);
  assert.equal(pt.extraFramesToMap(123456), 0);
});
