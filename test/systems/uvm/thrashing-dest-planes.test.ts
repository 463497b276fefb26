import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ThrashingState, type ThrashingConfig } from '../../../src/systems/uvm/thrashing';
import { Rng } from '../../../src/sim/rng';

/**
 * The thrashing state keeps each page's last destination in two bit planes, either in an array of its own or inside
 * the UVM block records (blocks.ts: the planes at word 3·words of a record of 11·words). Both must behave exactly as
 * the plain per-page reference below (the representation before issue 15: one destination and one time per page),
 * and the embedded planes must not touch the record's other words.
 */
class PlainReference {
  readonly dest: Int8Array;
  readonly lastNs: Float64Array;
  readonly events: Uint8Array;
  detections = 0;
  constructor(readonly cfg: ThrashingConfig, pages: number) {
    this.dest = new Int8Array(pages).fill(-1);
    this.lastNs = new Float64Array(pages);
    this.events = new Uint8Array(pages);
  }
  onMigration(page: number, dest: number, tNs: number): void {
    const prev = this.dest[page]!;
    const last = this.lastNs[page]!;
    this.dest[page] = dest;
    this.lastNs[page] = tNs;
    if (prev === dest) return;
    if (prev < 0) {
      this.events[page] = 1;
      return;
    }
    if (tNs - last <= this.cfg.lapseNs) {
      const e = this.events[page]!;
      if (e < 255) this.events[page] = e + 1;
      if (e + 1 === this.cfg.threshold) this.detections++;
    } else this.events[page] = 1;
  }
  reset(page: number): void {
    this.dest[page] = -1;
    this.lastNs[page] = 0;
    this.events[page] = 0;
  }
}

test('thrashing: destination planes, standalone or inside block records, behave as one destination per page (6,000 random steps, 3 block sizes)', () => {
  for (const ppb of [16, 64, 512]) {
    const cfg: ThrashingConfig = {
      threshold: 3, lapseNs: 1000, adaptiveLapse: false, epochNs: 1e12, maxResets: 4, pagesPerBlock: ppb, throttleNs: 500, pinThreshold: 10, pinNs: 1e6,
    };
    const blocks = 8;
    const pages = blocks * ppb;
    const words = Math.ceil(ppb / 32);
    const stride = 11 * words;
    const host = { rec: new Uint32Array(blocks * stride), stride, destOffset: 3 * words };
    // the other words of every record hold a pattern the planes must leave alone
    for (let b = 0; b < blocks; b++) for (let k = 0; k < stride; k++) if (k < 3 * words || k >= 5 * words) host.rec[b * stride + k] = (0x9e3779b9 * (b * stride + k + 1)) >>> 0;
    const before = host.rec.slice();
    const own = new ThrashingState(cfg, pages);
    const embedded = new ThrashingState(cfg, pages, host);
    const ref = new PlainReference(cfg, pages);
    const rng = new Rng(ppb);
    let tNs = 0;
    let ping = 0;
    for (let step = 0; step < 2000; step++) {
      tNs += rng.int(300);
      // half the steps on 6 hot pages (in different blocks), so that pages ping-pong within the lapse
      const page = rng.next() < 0.5 ? (rng.int(6) * 37 * ppb + 5) % pages : rng.int(pages);
      const r = rng.next();
      if (r < 0.93) {
        const dest = rng.int(3);
        for (const t of [own, embedded]) t.onMigration(page, dest, tNs);
        ref.onMigration(page, dest, tNs);
        if (dest !== 1) ping++;
      } else if (r < 0.98) {
        for (const t of [own, embedded]) t.reset(page);
        ref.reset(page);
      } else if (r < 0.99) {
        const first = page - (page % 32);
        const end = Math.min(pages, first + 32);
        for (const t of [own, embedded]) t.resetRange(first, end);
        for (let q = first; q < end; q++) ref.reset(q);
      } else {
        // a range cut anywhere, up to two blocks long (the free of a partial range)
        const end = Math.min(pages, page + 1 + rng.int(2 * ppb));
        for (const t of [own, embedded]) t.resetRange(page, end);
        for (let q = page; q < end; q++) ref.reset(q);
      }
      // the page times are written back in batches (thrashing.ts noteTime): what is read at any point is what plain
      // stores would have left, also after resets
      if (step % 500 === 499 || step === 1999) {
        for (const t of [own, embedded]) {
          for (let q = 0; q < pages; q++) {
            assert.equal(t.destOf(q), ref.dest[q]! + 1, `ppb ${ppb} step ${step} page ${q}: destination`);
            assert.equal(t.events[q], ref.events[q], `ppb ${ppb} step ${step} page ${q}: events`);
            assert.equal(t.lastNs[q], ref.lastNs[q], `ppb ${ppb} step ${step} page ${q}: time`);
          }
          assert.equal(t.detections, ref.detections, `ppb ${ppb}: detections`);
        }
      }
    }
    assert.ok(ref.detections > 0 && ping > 100, `the steps exercise ping-pong detection (${ref.detections} detections)`);
    for (let b = 0; b < blocks; b++) {
      for (let k = 0; k < stride; k++) if (k < 3 * words || k >= 5 * words) assert.equal(host.rec[b * stride + k], before[b * stride + k], `ppb ${ppb}: record word ${k} of block ${b} untouched`);
    }
  }
});
