/**
 * Sparse-texture layout: a square texture of `mip0Texels` per side at 1 byte per texel (BC7), cut into
 * 64 KiB tiles of 256 × 256 texels (the Vulkan standard sparse block / D3D12 tile for 8-bit-per-texel
 * formats). Mip levels are stored one after another, row-major in tiles; levels smaller than a tile share
 * one mip-tail tile.
 */
/** Bytes of one sparse tile (the 64 KiB standard sparse block). */
export const TILE_BYTES = 65536;
/** Texels per side of one tile at 1 byte per texel. */
export const TILE_TEXELS = 256;

/** Where each mip level of a sparse texture lies, in tiles. */
export interface TextureLayout {
  /** Tiles per side of each full-tile level, finest first. */
  readonly levelSide: readonly number[];
  /** First tile of each level (the mip tail is the last tile, index `tiles − 1`). */
  readonly levelFirst: readonly number[];
  readonly tiles: number;
  readonly bytes: number;
}

/** The tile layout of a square texture of `mip0Texels` per side (a power of two ≥ 256). */
export function textureLayout(mip0Texels: number): TextureLayout {
  const levelSide: number[] = [];
  const levelFirst: number[] = [];
  let first = 0;
  for (let side = mip0Texels / TILE_TEXELS; side >= 1; side /= 2) {
    levelSide.push(side);
    levelFirst.push(first);
    first += side * side;
  }
  const tiles = first + 1; // + mip tail
  return { levelSide, levelFirst, tiles, bytes: tiles * TILE_BYTES };
}
