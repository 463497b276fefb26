import type { DeepPartial, DeviceProfile, HostProfile, LinkProfile, Sources } from './types';

/**
 * Preset data as written in `devices/`, `links/`, `hosts/`: the values a preset states, each with its
 * source. Fields left out take the shared defaults (defaults.ts); derived fields left out are computed by
 * `resolve.ts` after overrides. Source keys are paths relative to the part (`memory.capacityBytes`).
 */
export interface PresetData<T> {
  readonly id: string;
  readonly summary: string;
  readonly values: DeepPartial<Omit<T, 'id' | 'summary' | 'sources'>>;
  readonly sources: Sources;
}
export type DevicePreset = PresetData<DeviceProfile>;
export type LinkPreset = PresetData<LinkProfile>;
export type HostPreset = PresetData<HostProfile>;

/** A platform preset (what `--profile` names): one device, one link and one host, by id. */
export interface PlatformPreset {
  readonly id: string;
  readonly summary: string;
  readonly device: string;
  readonly link: string;
  readonly host: string;
}
