import * as pageMask from '../../model/page-mask';
import * as clockMod from '../../sim/clock';
import type { EventBatch } from '../../trace/batch';
import * as ev from '../../trace/event';
import * as stateMod from './state';
import type { SvmState } from './state';

// Imported bindings compile to getter calls under tsx/esbuild (CommonJS interop): hot paths use local copies.
const { maskClear, maskCountRange, maskFillRange, maskTest } = pageMask;
const { Cause } = clockMod;
const { Flag } = ev;
const { NONE, PAGE } = stateMod;

// ---- MMU notifier ---------------------------------------------------------------------------------------
// The CPU side of the mirror: every change of the process's page tables (munmap, mprotect, fork's COW
// write-protect, a migration back to RAM, a COW break) reaches the driver as an MMU-notifier callback
// (`svm_range_cpu_invalidate_pagetables` on the range's interval notifier in kfd_svm.c).

/**
 * A CPU-side invalidation of `[start, end)` (munmap, mprotect, fork's COW write-protect, a migration back to
 * RAM, a COW break): one callback per overlapping SVM range, each `host.notifierNs`; a range with GPU
 * mappings in the interval is unmapped from the GPU (one device TLB invalidation). Without retry faults the
 * driver must also evict the user queues; they are restored `restoreDelayNs` later.
 */
export function invalidate(st: SvmState, start: number, end: number): void {
  const clock = st.env.clock;
  const cn = st.env.counters;
  const gran = st.gran;
  for (const it of st.ranges.overlapping(start, end)) {
    const r = it.value;
    st.notifierCallbacks++;
    clock.charge(Cause.invalidate, st.notifierNs);
    let unmapped = 0;
    const a = Math.max(start, it.start);
    const e = Math.min(end, it.end);
    const k1 = Math.floor((e - 1) / gran);
    for (let k = Math.floor(a / gran); k <= k1; k++) {
      const u = st.unitIndex.get(k);
      if (u >= 0 && st.uMapped[u] && st.uRange[u] === r) {
        st.uMapped[u] = 0;
        st.rMapped[r]!--;
        unmapped++;
      }
    }
    if (unmapped === 0) continue;
    cn.unmapOps++;
    cn.tlbInvalidations++;
    clock.charge(Cause.invalidate, st.c.invalidateNs);
    if (!st.p.retryFaults) {
      st.queueEvictions++;
      const until = clock.nowNs + st.p.restoreDelayNs;
      if (until > st.queuesEvictedUntilNs) st.queuesEvictedUntilNs = until;
    }
  }
}

/**
 * scope=mm (SVA): a CPU-side invalidation of `[start, end)` that no SVM range covers still reaches the
 * device through the mm-wide notifier: one callback and one device TLB invalidation (the device may cache
 * any translation of the process). Ranges are called back by `invalidate` as before.
 */
export function mmInvalidate(st: SvmState, start: number, end: number): void {
  if (st.p.scope !== 'mm') return;
  if (st.ranges.overlapping(start, end).length > 0) return;
  mmCallback(st);
}

export function mmCallback(st: SvmState): void {
  st.mmCallbacks++;
  st.notifierCallbacks++;
  st.env.clock.charge(Cause.invalidate, st.notifierNs + st.c.invalidateNs);
  st.env.counters.tlbInvalidations++;
}

// ---- copy-on-write after fork ----------------------------------------------------------------------------

/**
 * A write to copy-on-write pages of unit `u` within `[s, e)` after `fork`: each COW page in the interval is
 * broken once, then the unit drops its COW mark when no COW page is left. The cost depends on who writes:
 * - the device (`fromDevice`; docs/reference-results.md §7, König on intel-gfx): each 4 KiB page costs a CPU
 *   round trip — the GPU faults, `hmm_range_fault` breaks COW on the CPU, the notifier fires, and the new
 *   page is transferred;
 * - the CPU: a CPU fault and a 4 KiB page copy each; the PTE change fires the notifier.
 */
export function breakCow(st: SvmState, u: number, s: number, e: number, fromDevice: boolean): void {
  const clock = st.env.clock;
  const cn = st.env.counters;
  const base = st.uKey[u]! * st.gran;
  const p0 = Math.floor((s - base) / PAGE);
  const p1 = Math.ceil((e - base) / PAGE);
  const off = u * st.words;
  for (let p = p0; p < p1; p++) {
    if (!maskTest(st.uCow, off, p)) continue;
    maskClear(st.uCow, off, p);
    st.cowBreaks++;
    if (fromDevice) {
      cn.deviceFaults++;
      clock.charge(Cause.fault, st.c.faultServiceNs);
      st.notifierCallbacks++;
      clock.charge(Cause.invalidate, st.notifierNs);
      clock.waitUntil(st.link.book(clock.nowNs, PAGE, 'h2d'), Cause.transfer);
      cn.migrationsH2D++;
      cn.bytesH2D += PAGE;
    } else {
      cn.cpuFaults++;
      clock.charge(Cause.fault, st.c.cpuFaultNs + PAGE / st.env.platform.host.zeroFillBytesPerNs);
      invalidate(st, base + p * PAGE, base + (p + 1) * PAGE);
    }
  }
  if (maskCountRange(st.uCow, off, 0, st.gran / PAGE) === 0) st.uCowAny[u] = 0;
}

// ---- protect / fork ---------------------------------------------------------------------------------------

/** mprotect: the syscall (`host.mprotectNs`), then the notifier for every overlapping range. */
export function protectRange(st: SvmState, b: EventBatch, i: number): void {
  const va = b.va[i]!;
  const end = va + b.bytes[i]!;
  st.env.clock.charge(Cause.other, st.c.mprotectNs);
  invalidate(st, va, end);
  mmInvalidate(st, va, end);
  const ro = (b.flags[i]! & Flag.readonly) !== 0 ? 1 : 0;
  const k0 = Math.floor(va / st.gran);
  const k1 = Math.floor((end - 1) / st.gran);
  for (let k = k0; k <= k1; k++) {
    const u = st.unitIndex.get(k);
    if (u >= 0) st.uReadonly[u] = ro;
  }
}

/** fork: every private page becomes copy-on-write; write-protecting them fires the notifier on every range. */
export function forkWriteProtect(st: SvmState): void {
  // scope=mm: write-protecting the process's other private pages reaches the device through the mm notifier
  if (st.p.scope === 'mm') mmCallback(st);
  const gran = st.gran;
  for (const it of st.ranges.list()) {
    invalidate(st, it.start, it.end);
    const k1 = Math.floor((it.end - 1) / gran);
    for (let k = Math.floor(it.start / gran); k <= k1; k++) {
      const u = st.unitIndex.get(k);
      if (u < 0 || st.uLoc[u] === NONE) continue;
      const base = st.uKey[u]! * gran;
      const a = Math.max(0, Math.floor((it.start - base) / PAGE));
      const e = Math.min(gran / PAGE, Math.ceil((it.end - base) / PAGE));
      maskFillRange(st.uCow, u * st.words, a, e);
      st.uCowAny[u] = 1;
    }
  }
}
