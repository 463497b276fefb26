/**
 * Test harness for system models: a fully specified platform whose every number the tests read back to
 * derive expectations (never literals in the assertions), and a one-call replay of hand-written events
 * through `simulate` (debug invariants on, as under `npm test`).
 */
import type { DeepPartial, DeviceProfile, HostProfile, LinkProfile, Platform } from '../../src/profiles/types';
import { simulate } from '../../src/sim/engine';
import type { ResolvedRun, RunResult } from '../../src/sim/run-types';
import type { SystemDef } from '../../src/systems/types';
import { BatchBuilder } from '../../src/trace/batch';
import type { TraceEvent } from '../../src/trace/event';
import { memoryTrace } from '../../src/trace/trace';
import { GiB, KiB, MiB } from '../../src/units';

function merge<T>(base: T, over: DeepPartial<T> | undefined): T {
  if (!over) return base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    const b = (base as Record<string, unknown>)[k];
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) && typeof b === 'object' ? merge(b, v as never) : v;
  }
  return out as T;
}

export interface PlatformOverrides {
  device?: DeepPartial<DeviceProfile>;
  link?: DeepPartial<LinkProfile>;
  host?: DeepPartial<HostProfile>;
}

/** A PCIe-3-like test platform with round numbers (so hand computations stay readable). */
export function testPlatform(o: PlatformOverrides = {}): Platform {
  const device: DeviceProfile = {
    id: 'test-gpu', summary: 'test device',
    memory: { capacityBytes: 64 * MiB, bandwidthBytesPerNs: 400 },
    pageSizesBytes: [4 * KiB, 64 * KiB, 2 * MiB],
    capability: { replayable: true, peer: false },
    vaBits: 49, ptLevels: 5,
    fault: { serviceNs: 45_000, batchFixedNs: 10_000, perPageNs: 5_000 },
    tlb: { invalidateNs: 5_000, invalidateAllNs: 10_000, rangeInvalidate: true },
    map: {
      peerMapNs: 744, peerUnmapNs: 5_500, bindNs: 744, unbindNs: 500, pteNs: 100, submitNs: 20_000,
      pmapCreateNs: 10_000, peerVaAllocNs: 10_000, peerVaFreeNs: 10_000, iovaAllocNs: 200,
    },
    zeroFillBytesPerNs: 200,
    sources: {},
  };
  const link: LinkProfile = {
    id: 'test-link', summary: 'test link', peakBytesPerNs: 16, h2dBytesPerNs: 10, d2hBytesPerNs: 10, latencyNs: 1_000,
    remoteLatencyNs: 1_500, model: 'affine', atanA: 12, atanB: 0.07292, sources: {},
  };
  const host: HostProfile = {
    id: 'test-host', summary: 'test host', dramBytes: 16 * GiB, devices: 1, cores: 16, tlbShootdownNs: 5_200,
    cpuFaultNs: 1_000, zeroFillBytesPerNs: 10, dmaMapNs: 500, dmaUnmapNs: 500, notifierNs: 2_000, mmapNs: 2_000,
    munmapNs: 3_000, vmaSplitNs: 500, sources: {},
  };
  return { id: 'test', summary: 'test platform', device: merge(device, o.device), link: merge(link, o.link), host: merge(host, o.host) };
}

/** Replay `events` through `def` with `params` overriding its defaults. */
export async function replay(
  def: SystemDef<any>,
  params: Record<string, unknown>,
  events: readonly TraceEvent[],
  platform: Platform = testPlatform(),
  seed = 0,
): Promise<RunResult> {
  const bb = new BatchBuilder();
  for (const e of events) bb.push(e);
  const trace = memoryTrace('test-trace', [bb.take()]);
  const resolved = { ...def.defaults, ...params };
  const problem = def.validate?.(resolved);
  if (problem) throw new Error(problem);
  const run: ResolvedRun = {
    system: def.name, preset: def.name, model: def.name, params: resolved, platform,
    capacityBytes: platform.device.memory.capacityBytes, footprintBytes: 0, oversub: null, seed,
    traceDigest: 'test', traceName: 'test-trace', version: 'test', debug: true, specHash: 'test',
  };
  return simulate(run, def, trace);
}

export { GiB, KiB, MiB };
