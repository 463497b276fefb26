import { fail } from '../log/diagnostic';
import { profileMessages } from '../log/messages/profiles';
import { ascend91032g } from './devices/ascend910-32g';
import { ascend910b64g } from './devices/ascend910b-64g';
import { a10080g } from './devices/a100-80g';
import { gh200 } from './devices/gh200';
import { gtx1080ti } from './devices/gtx1080ti';
import { h10080g } from './devices/h100-80g';
import { nicIntelIommu } from './devices/nic-intel-iommu';
import { rtx4090 } from './devices/rtx4090';
import { titanv } from './devices/titanv';
import { x97 } from './devices/x97';
import { epyc7551p } from './hosts/epyc7551p';
import { genericX86 } from './hosts/generic-x86';
import { grace } from './hosts/grace';
import { kunpeng920 } from './hosts/kunpeng920';
import { nvlinkC2c } from './links/nvlink-c2c';
import { pcie3x16 } from './links/pcie3-x16';
import { pcie4x16 } from './links/pcie4-x16';
import { pcie5x16 } from './links/pcie5-x16';
import { x97Carveout } from './links/x97-carveout';
import { a100Pcie4 } from './platforms/a100-pcie4';
import { ascend91032g as ascend91032gPlatform } from './platforms/ascend910-32g';
import { ascend910b } from './platforms/ascend910b';
import { gh200C2c } from './platforms/gh200-c2c';
import { gtx1080tiPcie3 } from './platforms/gtx1080ti-pcie3';
import { h100Pcie5 } from './platforms/h100-pcie5';
import { nicIommu } from './platforms/nic-iommu';
import { rtx4090 as rtx4090Platform } from './platforms/rtx4090';
import { titanvPcie3 } from './platforms/titanv-pcie3';
import { x97Sim } from './platforms/x97-sim';
import type { DevicePreset, HostPreset, LinkPreset, PlatformPreset } from './preset-types';

/**
 * Profile registries (compiler-checked records keyed by id; a test checks key = id). Notebooks add presets
 * with `registerDevice` / `registerLink` / `registerHost` / `registerPlatform`, which refuse a clash unless
 * `{ override: true }`. Adding a built-in preset: a file in the folder, one line here, a row in docs/profiles.md.
 */
export const BUILTIN_DEVICES = {
  gtx1080ti,
  titanv,
  'a100-80g': a10080g,
  'h100-80g': h10080g,
  gh200,
  'ascend910b-64g': ascend910b64g,
  'ascend910-32g': ascend91032g,
  rtx4090,
  'nic-intel-iommu': nicIntelIommu,
  x97,
} satisfies Record<string, DevicePreset>;

export const BUILTIN_LINKS = {
  'pcie3-x16': pcie3x16,
  'pcie4-x16': pcie4x16,
  'pcie5-x16': pcie5x16,
  'nvlink-c2c': nvlinkC2c,
  'x97-carveout': x97Carveout,
} satisfies Record<string, LinkPreset>;

export const BUILTIN_HOSTS = {
  'generic-x86': genericX86,
  epyc7551p,
  grace,
  kunpeng920,
} satisfies Record<string, HostPreset>;

export const BUILTIN_PLATFORMS = {
  'gtx1080ti-pcie3': gtx1080tiPcie3,
  'titanv-pcie3': titanvPcie3,
  'a100-pcie4': a100Pcie4,
  'h100-pcie5': h100Pcie5,
  'gh200-c2c': gh200C2c,
  ascend910b,
  'ascend910-32g': ascend91032gPlatform,
  rtx4090: rtx4090Platform,
  'nic-iommu': nicIommu,
  'x97-sim': x97Sim,
} satisfies Record<string, PlatformPreset>;

/** Platform preset ids (what `--profile` accepts). */
export type BuiltinPlatformId = keyof typeof BUILTIN_PLATFORMS;

const devices = new Map<string, DevicePreset>(Object.entries(BUILTIN_DEVICES));
const links = new Map<string, LinkPreset>(Object.entries(BUILTIN_LINKS));
const hosts = new Map<string, HostPreset>(Object.entries(BUILTIN_HOSTS));
const platforms = new Map<string, PlatformPreset>(Object.entries(BUILTIN_PLATFORMS));

export interface RegisterOptions {
  /** Replace an existing preset of the same id. */
  readonly override?: boolean;
}

function register<T extends { id: string }>(map: Map<string, T>, kind: string, p: T, opts: RegisterOptions): void {
  if (map.has(p.id) && !opts.override) fail(profileMessages.duplicate({}, kind, p.id));
  map.set(p.id, p);
}

/** Add a device preset (notebooks). */
export function registerDevice(p: DevicePreset, opts: RegisterOptions = {}): void {
  register(devices, 'device', p, opts);
}
/** Add a link preset. */
export function registerLink(p: LinkPreset, opts: RegisterOptions = {}): void {
  register(links, 'link', p, opts);
}
/** Add a host preset. */
export function registerHost(p: HostPreset, opts: RegisterOptions = {}): void {
  register(hosts, 'host', p, opts);
}
/** Add a platform preset (its device, link and host must be registered when it is resolved). */
export function registerPlatform(p: PlatformPreset, opts: RegisterOptions = {}): void {
  register(platforms, 'platform', p, opts);
}

/** Registered presets, in registration order. */
export function listPlatforms(): PlatformPreset[] {
  return [...platforms.values()];
}
export function listDevices(): DevicePreset[] {
  return [...devices.values()];
}
export function listLinks(): LinkPreset[] {
  return [...links.values()];
}
export function listHosts(): HostPreset[] {
  return [...hosts.values()];
}

/** The platform preset `id`, or a `profiles.unknown-platform` error listing the valid ids. */
export function platformPreset(id: string): PlatformPreset {
  const p = platforms.get(id);
  if (!p) fail(profileMessages.unknownPlatform({}, id, [...platforms.keys()]));
  return p;
}

/** The device, link and host presets a platform names (errors if one is not registered). */
export function platformParts(p: PlatformPreset): { device: DevicePreset; link: LinkPreset; host: HostPreset } {
  const d = devices.get(p.device);
  if (!d) fail(profileMessages.unknownPart({}, p.id, 'device', p.device, [...devices.keys()]));
  const l = links.get(p.link);
  if (!l) fail(profileMessages.unknownPart({}, p.id, 'link', p.link, [...links.keys()]));
  const h = hosts.get(p.host);
  if (!h) fail(profileMessages.unknownPart({}, p.id, 'host', p.host, [...hosts.keys()]));
  return { device: d, link: l, host: h };
}
