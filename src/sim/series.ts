import { nextTick } from '../model/tick';
import type { Counters } from './counters';
import type { RunSeries } from './run-types';

/** Default sample budget per run. */
export const SERIES_MAX_SAMPLES = 512;

/**
 * Samples counters on simulated time at a uniform interval; when the budget fills, every other sample is
 * dropped and the interval doubles. Starts at `initialIntervalNs` (1 µs).
 */
export class SeriesSampler {
  private intervalNs: number;
  private nextNs = 0;
  readonly s: { -readonly [K in keyof RunSeries]: number[] } = {
    tNs: [], events: [], deviceFaults: [], cpuFaults: [], bytesH2D: [], bytesD2H: [], evictions: [], mapOps: [],
    unmapOps: [], residentBytes: [],
  };

  constructor(readonly maxSamples = SERIES_MAX_SAMPLES, initialIntervalNs = 1000) {
    this.intervalNs = initialIntervalNs;
  }

  /** Simulated time at or after which the next sample is due (the hot loop compares against it). */
  get nextDueNs(): number {
    return this.nextNs;
  }

  /** Cheap check for the hot loop. */
  due(nowNs: number): boolean {
    return nowNs >= this.nextNs;
  }

  /** Record a sample at `nowNs` (call when `due`, and once at the end). */
  sample(nowNs: number, c: Counters, residentBytes: number): void {
    const s = this.s;
    s.tNs.push(nowNs);
    s.events.push(c.events);
    s.deviceFaults.push(c.deviceFaults);
    s.cpuFaults.push(c.cpuFaults);
    s.bytesH2D.push(c.bytesH2D);
    s.bytesD2H.push(c.bytesD2H);
    s.evictions.push(c.evictions);
    s.mapOps.push(c.mapOps);
    s.unmapOps.push(c.unmapOps);
    s.residentBytes.push(residentBytes);
    this.nextNs = nextTick(this.nextNs, this.intervalNs, nowNs);
    if (s.tNs.length >= this.maxSamples) this.decimate();
  }

  private decimate(): void {
    for (const k of Object.keys(this.s) as (keyof RunSeries)[]) {
      const a = this.s[k];
      let j = 0;
      for (let i = 0; i < a.length; i += 2) a[j++] = a[i]!;
      a.length = j;
    }
    this.intervalNs *= 2;
    const last = this.s.tNs[this.s.tNs.length - 1] ?? 0;
    this.nextNs = last + this.intervalNs;
  }

  result(): RunSeries {
    return this.s;
  }
}

