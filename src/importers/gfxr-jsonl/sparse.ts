/**
 * Sparse image binding geometry (Vulkan "standard sparse image block shapes"): every sparse block is
 * 64 KiB; its texel shape depends on the texel size. Used to turn `VkSparseImageMemoryBind` regions
 * (offset + extent in texels of one mip level of one array layer) into byte ranges of the image's
 * reservation, assuming blocks are laid out linearly: layer by layer, mip by mip, then z, y, x.
 */
export const SPARSE_BLOCK_BYTES = 65536;

/** Block shape (texels) of the standard 2D sparse block for a texel size in bytes (1, 2, 4, 8, 16). */
export function blockShape(texelBytes: number): { w: number; h: number; d: number } {
  if (texelBytes <= 1) return { w: 256, h: 256, d: 1 };
  if (texelBytes <= 2) return { w: 256, h: 128, d: 1 };
  if (texelBytes <= 4) return { w: 128, h: 128, d: 1 };
  if (texelBytes <= 8) return { w: 128, h: 64, d: 1 };
  return { w: 64, h: 64, d: 1 };
}

export interface ImageGeometry {
  readonly width: number;
  readonly height: number;
  readonly depth: number;
  readonly mipLevels: number;
  readonly arrayLayers: number;
  readonly texelBytes: number;
}

function blocksOfLevel(g: ImageGeometry, level: number): { x: number; y: number; z: number } {
  const s = blockShape(g.texelBytes);
  return {
    x: Math.ceil(Math.max(1, g.width >> level) / s.w),
    y: Math.ceil(Math.max(1, g.height >> level) / s.h),
    z: Math.ceil(Math.max(1, g.depth >> level) / s.d),
  };
}

/** Largest image dimension, mip level count and array layer count accepted (beyond Vulkan's limits). */
const MAX_DIMENSION = 2 ** 31 - 1;
const MAX_MIP_LEVELS = 32;
const MAX_ARRAY_LAYERS = 2 ** 31 - 1;
/** Block rows one image bind may cover: a guard against a damaged extent turning one bind into billions of runs. */
export const MAX_RUNS_PER_BIND = 1 << 20;

const intIn = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi;

/** Why an image geometry is beyond Vulkan's limits (dimensions, mip levels, layers), or undefined. */
export function geometryProblem(g: ImageGeometry): string | undefined {
  if (!intIn(g.width, 1, MAX_DIMENSION) || !intIn(g.height, 1, MAX_DIMENSION) || !intIn(g.depth, 1, MAX_DIMENSION)) {
    return `image extent ${g.width}×${g.height}×${g.depth} (each 1 … 2^31-1)`;
  }
  if (!intIn(g.mipLevels, 1, MAX_MIP_LEVELS) || !intIn(g.arrayLayers, 1, MAX_ARRAY_LAYERS)) return `image with ${g.mipLevels} mip levels and ${g.arrayLayers} layers`;
  return undefined;
}

/**
 * Why an image bind cannot be turned into byte runs, or undefined when it can: a geometry beyond Vulkan's
 * limits, a subresource the image does not have, a region outside its mip level (the Vulkan valid-usage
 * rules for VkSparseImageMemoryBind), or more than `MAX_RUNS_PER_BIND` block rows. Checked before
 * `imageBindRuns`, whose loops are bounded by what passes here.
 */
export function imageBindProblem(
  g: ImageGeometry,
  sub: { mipLevel: number; arrayLayer: number },
  offset: { x: number; y: number; z: number },
  extent: { width: number; height: number; depth: number },
): string | undefined {
  const bad = geometryProblem(g);
  if (bad) return bad;
  if (!intIn(sub.mipLevel, 0, g.mipLevels - 1) || !intIn(sub.arrayLayer, 0, g.arrayLayers - 1)) {
    return `subresource mip ${sub.mipLevel} layer ${sub.arrayLayer} of an image with ${g.mipLevels} levels and ${g.arrayLayers} layers`;
  }
  const o = [offset.x, offset.y, offset.z];
  const e = [extent.width, extent.height, extent.depth];
  if (!o.every((v) => intIn(v, 0, MAX_DIMENSION)) || !e.every((v) => intIn(v, 1, MAX_DIMENSION))) return `offset (${o.join(', ')}) extent (${e.join(', ')})`;
  const level = [Math.max(1, g.width >> sub.mipLevel), Math.max(1, g.height >> sub.mipLevel), Math.max(1, g.depth >> sub.mipLevel)];
  if (o.some((v, i) => v + e[i]! > level[i]!)) return `region (${o.join(', ')}) + (${e.join(', ')}) outside mip level ${sub.mipLevel} (${level.join('×')} texels)`;
  const s = blockShape(g.texelBytes);
  const rows = (Math.ceil((o[1]! + e[1]!) / s.h) - Math.floor(o[1]! / s.h)) * (Math.ceil((o[2]! + e[2]!) / s.d) - Math.floor(o[2]! / s.d));
  if (rows > MAX_RUNS_PER_BIND) return `${rows} block rows in one bind`;
  return undefined;
}

/** Blocks in one array layer (all mip levels). */
export function blocksPerLayer(g: ImageGeometry): number {
  let n = 0;
  for (let l = 0; l < Math.min(Math.max(1, g.mipLevels), MAX_MIP_LEVELS); l++) {
    const b = blocksOfLevel(g, l);
    n += b.x * b.y * b.z;
  }
  return n;
}

/**
 * Byte runs `[offsetBytes, bytes]` (relative to the image's reservation) covered by one image bind:
 * one run per row of blocks. Check the bind with `imageBindProblem` first (this trusts its arguments).
 */
export function imageBindRuns(
  g: ImageGeometry,
  sub: { mipLevel: number; arrayLayer: number },
  offset: { x: number; y: number; z: number },
  extent: { width: number; height: number; depth: number },
): Array<[number, number]> {
  const s = blockShape(g.texelBytes);
  const lv = blocksOfLevel(g, sub.mipLevel);
  let base = sub.arrayLayer * blocksPerLayer(g);
  for (let l = 0; l < sub.mipLevel; l++) {
    const b = blocksOfLevel(g, l);
    base += b.x * b.y * b.z;
  }
  const x0 = Math.floor(offset.x / s.w);
  const y0 = Math.floor(offset.y / s.h);
  const z0 = Math.floor(offset.z / s.d);
  const nx = Math.max(1, Math.ceil((offset.x + extent.width) / s.w) - x0);
  const ny = Math.max(1, Math.ceil((offset.y + extent.height) / s.h) - y0);
  const nz = Math.max(1, Math.ceil((offset.z + Math.max(1, extent.depth)) / s.d) - z0);
  const runs: Array<[number, number]> = [];
  for (let z = z0; z < z0 + nz; z++) {
    for (let y = y0; y < y0 + ny; y++) {
      const first = base + (z * lv.y + y) * lv.x + x0;
      runs.push([first * SPARSE_BLOCK_BYTES, nx * SPARSE_BLOCK_BYTES]);
    }
  }
  return runs;
}
