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

/** Blocks in one array layer (all mip levels). */
export function blocksPerLayer(g: ImageGeometry): number {
  let n = 0;
  for (let l = 0; l < Math.max(1, g.mipLevels); l++) {
    const b = blocksOfLevel(g, l);
    n += b.x * b.y * b.z;
  }
  return n;
}

/**
 * Byte runs `[offsetBytes, bytes]` (relative to the image's reservation) covered by one image bind:
 * one run per row of blocks.
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
