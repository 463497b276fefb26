import type { Counters } from './counters';

/** One bucket of a migration-size histogram: migrations whose size was ≤ `bytes` and > `bytes / 2`. */
export interface MigrationSizeBucket {
  /** Upper bound of the bucket, a power of two (4096 = migrations of 2049…4096 bytes). */
  readonly bytes: number;
  readonly migrations: number;
}

/** Migration sizes of a run, per direction, buckets ascending (only non-empty ones). */
export interface MigrationSizes {
  readonly h2d: readonly MigrationSizeBucket[];
  readonly d2h: readonly MigrationSizeBucket[];
}

/**
 * Records the size of every migration (one contiguous transfer, docs/cli.md §4) without any help from the system
 * models: after each trace row the engine compares the migration counters with their previous values; the
 * new migrations of that row are counted in the power-of-two bucket of their size. When one row causes
 * several migrations (a fault batch, a prefetch of several ranges) only their total bytes are known, so each
 * is counted at the average size. Cost per row: two comparisons.
 */
export class MigrationSizeRecorder {
  /** Last seen counter values (public so the engine can compare inline). */
  seenH2D = 0;
  seenD2H = 0;
  private bytesH2D = 0;
  private bytesD2H = 0;
  private readonly h2d = new Float64Array(64);
  private readonly d2h = new Float64Array(64);
  /** The last size bucketed and its bucket: a run's migrations are mostly of one or two sizes. */
  private lastSize = -1;
  private lastBucket = 0;

  /** Count migrations added to `c` since the last call. */
  observe(c: Counters): void {
    if (c.migrationsH2D !== this.seenH2D) {
      this.add(this.h2d, c.migrationsH2D - this.seenH2D, c.bytesH2D - this.bytesH2D);
      this.seenH2D = c.migrationsH2D;
    }
    this.bytesH2D = c.bytesH2D;
    if (c.migrationsD2H !== this.seenD2H) {
      this.add(this.d2h, c.migrationsD2H - this.seenD2H, c.bytesD2H - this.bytesD2H);
      this.seenD2H = c.migrationsD2H;
    }
    this.bytesD2H = c.bytesD2H;
  }

  private add(hist: Float64Array, migrations: number, bytes: number): void {
    if (migrations <= 0) return;
    const size = bytes / migrations;
    if (size !== this.lastSize) {
      this.lastSize = size;
      this.lastBucket = sizeBucketIndex(size);
    }
    hist[this.lastBucket]! += migrations;
  }

  result(): MigrationSizes {
    return { h2d: buckets(this.h2d), d2h: buckets(this.d2h) };
  }
}

/** Bucket index of a size: the smallest k with 2^k ≥ bytes (sizes ≤ 1 go to bucket 0). */
export function sizeBucketIndex(bytes: number): number {
  return bytes <= 1 ? 0 : Math.min(63, Math.ceil(Math.log2(bytes)));
}

function buckets(hist: Float64Array): MigrationSizeBucket[] {
  const out: MigrationSizeBucket[] = [];
  for (let k = 0; k < hist.length; k++) if (hist[k]! > 0) out.push({ bytes: 2 ** k, migrations: hist[k]! });
  return out;
}
