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
  private view = new DataView(this.buf.buffer, this.buf.byteOffset, 0);

  update(b: EventBatch): void {
    const need = b.length * ROW;
    if (this.buf.length < need) {
      this.buf = Buffer.alloc(need);
      this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    }
    // DataView stores (inlined by V8) rather than Buffer.write*: same bytes, ~5x faster
    const v = this.view;
    const { op, agent, target, tNs, va, bytes, offsetBytes, pageBytes, durNs, access, code, flags, count, resource, label } = b;
    for (let i = 0, o = 0; i < b.length; i++, o += ROW) {
      v.setUint8(o, op[i]!);
      v.setUint16(o + 1, agent[i]!, true);
      v.setUint16(o + 3, target[i]!, true);
      v.setFloat64(o + 5, tNs[i]!, true);
      v.setFloat64(o + 13, va[i]!, true);
      v.setFloat64(o + 21, bytes[i]!, true);
      v.setFloat64(o + 29, offsetBytes[i]!, true);
      v.setFloat64(o + 37, pageBytes[i]!, true);
      v.setFloat64(o + 45, durNs[i]!, true);
      v.setUint8(o + 53, access[i]!);
      v.setUint8(o + 54, code[i]!);
      v.setUint32(o + 55, flags[i]!, true);
      v.setUint32(o + 59, count[i]!, true);
      const rid = resource[i]!;
      const lid = label[i]!;
      if (rid === 0 && lid === 0) {
        v.setUint32(o + 63, 0, true);
        v.setUint32(o + 67, 0, true);
      } else {
        const r = rid ? b.strings.get(rid) : '';
        const l = lid ? b.strings.get(lid) : '';
        v.setUint32(o + 63, Buffer.byteLength(r), true);
        v.setUint32(o + 67, Buffer.byteLength(l), true);
        if (r) this.text.update(r);
        if (l) this.text.update(l);
      }
      v.setFloat64(o + 71, 0, true);
    }
    this.fixed.update(this.buf.subarray(0, need));
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
