import type { EventBatch } from '../../trace/batch';
import { Access, CPU, Flag } from '../../trace/event';
import type { StringTable } from '../../trace/strings';
import { Rng } from '../../sim/rng';
import { GiB, MiB } from '../../units';
import { TraceEmitter } from '../emit/emitter';
import { intIn, numIn, powerOfTwo, problems, workloadMeta } from '../params';
import type { WorkloadDef } from '../types';
import { textureLayout, TILE_BYTES, TILE_TEXELS, type TextureLayout } from './layout';

/**
 * `game-remap`: a streaming open-world renderer on a GPU with sparse (partially resident) textures, the
 * RFC-debate case of "thousands of GPU mapping operations per second inside a 64 GiB VA reservation".
 *
 * A camera drives along a track lined with sparse textures. The engine reserves a 64 GiB sparse VA range;
 * physical memory is a pool of 64 KiB tiles in `device` backing objects (`pool<k>`). A texture coming into
 * range is NULL-bound over its whole virtual range (partially resident); the tiles its current mip level
 * needs (a window that slides as the camera passes, plus all coarser levels and the mip tail) are loaded
 * with a few frames of I/O latency under a per-frame upload budget: each tile is uploaded (an asynchronous
 * `copy` cpu → dev0 of 64 KiB) and bound by one sparse bind (`map` at 64 KiB to a pool tile over the NULL
 * tile; `compressed` for compressed textures). When the pool is full the least-recently-used tile is evicted
 * (one `map null` over it); a texture falling behind is streamed out by one `unmap` of the whole image (as
 * engines release a whole sparse image). Static geometry per track zone is a `device`
 * buffer bound read-only with 2 MiB pages; two render targets alias one transient backing object
 * (`aliased`). Every frame: `marker frame`, the tile uploads, the GPU `frame` kernel's begin, and right after it
 * the frame's sparse-bind call — every per-frame map/unmap with `flags=async`: one vkQueueBindSparse call on the
 * sparse-binding queue beside rendering, waited for (semaphore) by the next frame's kernel (docs/workloads.md
 * §game-remap) — then the kernel's reads of the two mip levels each visible texture samples (NULL tiles
 * included: the shader reads zeros until they load), the zone geometry, and writes/reads of the render targets.
 */
export type GameRemapParams = {
  seconds: number;
  fps: number;
  reserveBytes: number;
  textures: number;
  mip0Texels: number;
  spacingMeters: number;
  cameraSpeed: number;
  aheadMeters: number;
  behindMeters: number;
  nearMeters: number;
  textureMeters: number;
  windowTiles: number;
  poolBytes: number;
  poolChunkBytes: number;
  uploadTilesPerFrame: number;
  loadFrames: number;
  zoneMeters: number;
  zoneBufferBytes: number;
  renderTargetBytes: number;
  compressedFraction: number;
  gpuFrameNs: number;
};

const DEV0 = 1;
const RESERVE_VA = 0x10000000000; // 1 TiB
const BACKING_VA = 0x20000000000; // 2 TiB: where backing objects live
const PAGE_2M = 2 * MiB;
/** Sparse binds go on the sparse-binding queue, beside rendering (docs/workloads.md §game-remap). */
const ASYNC = Flag.async;

/** The `game-remap` workload. */
export const gameRemap: WorkloadDef<GameRemapParams> = {
  name: 'game-remap',
  summary: 'streaming game: 2 s at 60 fps past 128 sparse textures in a 64 GiB VA reservation, ~2,700 sparse binds/unbinds per s and 64 KiB tile uploads (footprint 168 MiB)',
  defaults: {
    seconds: 2,
    fps: 60,
    reserveBytes: 64 * GiB,
    textures: 128,
    mip0Texels: 8192,
    spacingMeters: 8,
    cameraSpeed: 60,
    aheadMeters: 300,
    behindMeters: 40,
    nearMeters: 10,
    textureMeters: 64,
    windowTiles: 4,
    poolBytes: 96 * MiB,
    poolChunkBytes: 32 * MiB,
    uploadTilesPerFrame: 64,
    loadFrames: 2,
    zoneMeters: 100,
    zoneBufferBytes: 8 * MiB,
    renderTargetBytes: 32 * MiB,
    compressedFraction: 0.25,
    gpuFrameNs: 12_000_000,
  },
  params: {
    seconds: { summary: 'trace duration (s of game time)' },
    fps: { summary: 'frames per second', unit: 'count' },
    reserveBytes: { summary: 'sparse VA reservation (must hold every texture, zone buffer and render target)', unit: 'bytes' },
    textures: { summary: 'sparse textures along the track', unit: 'count' },
    mip0Texels: { summary: 'texels per side of mip 0 (1 byte/texel; power of two ≥ 256)', unit: 'count' },
    spacingMeters: { summary: 'track distance between consecutive textures (m)' },
    cameraSpeed: { summary: 'camera speed along the track (m/s); drives the bind rate' },
    aheadMeters: { summary: 'textures and zones stream in this far ahead (m)' },
    behindMeters: { summary: 'textures and zones stream out this far behind (m)' },
    nearMeters: { summary: 'distance below which mip 0 is sampled; each doubling drops one level (m)' },
    textureMeters: { summary: 'track length a texture spans: its needed windows slide across it as the camera passes (m)' },
    windowTiles: { summary: 'tiles per side of the window a level needs and samples', unit: 'count' },
    poolBytes: { summary: 'physical tile pool (device memory for texture tiles)', unit: 'bytes' },
    poolChunkBytes: { summary: 'size of each pool backing object (pool<k>)', unit: 'bytes' },
    uploadTilesPerFrame: { summary: 'tiles loaded and bound per frame at most (upload budget)', unit: 'count' },
    loadFrames: { summary: 'frames between a tile request and its data being ready (I/O latency)', unit: 'count' },
    zoneMeters: { summary: 'track length per geometry zone (m)' },
    zoneBufferBytes: { summary: 'static geometry per zone, bound read-only with 2 MiB pages (multiple of 2 MiB)', unit: 'bytes' },
    renderTargetBytes: { summary: 'each of the two aliased render targets (multiple of 2 MiB)', unit: 'bytes' },
    compressedFraction: { summary: 'fraction of textures whose tile binds carry the compressed PTE flag (0 = none)', unit: 'fraction' },
    gpuFrameNs: { summary: 'GPU time of the frame kernel (dur_ns)', unit: 'ns' },
  },
  validate(p) {
    // The layout check needs a valid texture size; with a bad one, that parameter is reported instead.
    const layoutBytes = powerOfTwo(p.mip0Texels, TILE_TEXELS) === undefined ? textureBytesTotal(p) : 0;
    return problems<keyof GameRemapParams>({
      seconds: numIn(p.seconds, 1e-3, 3600),
      fps: intIn(p.fps, 1, 1000),
      reserveBytes: intIn(p.reserveBytes, 1, 2 ** 47) ?? (layoutBytes > p.reserveBytes ? `at least ${layoutBytes} (the layout of textures, zones and targets)` : undefined),
      textures: intIn(p.textures, 1, 1e6),
      mip0Texels: powerOfTwo(p.mip0Texels, TILE_TEXELS),
      spacingMeters: numIn(p.spacingMeters, 1e-3, 1e6),
      cameraSpeed: numIn(p.cameraSpeed, 0, 1e6),
      aheadMeters: numIn(p.aheadMeters, 0, 1e7),
      behindMeters: numIn(p.behindMeters, 0, 1e7),
      nearMeters: numIn(p.nearMeters, 1e-3, 1e7),
      textureMeters: numIn(p.textureMeters, 1e-3, 1e7),
      windowTiles: intIn(p.windowTiles, 1, 1024),
      poolBytes: intIn(p.poolBytes, TILE_BYTES, 2 ** 46) ?? (p.poolBytes % p.poolChunkBytes ? 'a multiple of poolChunkBytes' : undefined),
      poolChunkBytes: intIn(p.poolChunkBytes, TILE_BYTES, 2 ** 40) ?? (p.poolChunkBytes % TILE_BYTES ? 'a multiple of 64 KiB' : undefined),
      uploadTilesPerFrame: intIn(p.uploadTilesPerFrame, 1, 1e6),
      loadFrames: intIn(p.loadFrames, 0, 1e4),
      zoneMeters: numIn(p.zoneMeters, 1, 1e7),
      zoneBufferBytes: intIn(p.zoneBufferBytes, PAGE_2M, 2 ** 40) ?? (p.zoneBufferBytes % PAGE_2M ? 'a multiple of 2 MiB' : undefined),
      renderTargetBytes: intIn(p.renderTargetBytes, PAGE_2M, 2 ** 40) ?? (p.renderTargetBytes % PAGE_2M ? 'a multiple of 2 MiB' : undefined),
      compressedFraction: numIn(p.compressedFraction, 0, 1),
      gpuFrameNs: intIn(p.gpuFrameNs, 1, Math.floor(1e9 / p.fps)),
    });
  },
  generate: (p, seed, strings) => gameStream(p, seed, strings),
  meta: (p, seed) => workloadMeta('game-remap', p, seed, ['dev0']),
};

/** Zones along the whole track (one per `zoneMeters`, covering every texture and the camera path). */
function zoneCount(p: Readonly<GameRemapParams>): number {
  const trackEnd = Math.max(p.textures * p.spacingMeters, p.cameraSpeed * p.seconds + p.aheadMeters);
  return Math.ceil((trackEnd + p.behindMeters) / p.zoneMeters) + 1;
}

/** Bytes of the reservation the layout uses: textures, zone buffers, two render targets (2 MiB aligned). */
function textureBytesTotal(p: Readonly<GameRemapParams>): number {
  const tex = Math.ceil((p.textures * textureLayout(p.mip0Texels).bytes) / PAGE_2M) * PAGE_2M;
  return tex + zoneCount(p) * p.zoneBufferBytes + 2 * p.renderTargetBytes;
}

interface Texture {
  readonly x: number;
  readonly va: number;
  readonly flags: number;
  /** Per tile: pool slot, or NULL_TILE (NULL-bound) / PENDING (requested, NULL-bound until it loads). */
  slot: Int32Array | null;
  streamed: boolean;
  gone: boolean;
}

const NULL_TILE = -1;
const PENDING = -2;

function* gameStream(p: Readonly<GameRemapParams>, seed: number, strings?: StringTable): Generator<EventBatch, void, undefined> {
  const em = new TraceEmitter(strings);
  const rng = new Rng(seed);
  const L: TextureLayout = textureLayout(p.mip0Texels);
  const levels = L.levelSide.length;
  const tail = L.tiles - 1;
  const pageT = TILE_BYTES;

  // --- set-up at t = 0 -------------------------------------------------------------------------------
  em.reserve(0, DEV0, RESERVE_VA, p.reserveBytes, em.id('sparse_heap'));
  let backingVa = BACKING_VA;
  const backing = (name: string, bytes: number): number => {
    const id = em.id(name);
    em.alloc(0, DEV0, backingVa, bytes, Flag.device, id);
    backingVa += Math.ceil(bytes / PAGE_2M) * PAGE_2M;
    return id;
  };
  const tilesPerChunk = p.poolChunkBytes / TILE_BYTES;
  const poolTiles = p.poolBytes / TILE_BYTES;
  const chunkIds: number[] = [];
  for (let k = 0; k < p.poolBytes / p.poolChunkBytes; k++) chunkIds.push(backing(`pool${k}`, p.poolChunkBytes));

  let layoutVa = RESERVE_VA;
  const textures: Texture[] = [];
  for (let i = 0; i < p.textures; i++) {
    const compressed = rng.next() < p.compressedFraction;
    const x = (i + 0.8 * rng.next()) * p.spacingMeters - p.behindMeters;
    textures.push({ x, va: layoutVa, flags: compressed ? Flag.compressed : 0, slot: null, streamed: false, gone: false });
    layoutVa += L.bytes;
  }
  layoutVa = Math.ceil(layoutVa / PAGE_2M) * PAGE_2M;
  const zones = zoneCount(p);
  const zoneVa: number[] = [];
  for (let z = 0; z < zones; z++) (zoneVa.push(layoutVa), (layoutVa += p.zoneBufferBytes));
  const rtVa = [layoutVa, layoutVa + p.renderTargetBytes];
  const rtRes = backing('rt.transient', p.renderTargetBytes);
  const rtFlags = p.compressedFraction > 0 ? Flag.compressed : 0;
  em.map(0, DEV0, rtVa[0]!, p.renderTargetBytes, rtRes, 0, PAGE_2M, rtFlags);
  em.map(0, DEV0, rtVa[1]!, p.renderTargetBytes, rtRes, 0, PAGE_2M, rtFlags | Flag.aliased);
  const zoneState = new Uint8Array(zones); // 0 not yet, 1 resident, 2 gone
  const zoneBacking = new Float64Array(zones);

  // --- tile pool with an intrusive LRU list (head = least recently used) ---------------------------
  const owner = new Int32Array(poolTiles).fill(-1);
  const ownerTile = new Int32Array(poolTiles);
  const lastUsed = new Int32Array(poolTiles).fill(-1);
  const prev = new Int32Array(poolTiles).fill(-1);
  const next = new Int32Array(poolTiles).fill(-1);
  let head = -1;
  let tailSlot = -1;
  const free: number[] = [];
  for (let s = poolTiles - 1; s >= 0; s--) free.push(s);
  const inList = new Uint8Array(poolTiles);
  const unlink = (s: number): void => {
    if (!inList[s]) return;
    inList[s] = 0;
    if (prev[s]! >= 0) next[prev[s]!] = next[s]!;
    else head = next[s]!;
    if (next[s]! >= 0) prev[next[s]!] = prev[s]!;
    else tailSlot = prev[s]!;
    prev[s] = next[s] = -1;
  };
  const pushMru = (s: number): void => {
    inList[s] = 1;
    prev[s] = tailSlot;
    next[s] = -1;
    if (tailSlot >= 0) next[tailSlot] = s;
    else head = s;
    tailSlot = s;
  };
  const touch = (s: number, f: number): void => {
    lastUsed[s] = f;
    unlink(s);
    pushMru(s);
  };
  const tileVa = (tex: Texture, tile: number): number => tex.va + tile * TILE_BYTES;
  const slotRes = (s: number): number => chunkIds[Math.floor(s / tilesPerChunk)]!;
  const slotOffset = (s: number): number => (s % tilesPerChunk) * TILE_BYTES;
  /** Address of slot `s` in its pool object (pool objects are the first backing objects, 2 MiB aligned each). */
  const chunkStride = Math.ceil(p.poolChunkBytes / PAGE_2M) * PAGE_2M;
  const slotVa = (s: number): number => BACKING_VA + Math.floor(s / tilesPerChunk) * chunkStride + slotOffset(s);
  const frameBinds: number[] = []; // va, resource, offset, flags per tile bind of this frame's sparse-bind call
  const sparse: Array<() => void> = []; // the frame's sparse-bind call, emitted after its render submission

  // --- requests --------------------------------------------------------------------------------------
  const reqTex: number[] = [];
  const reqTile: number[] = [];
  const reqReady: number[] = [];
  let reqHead = 0;

  const frames = Math.max(1, Math.round(p.seconds * p.fps));
  const frameLabel = em.id('frame');
  const kernelLabel = em.id('frame');
  const neededLo = new Int32Array(levels + 1);
  for (let f = 0; f < frames; f++) {
    let t = Math.round((f * 1e9) / p.fps);
    const tb = t + 1000; // render submission and the frame's vkQueueBindSparse call
    const cam = p.cameraSpeed * (f / p.fps);
    em.marker(t, CPU, frameLabel);

    // Stream out what fell behind: one unbind of the whole image (its tiles and NULL runs); zones unbound and freed.
    for (const tex of textures) {
      if (!tex.streamed || tex.x >= cam - p.behindMeters) continue;
      const slots = tex.slot!;
      for (let k = 0; k < L.tiles; k++) {
        const s = slots[k]!;
        if (s < 0) continue;
        unlink(s);
        owner[s] = -1;
        lastUsed[s] = -1;
        free.push(s);
      }
      sparse.push(() => em.unmap(tb, DEV0, tex.va, L.bytes, ASYNC));
      tex.streamed = false;
      tex.gone = true;
      tex.slot = null;
    }
    for (let z = 0; z < zones; z++) {
      if (zoneState[z] === 1 && (z + 1) * p.zoneMeters - p.behindMeters < cam - p.behindMeters) {
        const [zva, zb] = [zoneVa[z]!, zoneBacking[z]!];
        sparse.push(() => (em.unmap(tb, DEV0, zva, p.zoneBufferBytes, ASYNC), em.free(tb, DEV0, zb, p.zoneBufferBytes)));
        zoneState[z] = 2;
      }
    }
    // Stream in what came into range: whole-texture NULL bind; zone geometry allocated and bound read-only.
    for (const tex of textures) {
      if (tex.streamed || tex.gone || tex.x > cam + p.aheadMeters) continue;
      sparse.push(() => em.map(tb, DEV0, tex.va, L.bytes, 0, 0, pageT, Flag.null | ASYNC));
      tex.slot = new Int32Array(L.tiles).fill(NULL_TILE);
      tex.streamed = true;
    }
    for (let z = 0; z < zones; z++) {
      const start = z * p.zoneMeters - p.behindMeters;
      if (zoneState[z] !== 0 || start > cam + p.aheadMeters) continue;
      zoneBacking[z] = backingVa;
      const id = em.id(`geo.z${z}`);
      em.alloc(t, DEV0, backingVa, p.zoneBufferBytes, Flag.device, id);
      backingVa += p.zoneBufferBytes;
      const zva = zoneVa[z]!;
      sparse.push(() => em.map(tb, DEV0, zva, p.zoneBufferBytes, id, 0, PAGE_2M, Flag.readonly | ASYNC));
      zoneState[z] = 1;
    }

    // What each streamed texture needs this frame: its desired level's window and every coarser level.
    const windows: Array<[Texture, number, number, number, number]> = []; // tex, level, col0, row0, w
    for (let ti = 0; ti < textures.length; ti++) {
      const tex = textures[ti]!;
      if (!tex.streamed) continue;
      const d = Math.abs(tex.x - cam);
      const desired = Math.min(levels - 1, Math.max(0, Math.floor(Math.log2(Math.max(d, p.nearMeters) / p.nearMeters))));
      const u = Math.min(1, Math.max(0, (cam - tex.x) / p.textureMeters + 0.5));
      neededLo[0] = desired;
      for (let m = desired; m < levels; m++) {
        const side = L.levelSide[m]!;
        const w = Math.min(p.windowTiles, side);
        const col0 = Math.floor(u * (side - w));
        const row0 = Math.floor((side - w) / 2);
        if (m <= desired + 1) windows.push([tex, m, col0, row0, w]);
        for (let r = row0; r < row0 + w; r++) {
          for (let c = col0; c < col0 + w; c++) need(ti, L.levelFirst[m]! + r * side + c, f);
        }
      }
      need(ti, tail, f);
    }

    // Bind what has loaded, within the upload budget; evict LRU tiles not used this frame when full.
    // Uploads go first (transfer queue, asynchronous copies into the pool slots); the frame's binds follow as
    // one vkQueueBindSparse call waiting on them.
    let uploads = 0;
    frameBinds.length = 0;
    while (reqHead < reqTex.length && uploads < p.uploadTilesPerFrame && reqReady[reqHead]! <= f) {
      const tex = textures[reqTex[reqHead]!]!;
      const k = reqTile[reqHead]!;
      if (!tex.streamed || tex.slot![k] !== PENDING) {
        reqHead++;
        continue;
      }
      let s = free.length > 0 ? free.pop()! : -1;
      if (s < 0) {
        if (head < 0 || lastUsed[head]! >= f) break; // everything resident is in use: wait
        s = head;
        const victim = textures[owner[s]!]!;
        const vk = ownerTile[s]!;
        // one sparse bind replaces the victim tile's memory by NULL (VkSparseImageMemoryBind, memory = NULL)
        frameBinds.push(tileVa(victim, vk), 0, 0, Flag.null);
        victim.slot![vk] = NULL_TILE;
        unlink(s);
      }
      // the tile's data is copied into its slot, then one sparse bind replaces the NULL tile by the slot
      em.copy(t, CPU, DEV0, slotVa(s), TILE_BYTES, Flag.async);
      frameBinds.push(tileVa(tex, k), slotRes(s), slotOffset(s), tex.flags);
      tex.slot![k] = s;
      owner[s] = reqTex[reqHead]!;
      ownerTile[s] = k;
      touch(s, f);
      reqHead++;
      uploads++;
    }
    const fb = frameBinds.slice();
    for (let q = 0; q < fb.length; q += 4) sparse.push(() => em.map(tb, DEV0, fb[q]!, TILE_BYTES, fb[q + 1]!, fb[q + 2]!, pageT, fb[q + 3]! | ASYNC));
    if (reqHead > 4096 && reqHead * 2 > reqTex.length) {
      reqTex.splice(0, reqHead);
      reqTile.splice(0, reqHead);
      reqReady.splice(0, reqHead);
      reqHead = 0;
    }

    // The GPU frame: sample two levels per texture (NULL tiles read zeros), zone geometry, render targets.
    const rows: Array<[number, number, number]> = [];
    for (const [tex, m, col0, row0, w] of windows) {
      const side = L.levelSide[m]!;
      for (let r = row0; r < row0 + w; r++) rows.push([tileVa(tex, L.levelFirst[m]! + r * side + col0), w * TILE_BYTES, Access.r]);
    }
    for (let z = 0; z < zones; z++) if (zoneState[z] === 1) rows.push([zoneVa[z]!, p.zoneBufferBytes, Access.r]);
    rows.push([rtVa[0]!, p.renderTargetBytes, Access.w], [rtVa[0]!, p.renderTargetBytes, Access.r], [rtVa[1]!, p.renderTargetBytes, Access.w]);
    t = tb; // the frame's render submission; its sparse-bind call goes to the sparse queue beside it
    em.kernelBegin(t, DEV0, kernelLabel, p.gpuFrameNs);
    for (const op of sparse) op();
    sparse.length = 0;
    for (let k = 0; k < rows.length; k++) {
      const [va, bytes, acc] = rows[k]!;
      em.access(t + Math.floor((p.gpuFrameNs * k) / rows.length), DEV0, va, bytes, acc);
    }
    em.kernelEnd(t + p.gpuFrameNs, DEV0, kernelLabel);
    yield* em.drain();
  }

  /** Mark tile `k` of texture `ti` as used in frame `f`; request it when it is NULL-bound. */
  function need(ti: number, k: number, f: number): void {
    const tex = textures[ti]!;
    const s = tex.slot![k]!;
    if (s >= 0) touch(s, f);
    else if (s === NULL_TILE) {
      tex.slot![k] = PENDING;
      reqTex.push(ti);
      reqTile.push(k);
      reqReady.push(f + p.loadFrames);
    }
  }

  // End of trace: unbind everything still bound, free the backing objects, release the reservation.
  const tEnd = Math.round((frames * 1e9) / p.fps);
  for (const tex of textures) if (tex.streamed) em.unmap(tEnd, DEV0, tex.va, L.bytes);
  for (let z = 0; z < zones; z++) {
    if (zoneState[z] !== 1) continue;
    em.unmap(tEnd, DEV0, zoneVa[z]!, p.zoneBufferBytes);
    em.free(tEnd, DEV0, zoneBacking[z]!, p.zoneBufferBytes);
  }
  em.unmap(tEnd, DEV0, rtVa[0]!, p.renderTargetBytes);
  em.unmap(tEnd, DEV0, rtVa[1]!, p.renderTargetBytes);
  let va = BACKING_VA;
  for (let k = 0; k < chunkIds.length; k++, va += p.poolChunkBytes) em.free(tEnd, DEV0, va, p.poolChunkBytes);
  em.free(tEnd, DEV0, va, p.renderTargetBytes);
  em.release(tEnd, DEV0, RESERVE_VA, p.reserveBytes);
  yield* em.finish();
}
