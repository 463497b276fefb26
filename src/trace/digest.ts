import { createHash, type Hash } from 'node:crypto';
import type { EventBatch } from './batch';

/**
 * SHA-256 of the canonical event content, independent of batching and of string-interning order.
 *
 * Each row is encoded as a fixed 79-byte little-endian record (op u8, agent u16, target u16, tNs f64, va f64,
 * bytes f64, offsetBytes f64, pageBytes f64, durNs f64, access u8, code u8, flags u32, count u32, and the
 * UTF-8 byte length of resource and label as u32 each) into one hash; the resource and label strings of each
 * row go, in row order, into a second hash. The digest is sha256(fixedHash || stringHash) in hex.
 * Metadata lines are not part of the digest: two traces with the same events have the same digest.
 */
export class TraceDigest {
  private readonly fixed: Hash = createHash('sha256');
  private readonly text: Hash = createHash('sha256');
  private buf = Buffer.alloc(0);

  update(b: EventBatch): void {
    const need = b.length * ROW;
    if (this.buf.length < need) this.buf = Buffer.alloc(need);
    const buf = this.buf;
    for (let i = 0, o = 0; i < b.length; i++, o += ROW) {
      buf.writeUInt8(b.op[i]!, o);
      buf.writeUInt16LE(b.agent[i]!, o + 1);
      buf.writeUInt16LE(b.target[i]!, o + 3);
      buf.writeDoubleLE(b.tNs[i]!, o + 5);
      buf.writeDoubleLE(b.va[i]!, o + 13);
      buf.writeDoubleLE(b.bytes[i]!, o + 21);
      buf.writeDoubleLE(b.offsetBytes[i]!, o + 29);
      buf.writeDoubleLE(b.pageBytes[i]!, o + 37);
      buf.writeDoubleLE(b.durNs[i]!, o + 45);
      buf.writeUInt8(b.access[i]!, o + 53);
      buf.writeUInt8(b.code[i]!, o + 54);
      buf.writeUInt32LE(b.flags[i]!, o + 55);
      buf.writeUInt32LE(b.count[i]!, o + 59);
      const r = b.resource[i]! ? b.strings.get(b.resource[i]!) : '';
      const l = b.label[i]! ? b.strings.get(b.label[i]!) : '';
      buf.writeUInt32LE(Buffer.byteLength(r), o + 63);
      buf.writeUInt32LE(Buffer.byteLength(l), o + 67);
      buf.writeDoubleLE(0, o + 71);
      if (r) this.text.update(r);
      if (l) this.text.update(l);
    }
    this.fixed.update(buf.subarray(0, need));
  }

  /** Hex digest (call once). */
  digest(): string {
    return createHash('sha256').update(this.fixed.digest()).update(this.text.digest()).digest('hex');
  }
}
const ROW = 79;

/** Digest of a whole set of batches. */
export function digestBatches(batches: Iterable<EventBatch>): string {
  const d = new TraceDigest();
  for (const b of batches) d.update(b);
  return d.digest();
}
