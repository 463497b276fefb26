import { UnitBit, UnitState } from '../../model/logical-table';
import { Cause } from '../../sim/clock';
import { Flag } from '../../trace/event';
import * as ranges from './ranges';
import * as state from './state';
import type { GmemState } from './state';
import * as stateTable from './state-table';

/*
 * mprotect and fork. Write faults on READONLY units and the copy-on-write breaks themselves (CPU fault, or a
 * CPU round trip for a device access) are in state-table.ts.
 */

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): loops read local copies.
const { charge } = state;
const { fanOutCpuZap } = ranges;
const { newUnit } = stateTable;
const C_INVALIDATE = Cause.invalidate;
const C_MAP = Cause.map;
const { CPU: ST_CPU, DEVICE } = UnitState;
const { PTE, COW, READONLY } = UnitBit;

export function protectRange(g: GmemState, va: number, bytes: number, flags: number): void {
  const ro = (flags & Flag.readonly) !== 0;
  charge(g, C_MAP, g.c.mprotectNs);
  g.x.protectOps++;
  if (Number.isNaN(va) || !(bytes > 0)) return;
  const t = g.t;
  const U = g.U;
  const end = va + bytes;
  let ptes = 0;
  for (const a of g.allocs.overlapping(va, end)) {
    const lo = Math.max(va, a.start);
    const hi = Math.min(end, a.end);
    const u1 = Math.floor((hi - 1) / U);
    for (let u = Math.floor(lo / U); u <= u1; u++) {
      let s = t.find(u);
      if (s < 0) s = newUnit(g, u, a);
      if (!ro) {
        t.andBits(s, ~READONLY);
        continue;
      }
      t.orBits(s, READONLY);
      if (t.stateOf(s) === ST_CPU && (t.bitsOf(s) & PTE) !== 0) ptes++;
      else if (t.stateOf(s) === DEVICE) g.rangeDev[t.ownerOf(s)]!++;
    }
  }
  if (!ro) return;
  if (ptes > 0) {
    charge(g, C_INVALIDATE, g.c.tlbShootdownNs);
    g.x.cpuShootdowns++;
    fanOutCpuZap(g, ptes);
  }
  for (let d = 0; d < g.nDev; d++) {
    const n = g.rangeDev[d]!;
    if (n === 0) continue;
    // pmap_protect on the device: one PTE write per unit, one range invalidation
    charge(g, C_MAP, n * g.c.pteNs);
    charge(g, C_INVALIDATE, g.c.invalidateNs);
    g.cn.tlbInvalidations++;
    g.rangeDev[d] = 0;
  }
}

/** fork: every unit with data in host memory becomes copy-on-write shared with the (idle) child. */
export function fork(g: GmemState): void {
  g.x.forks++;
  const t = g.t;
  let ptes = 0;
  for (let s = 0; s < t.highWater; s++) {
    if (t.key[s]! < 0 || t.stateOf(s) !== ST_CPU) continue;
    t.orBits(s, COW);
    if ((t.bitsOf(s) & PTE) !== 0) ptes++;
  }
  if (ptes > 0) {
    charge(g, C_INVALIDATE, g.c.tlbShootdownNs);
    g.x.cpuShootdowns++;
    fanOutCpuZap(g, ptes);
  }
}
