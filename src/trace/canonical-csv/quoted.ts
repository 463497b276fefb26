import { grown } from '../../io/typed-arrays';

/**
 * RFC 4180 field splitting for records that contain double quotes (the slow path of the canonical reader,
 * and every record of a `--map` input is re-encoded through the same ranges). Unescaped field bytes are
 * copied into a scratch buffer; `starts`/`ends` index into it and `cols` give each field's 1-based column
 * in the original record.
 */
export class QuotedFields {
  scratch: Buffer = Buffer.allocUnsafe(4096);
  starts: Int32Array = new Int32Array(32);
  ends: Int32Array = new Int32Array(32);
  cols: Int32Array = new Int32Array(32);
  count = 0;
  /** After a failed split: 1-based column of the misplaced quote and what surrounds it. */
  errorCol = 0;
  errorText = '';

  /** Split `buf[s..e)`; false when a quote is misplaced (see `errorCol`). */
  split(buf: Buffer, s: number, e: number, delimiter = 44): boolean {
    if (this.scratch.length < e - s) this.scratch = Buffer.allocUnsafe(2 * (e - s));
    const out = this.scratch;
    let o = 0;
    let n = 0;
    let p = s;
    for (;;) {
      if (n === this.starts.length) this.grow();
      this.cols[n] = p - s + 1;
      this.starts[n] = o;
      if (p < e && buf[p] === 34) {
        p++;
        for (;;) {
          if (p >= e) return this.fail(buf, s, e, e, 'end of record inside quotes');
          const c = buf[p]!;
          if (c === 34) {
            if (p + 1 < e && buf[p + 1] === 34) {
              out[o++] = 34;
              p += 2;
              continue;
            }
            p++;
            break;
          }
          out[o++] = c;
          p++;
        }
        if (p < e && buf[p] !== delimiter) return this.fail(buf, s, e, p, 'text after a closing quote');
      } else {
        while (p < e && buf[p] !== delimiter) {
          if (buf[p] === 34) return this.fail(buf, s, e, p, 'a quote inside an unquoted field');
          out[o++] = buf[p++]!;
        }
      }
      this.ends[n++] = o;
      if (p >= e) break;
      p++; // delimiter
      if (p === e) {
        // a trailing delimiter: one more empty field
        if (n === this.starts.length) this.grow();
        this.cols[n] = p - s + 1;
        this.starts[n] = o;
        this.ends[n++] = o;
        break;
      }
    }
    this.count = n;
    return true;
  }

  private fail(buf: Buffer, s: number, e: number, at: number, what: string): false {
    this.errorCol = at - s + 1;
    const from = Math.max(s, at - 20);
    this.errorText = `${what}: ${JSON.stringify(buf.toString('utf8', from, Math.min(e, at + 20)))}`;
    return false;
  }

  private grow(): void {
    const n = this.starts.length * 2;
    this.starts = grown(this.starts, n);
    this.ends = grown(this.ends, n);
    this.cols = grown(this.cols, n);
  }
}
