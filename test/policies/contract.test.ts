/**
 * The contract every eviction and prefetch policy must meet (docs/architecture.md §7 "contract suites"). Every
 * registered policy is run through the same checks on seeded random operation sequences against a plain
 * reference set; a new policy is covered by adding it to its registry.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EVICTION_CONTRACT_SUBJECTS } from './subjects';
import { PREFETCH_POLICIES, type BlockFaultView } from '../../src/policies/prefetch/index';
import { maskTest } from '../../src/model/page-mask';
import { Rng } from '../../src/sim/rng';
import type { EvictionPolicy, PolicyEnv } from '../../src/policies/types';

interface World {
  resident: Set<number>;
  pinned: Set<number>;
}

function makeEnv(slots: number, seed: number, world: World): PolicyEnv {
  return {
    slots,
    rng: new Rng(seed),
    isEvictable: (s) => world.resident.has(s) && !world.pinned.has(s),
    groupOf: (s) => Math.floor(s / 4),
  };
}

/** Apply one random operation to the policy and the reference world; returns a trace line. */
function randomOp(p: EvictionPolicy, w: World, rng: Rng, slots: number, t: number): string {
  const r = rng.int(10);
  const s = rng.int(slots);
  if (r < 4 && !w.resident.has(s)) {
    w.resident.add(s);
    p.onInsert(s, t);
    return `ins ${s}`;
  }
  if (r < 7 && w.resident.has(s)) {
    p.onTouch(s, t, 0);
    return `touch ${s}`;
  }
  if (r < 8) {
    if (w.pinned.has(s)) w.pinned.delete(s);
    else w.pinned.add(s);
    return `pin ${s}`;
  }
  if (w.resident.has(s)) {
    w.resident.delete(s);
    p.onRemove(s);
    return `rm ${s}`;
  }
  // evict the victim, as a system does
  const v = p.victim(t);
  if (v >= 0) {
    w.resident.delete(v);
    p.onRemove(v);
  }
  return `evict ${v}`;
}

for (const subject of EVICTION_CONTRACT_SUBJECTS) {
  const label = `${subject.def.name}${subject.label ?? ''}`;
  const create = (slots: number, seed: number, w: World): EvictionPolicy =>
    subject.def.create({ ...subject.def.defaults, ...subject.params }, makeEnv(slots, seed, w));

  test(`eviction contract [${label}]: the victim is resident and evictable, and -1 only when none is`, () => {
    for (const slots of [1, 2, 7, 64]) {
      const w: World = { resident: new Set(), pinned: new Set() };
      const p = create(slots, 1, w);
      const rng = new Rng(99 + slots);
      for (let t = 0; t < 3000; t++) {
        randomOp(p, w, rng, slots, t);
        const v = p.victim(t);
        const anyEvictable = [...w.resident].some((s) => !w.pinned.has(s));
        if (v === -1) assert.equal(anyEvictable, false, `victim -1 although an evictable slot exists (t=${t})`);
        else {
          assert.ok(w.resident.has(v), `victim ${v} is not resident (t=${t})`);
          assert.ok(!w.pinned.has(v), `victim ${v} is not evictable (t=${t})`);
        }
      }
    }
  });

  test(`eviction contract [${label}]: victim() is pure (twice the same, and it changes no later decision)`, () => {
    const slots = 32;
    const wa: World = { resident: new Set(), pinned: new Set() };
    const wb: World = { resident: new Set(), pinned: new Set() };
    const a = create(slots, 5, wa);
    const b = create(slots, 5, wb);
    const ra = new Rng(3);
    const rb = new Rng(3);
    for (let t = 0; t < 3000; t++) {
      const la = randomOp(a, wa, ra, slots, t);
      const lb = randomOp(b, wb, rb, slots, t);
      assert.equal(la, lb, `diverged at t=${t}`);
      const v1 = a.victim(t);
      const v2 = a.victim(t);
      assert.equal(v1, v2, 'victim() twice in a row');
    }
  });

  test(`eviction contract [${label}]: works with a single slot`, () => {
    const w: World = { resident: new Set(), pinned: new Set() };
    const p = create(1, 1, w);
    assert.equal(p.victim(0), -1);
    w.resident.add(0);
    p.onInsert(0, 1);
    assert.equal(p.victim(2), 0);
    p.onTouch(0, 3, 0);
    assert.equal(p.victim(4), 0);
    w.pinned.add(0);
    assert.equal(p.victim(5), -1);
    w.pinned.delete(0);
    w.resident.delete(0);
    p.onRemove(0);
    assert.equal(p.victim(6), -1);
  });

  test(`eviction contract [${label}]: deterministic for a seed`, () => {
    const run = (): string[] => {
      const w: World = { resident: new Set(), pinned: new Set() };
      const p = create(50, 11, w);
      const rng = new Rng(12);
      const out: string[] = [];
      for (let t = 0; t < 2000; t++) out.push(randomOp(p, w, rng, 50, t));
      return out;
    };
    assert.deepEqual(run(), run());
  });

  test(`eviction contract [${label}]: with evictableEpoch (bumped at every unpin) the victims are those of the plain walk`, () => {
    const slots = 48;
    const wa: World = { resident: new Set(), pinned: new Set() };
    const wb: World = { resident: new Set(), pinned: new Set() };
    let epoch = 0;
    const a = subject.def.create({ ...subject.def.defaults, ...subject.params }, { ...makeEnv(slots, 9, wa), evictableEpoch: () => epoch });
    const b = create(slots, 9, wb);
    const ra = new Rng(31);
    const rb = new Rng(31);
    for (let k = 0; k < 6000; k++) {
      const pinnedBefore = wa.pinned.size;
      const la = randomOp(a, wa, ra, slots, k);
      const lb = randomOp(b, wb, rb, slots, k);
      if (wa.pinned.size < pinnedBefore) epoch++;
      assert.equal(la, lb, `diverged at step ${k}`);
      assert.equal(a.victim(k), b.victim(k), `victims differ after step ${k} (${la})`);
    }
  });

  // only policies that offer the shortcut (the others are always called through onTouch)
  if (create(4, 1, { resident: new Set(), pinned: new Set() }).touchList !== undefined)
  test(`eviction contract [${label}]: touchList.touch(s) decides exactly as onTouch(s, t, why) for every reason`, () => {
    // b takes its touches through touchList, a through onTouch with varying reasons; same operations otherwise
    const slots = 40;
    const wa: World = { resident: new Set(), pinned: new Set() };
    const wb: World = { resident: new Set(), pinned: new Set() };
    const a = create(slots, 7, wa);
    const b = create(slots, 7, wb);
    const viaList: EvictionPolicy = { onInsert: (s, tNs) => b.onInsert(s, tNs), onRemove: (s) => b.onRemove(s), victim: (tNs) => b.victim(tNs), onTouch: (s) => b.touchList!.touch(s) };
    const ra = new Rng(21);
    const rb = new Rng(21);
    let touches = 0;
    for (let k = 0; k < 4000; k++) {
      const la = randomOp({ onInsert: (s, tNs) => a.onInsert(s, tNs), onRemove: (s) => a.onRemove(s), victim: (tNs) => a.victim(tNs), onTouch: (s, tNs) => a.onTouch(s, tNs, (k % 4) as 0 | 1 | 2 | 3) }, wa, ra, slots, k);
      const lb = randomOp(viaList, wb, rb, slots, k);
      assert.equal(la, lb, `diverged at step ${k}`);
      if (la.startsWith('touch')) touches++;
      // a touch of a slot that is not resident: ignored by both
      const s = ra.int(slots);
      rb.int(slots);
      if (!wa.resident.has(s)) {
        a.onTouch(s, k, 0);
        b.touchList!.touch(s);
      }
      assert.equal(a.victim(k), b.victim(k), `victims differ after step ${k} (${la})`);
    }
    assert.ok(touches > 500, `the sequence touches (${touches})`);
  });
}

// ---- prefetch contract ------------------------------------------------------------------------------------

function view(pagesPerBlock: number, bigPagePages: number): BlockFaultView {
  const words = Math.max(1, pagesPerBlock / 32);
  return {
    pagesPerBlock, words, bigPagePages, firstPage: 0, endPage: pagesPerBlock,
    resident: new Uint32Array(words), faulted: new Uint32Array(words), thrashing: new Uint32Array(words), hasThrashing: false,
  };
}

function randomise(v: BlockFaultView, rng: Rng): void {
  v.firstPage = rng.int(v.pagesPerBlock);
  v.endPage = v.firstPage + 1 + rng.int(v.pagesPerBlock - v.firstPage);
  v.resident.fill(0);
  v.faulted.fill(0);
  v.thrashing.fill(0);
  const density = rng.next();
  v.hasThrashing = false;
  for (let p = v.firstPage; p < v.endPage; p++) {
    const r = rng.next();
    const bit = 1 << (p & 31);
    if (r < density * 0.8) v.resident[p >>> 5]! |= bit;
    else if (r < density * 0.8 + 0.05) v.faulted[p >>> 5]! |= bit;
    else if (r < density * 0.8 + 0.07) {
      v.thrashing[p >>> 5]! |= bit;
      v.hasThrashing = true;
    }
  }
}

for (const [id, def] of Object.entries(PREFETCH_POLICIES)) {
  test(`prefetch contract [${id}]: chooses only existing, non-resident, non-faulted, non-thrashing pages; count matches`, () => {
    for (const [ppb, bp] of [[512, 16], [16, 16], [32, 8]] as const) {
      const p = def.create(def.defaults as never, { rng: new Rng(1) });
      const rng = new Rng(ppb);
      const v = view(ppb, bp);
      const out = new Uint32Array(v.words);
      for (let it = 0; it < 400; it++) {
        randomise(v, rng);
        const before = [v.resident.slice(), v.faulted.slice(), v.thrashing.slice()];
        out.fill(0);
        const n = p.choose(v, out);
        assert.deepEqual([v.resident, v.faulted, v.thrashing], before, 'the view is not modified');
        let count = 0;
        for (let q = 0; q < ppb; q++) {
          if (!maskTest(out, 0, q)) continue;
          count++;
          assert.ok(q >= v.firstPage && q < v.endPage, `page ${q} outside [${v.firstPage}, ${v.endPage})`);
          assert.ok(!maskTest(v.resident, 0, q) && !maskTest(v.faulted, 0, q) && !maskTest(v.thrashing, 0, q), `page ${q}`);
        }
        assert.equal(n, count);
      }
    }
  });

  test(`prefetch contract [${id}]: works on a one-page block and with no faults`, () => {
    const p = def.create(def.defaults as never, { rng: new Rng(1) });
    const v = view(512, 16);
    v.firstPage = 100;
    v.endPage = 101;
    v.faulted[100 >>> 5]! |= 1 << (100 & 31);
    const out = new Uint32Array(16);
    assert.equal(p.choose(v, out), 0);
    v.faulted.fill(0);
    v.firstPage = 0;
    v.endPage = 512;
    assert.equal(p.choose(v, out.fill(0)), 0, 'no faults, nothing to prefetch');
  });

  test(`prefetch contract [${id}]: deterministic for a seed`, () => {
    const run = (): number[] => {
      const p = def.create(def.defaults as never, { rng: new Rng(42) });
      const rng = new Rng(7);
      const v = view(512, 16);
      const out = new Uint32Array(16);
      const res: number[] = [];
      for (let it = 0; it < 200; it++) {
        randomise(v, rng);
        out.fill(0);
        res.push(p.choose(v, out), ...out);
      }
      return res;
    };
    assert.deepEqual(run(), run());
  });
}
