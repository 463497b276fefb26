import { UnitState } from '../../model/logical-table';
import type { GmemState } from './state';

const { NOMAP, CPU: ST_CPU, DEVICE } = UnitState;

/**
 * Debug mode only (`SystemModel.checkInvariants`, called by the engine after every row and at the end): a full
 * check (`checkAll`) after every row while it visits at most `INVARIANT_VISITS_PER_ROW` slots (every test trace),
 * else once the rows since the last one have earned its cost — and always the call after `finish`.
 */
export function checkInvariants(g: GmemState): void {
  // a full check visits every slot of the logical table up to its high-water mark (4 KiB units over a recorded
  // 13 GiB snapshot: 3.2 M slots) and every device's pool
  if (g.invariants.due(g.t.highWater + g.nDev)) checkAll(g);
}

/** Throw if an invariant is broken — frames, states, page-table frames, host units, bytes conserved. */
export function checkAll(g: GmemState): void {
  const t = g.t;
  const perDev = new Int32Array(g.nDev);
  let cpu = 0;
  let live = 0;
  for (let s = 0; s < t.highWater; s++) {
    if (t.key[s]! < 0) continue;
    live++;
    const st = t.stateOf(s);
    if (st === DEVICE) {
      const dv = t.ownerOf(s);
      if (dv >= g.nDev) throw new Error(`invariant: unit ${t.key[s]} owned by missing device ${dv}`);
      if (g.pools[dv]!.holder[t.frameOf(s)] !== s) throw new Error(`invariant: unit ${t.key[s]} frame ${t.frameOf(s)} not held by it`);
      perDev[dv]!++;
    } else {
      if (st !== ST_CPU && st !== NOMAP) throw new Error(`invariant: unit ${t.key[s]} in no state (${st})`);
      if (t.frameOf(s) !== -1) throw new Error(`invariant: non-device unit ${t.key[s]} holds frame ${t.frameOf(s)}`);
      if (st === ST_CPU) cpu++;
    }
    if (t.refsOf(s) === 0) throw new Error(`invariant: unit ${t.key[s]} outlived its allocations`);
    if (t.find(t.key[s]!) !== s) throw new Error(`invariant: unit ${t.key[s]} not indexed to its slot`);
  }
  if (live !== t.size) throw new Error(`invariant: ${live} live slots, table says ${t.size}`);
  let res = 0;
  for (let d = 0; d < g.nDev; d++) {
    const pool = g.pools[d]!;
    if (perDev[d] !== g.resident[d]) throw new Error(`invariant: dev${d} resident ${g.resident[d]} != units ${perDev[d]}`);
    if (pool.used > pool.frames) throw new Error(`invariant: dev${d} frames in use ${pool.used} > capacity ${pool.frames}`);
    if (pool.used !== perDev[d]! + pool.wired) throw new Error(`invariant: dev${d} frames in use ${pool.used} != data ${perDev[d]} + wired ${pool.wired}`);
    if (pool.wired !== g.pts[d]!.framesHeld) throw new Error(`invariant: dev${d} wired ${pool.wired} != page-table frames ${g.pts[d]!.framesHeld}`);
    res += perDev[d]!;
  }
  if (g.hostUnits !== cpu + g.childUnits) throw new Error(`invariant: host units ${g.hostUnits} != CPU units ${cpu} + child pages ${g.childUnits}`);
  if (g.hostUnits > g.hostCap) throw new Error(`invariant: host units ${g.hostUnits} > capacity ${g.hostCap}`);
  if (g.dataUnits !== cpu + res) throw new Error(`invariant: data units ${g.dataUnits} != CPU ${cpu} + device ${res} (bytes not conserved)`);
  if (g.devIn - g.devOut !== res) throw new Error(`invariant: device in ${g.devIn} - out ${g.devOut} != resident ${res}`);
}
