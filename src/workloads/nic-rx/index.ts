import type { EventBatch } from '../../trace/batch';
import { Access, CPU, Flag } from '../../trace/event';
import type { StringTable } from '../../trace/strings';
import { Rng } from '../../sim/rng';
import { roundUp } from '../../units';
import { TraceEmitter } from '../emit/emitter';
import { HEAP_BASE_VA, VaArena } from '../emit/va-arena';
import { intIn, numIn, problems, workloadMeta } from '../params';
import type { WorkloadDef } from '../types';

/**
 * `nic-rx`: a NIC receiving packets into a ring of host buffers through an IOMMU, with one streaming DMA
 * mapping per packet buffer (the strict per-packet map/unmap pattern of Linux and FreeBSD drivers).
 * Event mapping (docs/workloads.md, "nic-rx", is the contract the `iommu-dma` system relies on):
 * - t = 0: `reserve dev0` of the IOVA window; per ring slot `alloc cpu host` of its buffer (`rxbuf<slot>`),
 *   the descriptor ring `alloc cpu host` (`rxring`) mapped once (`map dev0`, resource `rxring`), and the
 *   initial `map dev0` of every slot's buffer (resource `rxbuf<slot>`, page_bytes 4096).
 * - packet arrival: `access dev0 w` of `packetBytes` at the buffer's IOVA (the DMA write), then `access dev0
 *   w` of the slot's 16-byte descriptor at its ring IOVA (write-back). A packet that finds no posted buffer
 *   is dropped: `marker rx_drop` (dev0), nothing else.
 * - NAPI poll (`marker napi_poll`, cpu) an interrupt delay after the first pending arrival; per packet, up to
 *   `napiBudget`: `access cpu r` of the descriptor (host address), `unmap dev0` of the buffer's IOVA
 *   (dma_unmap on completion), `access cpu r` of the packet (host address), then — `stackNsPerPacket` later
 *   — `map dev0` of the slot's buffer at a fresh IOVA (refill). A poll that used its whole budget while
 *   packets are pending repolls at once.
 * - end: `unmap dev0` of every still-mapped buffer and of the ring, `free` of every buffer and the ring,
 *   `release` of the IOVA window.
 * Trace time is the arrival process plus the stack's own processing time, with IOMMU costs excluded: the
 * system charges map/unmap/invalidation costs and derives throughput and CPU ns per packet from them.
 */
export type NicRxParams = {
  packets: number;
  packetBytes: number;
  bufferBytes: number;
  ratePps: number;
  arrival: string;
  ringSize: number;
  napiBudget: number;
  interruptDelayNs: number;
  stackNsPerPacket: number;
  iovaPages: number;
};

const NIC = 1; // dev0
const PAGE = 4096;
const DESC_BYTES = 16;
/** Ethernet per-frame overhead on the wire besides the IP packet: header 14 + FCS 4 + preamble 8 + gap 12. */
export const ETHERNET_OVERHEAD_BYTES = 38;
/** Base of the IOVA window (a 32-bit-DMA-capable range, as Linux's IOVA allocator prefers). */
export const IOVA_BASE = 0x80000000;

/** Packets per second that fill a link of `gbps` with packets of `packetBytes` (IP bytes). */
export function lineRatePps(gbps: number, packetBytes: number): number {
  return (gbps * 1e9) / ((packetBytes + ETHERNET_OVERHEAD_BYTES) * 8);
}

/** Link bit rate (Gb/s, wire bytes) that `ratePps` packets of `packetBytes` occupy. */
export function wireGbps(ratePps: number, packetBytes: number): number {
  return (ratePps * (packetBytes + ETHERNET_OVERHEAD_BYTES) * 8) / 1e9;
}

/** The `nic-rx` workload (event mapping in the module comment above and in docs/workloads.md). */
export const nicRx: WorkloadDef<NicRxParams> = {
  name: 'nic-rx',
  summary: 'NIC receive: 10,000 × 1500 B packets at 10 GbE line rate into a 1024-slot ring, IOMMU map/unmap per packet (footprint 0 B; buffers are host memory)',
  defaults: {
    packets: 10000,
    packetBytes: 1500,
    bufferBytes: 2048,
    ratePps: Math.round(lineRatePps(10, 1500)),
    arrival: 'poisson',
    ringSize: 1024,
    napiBudget: 64,
    interruptDelayNs: 20000,
    stackNsPerPacket: 600,
    iovaPages: 65536,
  },
  params: {
    packets: { summary: 'packets offered', unit: 'count' },
    packetBytes: { summary: 'bytes the NIC writes per packet (IP packet; ≤ bufferBytes)', unit: 'bytes' },
    bufferBytes: { summary: 'receive buffer size (FreeBSD mbuf cluster 2 KiB); each buffer occupies whole 4 KiB pages', unit: 'bytes' },
    ratePps: { summary: 'offered packet rate (packets/s); default = 10 GbE line rate for 1500 B packets (812,744)', unit: 'count' },
    arrival: { summary: 'arrival process: evenly spaced or Poisson (seeded)', values: ['uniform', 'poisson'] },
    ringSize: { summary: 'receive descriptors (posted buffers)', unit: 'count' },
    napiBudget: { summary: 'packets one NAPI poll processes at most', unit: 'count' },
    interruptDelayNs: { summary: 'interrupt moderation: poll start after the first pending arrival', unit: 'ns' },
    stackNsPerPacket: { summary: 'CPU time per packet in the driver and stack, excluding DMA-API/IOMMU costs (placeholder)', unit: 'ns' },
    iovaPages: { summary: 'IOVA window in 4 KiB pages; per-packet mappings cycle through it', unit: 'count' },
  },
  validate: (p) =>
    problems<keyof NicRxParams>({
      packets: intIn(p.packets, 1, 1e9),
      packetBytes: intIn(p.packetBytes, 1, p.bufferBytes),
      bufferBytes: intIn(p.bufferBytes, 64, 1 << 20),
      ratePps: numIn(p.ratePps, 1, 1e10),
      ringSize: intIn(p.ringSize, 1, 1 << 16),
      napiBudget: intIn(p.napiBudget, 1, 1 << 16),
      interruptDelayNs: intIn(p.interruptDelayNs, 0, 1e10),
      stackNsPerPacket: intIn(p.stackNsPerPacket, 0, 1e9),
      iovaPages: intIn(p.iovaPages, 2 * p.ringSize * Math.ceil(p.bufferBytes / PAGE), 2 ** 40 / PAGE),
    }),
  generate: (p, seed, strings) => nicRxStream(p, seed, strings),
  meta: (p, seed) =>
    workloadMeta('nic-rx', p, seed, ['dev0'], {
      'nic.offered_gbps': wireGbps(p.ratePps, p.packetBytes).toFixed(3),
      'nic.line_rate_note': `default rate = 10 GbE line rate for ${p.packetBytes} B packets (${ETHERNET_OVERHEAD_BYTES} B framing per packet)`,
    }),
};

function* nicRxStream(p: Readonly<NicRxParams>, seed: number, strings?: StringTable): Generator<EventBatch, void, undefined> {
  const em = new TraceEmitter(strings);
  const rng = new Rng(seed);
  const bufPages = Math.ceil(p.bufferBytes / PAGE);
  const bufBytes = bufPages * PAGE;
  const ringBytes = roundUp(p.ringSize * DESC_BYTES, PAGE);
  const ringPages = ringBytes / PAGE;
  const windowBytes = (ringPages + p.iovaPages) * PAGE;
  const arena = new VaArena(HEAP_BASE_VA, PAGE);
  const pageBytes = PAGE;

  // Set-up at t = 0.
  em.reserve(0, NIC, IOVA_BASE, windowBytes, em.id('iova'));
  const ringVa = arena.take(ringBytes);
  const ringRes = em.id('rxring');
  em.alloc(0, CPU, ringVa, ringBytes, Flag.host, ringRes);
  em.map(0, NIC, IOVA_BASE, ringBytes, ringRes, 0, pageBytes);
  const hostVa = new Float64Array(p.ringSize);
  const res = new Uint32Array(p.ringSize);
  const iova = new Float64Array(p.ringSize);
  for (let s = 0; s < p.ringSize; s++) {
    hostVa[s] = arena.take(bufBytes);
    res[s] = em.id(`rxbuf${s}`);
    em.alloc(0, CPU, hostVa[s]!, bufBytes, Flag.host, res[s]!);
  }
  const slotsInWindow = Math.floor(p.iovaPages / bufPages);
  let nextIova = 0;
  const mapSlot = (t: number, s: number): void => {
    iova[s] = IOVA_BASE + ringBytes + (nextIova++ % slotsInWindow) * bufBytes;
    em.map(t, NIC, iova[s]!, bufBytes, res[s]!, 0, pageBytes);
  };
  for (let s = 0; s < p.ringSize; s++) mapSlot(0, s);
  yield* em.drain();

  // Event loop: arrivals (NIC) and packet processing (CPU), in time order.
  const gapNs = 1e9 / p.ratePps;
  let arrivalExact = 0;
  const nextGap = (): number => (p.arrival === 'poisson' ? -Math.log(1 - rng.next()) * gapNs : gapNs);
  arrivalExact = nextGap();
  let tArrival = Math.round(arrivalExact);
  let offered = 0;
  const arrivedAt = new Float64Array(p.ringSize); // per filled slot
  let head = 0; // next slot the NIC fills
  let tail = 0; // next slot the CPU processes
  let filled = 0; // slots holding a packet not yet processed
  let posted = p.ringSize; // slots with a mapped, empty buffer
  let cpuT = Infinity; // time of the next CPU step (Infinity = idle)
  let budget = 0;
  let refill = -1; // slot whose buffer is refilled at the next CPU step
  const dropLabel = em.id('rx_drop');
  const pollLabel = em.id('napi_poll');
  const schedulePoll = (): void => {
    if (cpuT === Infinity && filled > 0) cpuT = Math.max(em.nowNs, arrivedAt[tail]! + p.interruptDelayNs);
  };
  let t = 0;
  while (offered < p.packets || filled > 0 || refill >= 0) {
    if (offered < p.packets && tArrival <= cpuT) {
      t = tArrival;
      if (posted > 0) {
        const s = head;
        em.access(t, NIC, iova[s]!, p.packetBytes, Access.w);
        em.access(t, NIC, IOVA_BASE + s * DESC_BYTES, DESC_BYTES, Access.w);
        arrivedAt[s] = t;
        head = (head + 1) % p.ringSize;
        posted--;
        filled++;
      } else {
        em.marker(t, NIC, dropLabel);
      }
      offered++;
      arrivalExact += nextGap();
      tArrival = Math.max(t, Math.round(arrivalExact));
      schedulePoll();
    } else {
      t = cpuT;
      if (refill >= 0) {
        mapSlot(t, refill); // refill the processed slot with a freshly mapped buffer
        refill = -1;
        posted++;
      }
      const ready = filled > 0 && arrivedAt[tail]! <= t;
      if (ready && budget > 0) {
        const s = tail;
        em.access(t, CPU, ringVa + s * DESC_BYTES, DESC_BYTES, Access.r);
        em.unmap(t, NIC, iova[s]!, bufBytes);
        em.access(t, CPU, hostVa[s]!, p.packetBytes, Access.r);
        refill = s;
        tail = (tail + 1) % p.ringSize;
        filled--;
        budget--;
        cpuT = t + p.stackNsPerPacket;
      } else if (ready) {
        em.marker(t, CPU, pollLabel); // a new poll (first after the interrupt, or a repoll after a full budget)
        budget = p.napiBudget;
      } else {
        budget = 0; // poll complete: re-enable the interrupt
        cpuT = Infinity;
        schedulePoll();
      }
    }
    yield* em.drain();
  }
  t = em.nowNs;
  for (let s = 0; s < p.ringSize; s++) em.unmap(t, NIC, iova[s]!, bufBytes);
  em.unmap(t, NIC, IOVA_BASE, ringBytes);
  for (let s = 0; s < p.ringSize; s++) em.free(t, CPU, hostVa[s]!, bufBytes);
  em.free(t, CPU, ringVa, ringBytes);
  em.release(t, NIC, IOVA_BASE, windowBytes);
  yield* em.finish();
}
