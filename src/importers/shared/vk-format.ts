/**
 * Approximate bytes per texel of a `VkFormat` (by its numeric code), for estimating image sizes when a trace
 * records an image's extent and format but not its memory requirements. Block-compressed formats give their
 * average (BC1 = 0.5 B/texel). Unknown codes give undefined.
 */
export function bytesPerTexel(format: number): number | undefined {
  if (format === 1) return 1;
  if (format >= 2 && format <= 8) return 2;
  if (format >= 9 && format <= 15) return 1;
  if (format >= 16 && format <= 22) return 2;
  if (format >= 23 && format <= 36) return 3;
  if (format >= 37 && format <= 69) return 4;
  if (format >= 70 && format <= 76) return 2;
  if (format >= 77 && format <= 83) return 4;
  if (format >= 84 && format <= 90) return 6;
  if (format >= 91 && format <= 97) return 8;
  if (format >= 98 && format <= 100) return 4;
  if (format >= 101 && format <= 103) return 8;
  if (format >= 104 && format <= 106) return 12;
  if (format >= 107 && format <= 109) return 16;
  if (format >= 110 && format <= 112) return 8;
  if (format >= 113 && format <= 115) return 16;
  if (format >= 116 && format <= 118) return 24;
  if (format >= 119 && format <= 121) return 32;
  if (format === 122 || format === 123) return 4;
  if (format === 124) return 2;
  if (format === 125 || format === 126 || format === 129) return 4;
  if (format === 127) return 1;
  if (format === 128) return 4;
  if (format === 130) return 8;
  if ((format >= 131 && format <= 134) || format === 139 || format === 140 || (format >= 147 && format <= 150) || format === 153 || format === 154) return 0.5;
  if (format >= 135 && format <= 184) return 1;
  return undefined;
}

/** Bytes per texel from a format NAME (`VK_FORMAT_B8G8R8A8_UNORM`), as written by gfxrecon-convert. */
export function bytesPerTexelOfName(name: string): number | undefined {
  const n = name.replace(/^VK_FORMAT_/, '');
  if (/^(BC1|BC4|ETC2_R8G8B8_|ETC2_R8G8B8A1|EAC_R11_)/.test(n)) return 0.5;
  if (/^(BC|ETC2|EAC|ASTC)/.test(n)) return 1;
  if (n === 'D16_UNORM') return 2;
  if (n === 'D32_SFLOAT' || n === 'X8_D24_UNORM_PACK32' || n === 'D24_UNORM_S8_UINT') return 4;
  if (n === 'D32_SFLOAT_S8_UINT') return 8;
  if (n === 'S8_UINT') return 1;
  if (n === 'D16_UNORM_S8_UINT') return 4;
  const pack = /PACK(8|16|32)$/.exec(n);
  if (pack) return Number(pack[1]) / 8;
  const bits = [...n.matchAll(/[RGBAXE](\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
  return bits > 0 && bits % 8 === 0 ? bits / 8 : undefined;
}

/**
 * Levels of a complete mip chain of a `width`×`height`×`depth` image: floor(log2(max extent)) + 1 — the most
 * `VkImageCreateInfo.mipLevels` may be (Vulkan spec, VUID-VkImageCreateInfo-mipLevels-00958). Extents ≥ 1.
 */
export function maxMipLevels(width: number, height: number, depth: number): number {
  let levels = 1;
  for (let e = Math.max(width, height, depth); e >= 2; e = Math.floor(e / 2)) levels++;
  return levels;
}

/**
 * Texels of the first `mipLevels` levels of a mip chain: sum over levels of max(1, ⌊w/2^l⌋)·max(1, ⌊h/2^l⌋)·max(1, ⌊d/2^l⌋)
 * (exact for extents above 2^31, where `>>` would wrap). Levels past `maxMipLevels` (invalid in Vulkan; importers
 * reject them) would each add 1 and are not summed, so the loop never runs more than ~53 times.
 */
export function mipChainTexels(width: number, height: number, depth: number, mipLevels: number): number {
  let total = 0;
  const levels = Math.min(Math.max(1, mipLevels), maxMipLevels(width, height, depth));
  for (let l = 0, scale = 1; l < levels; l++, scale *= 2) {
    total += Math.max(1, Math.floor(width / scale)) * Math.max(1, Math.floor(height / scale)) * Math.max(1, Math.floor(depth / scale));
  }
  return total;
}
