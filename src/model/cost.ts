import type { Platform } from '../profiles/types';
import { transferNs } from './link';

/**
 * Cost terms of the GMEM callbacks (docs/gmem-model.md §1 callback table, §3), precomputed once per run for one
 * migration unit size. Every number comes from the resolved platform (decision C): model code adds these
 * terms and never contains a cost literal. Other systems may use the same helpers.
 */
export interface UnitCosts {
  readonly unitBytes: number;
  /** `device.fault.serviceNs`. */
  readonly faultServiceNs: number;
  /** Device zero-fill of one unit: `unitBytes / device.zeroFillBytesPerNs`. */
  readonly deviceZeroFillNs: number;
  /** Host zero-fill (or page copy) of one unit: `unitBytes / host.zeroFillBytesPerNs`. */
  readonly hostZeroFillNs: number;
  /** Link transfer of one unit (`transferNs`, affine or atan). */
  readonly h2dNs: number;
  readonly d2hNs: number;
  readonly peerMapNs: number;
  readonly peerUnmapNs: number;
  readonly dmaMapNs: number;
  readonly dmaUnmapNs: number;
  readonly cpuFaultNs: number;
  readonly tlbShootdownNs: number;
  readonly invalidateNs: number;
  readonly invalidateAllNs: number;
  readonly pmapCreateNs: number;
  readonly peerVaAllocNs: number;
  readonly peerVaFreeNs: number;
  readonly pteNs: number;
  readonly mmapNs: number;
  readonly munmapNs: number;
  readonly vmaSplitNs: number;
  readonly mprotectNs: number;
  readonly remoteLatencyNs: number;
  readonly remoteReadBytesPerNs: number;
  readonly remoteWriteBytesPerNs: number;
  readonly deviceCopyBytesPerNs: number;
}

/** The cost table for `unitBytes` on `p`. */
export function unitCosts(p: Platform, unitBytes: number): UnitCosts {
  const d = p.device;
  const h = p.host;
  return {
    unitBytes,
    faultServiceNs: d.fault.serviceNs,
    deviceZeroFillNs: unitBytes / d.zeroFillBytesPerNs,
    hostZeroFillNs: unitBytes / h.zeroFillBytesPerNs,
    h2dNs: transferNs(p.link, unitBytes, 'h2d'),
    d2hNs: transferNs(p.link, unitBytes, 'd2h'),
    peerMapNs: d.map.peerMapNs,
    peerUnmapNs: d.map.peerUnmapNs,
    dmaMapNs: h.dmaMapNs,
    dmaUnmapNs: h.dmaUnmapNs,
    cpuFaultNs: h.cpuFaultNs,
    tlbShootdownNs: h.tlbShootdownNs,
    invalidateNs: d.tlb.invalidateNs,
    invalidateAllNs: d.tlb.invalidateAllNs,
    pmapCreateNs: d.map.pmapCreateNs,
    peerVaAllocNs: d.map.peerVaAllocNs,
    peerVaFreeNs: d.map.peerVaFreeNs,
    pteNs: d.map.pteNs,
    mmapNs: h.mmapNs,
    munmapNs: h.munmapNs,
    vmaSplitNs: h.vmaSplitNs,
    mprotectNs: h.mprotectNs,
    remoteLatencyNs: p.link.remoteLatencyNs,
    remoteReadBytesPerNs: p.link.h2dBytesPerNs,
    remoteWriteBytesPerNs: p.link.d2hBytesPerNs,
    deviceCopyBytesPerNs: d.memory.bandwidthBytesPerNs,
  };
}

/** One remote (non-migrating) device access of `bytes` to host memory (decision D). */
export function remoteAccessNs(c: UnitCosts, bytes: number, write: boolean): number {
  return c.remoteLatencyNs + bytes / (write ? c.remoteWriteBytesPerNs : c.remoteReadBytesPerNs);
}

/** Device-side copy of `bytes` at device memory bandwidth (alias copies, §11). */
export function deviceCopyNs(c: UnitCosts, bytes: number): number {
  return bytes / c.deviceCopyBytesPerNs;
}
