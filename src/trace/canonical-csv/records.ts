/**
 * Splits a byte stream into CSV records (RFC 4180: a line break inside a quoted field does not end the
 * record), streaming and bounded: no record longer than `maxLineBytes` is ever buffered, so a 100 MB line
 * costs one error (or one skipped record), not 100 MB of memory. Tolerates a UTF-8 BOM at the start and CRLF
 * line ends. Records without a double quote take the fast path (one native `indexOf` per line).
 */

/** Receives the records of a stream, in order. */
export interface RecordSink {
  /**
   * One record: `buf[s..e)` without its line end (LF or CRLF). `line` is the 1-based line of its first byte;
   * `quoted` is true when it contains a double quote (fields need unescaping); `atEof` is true for a last
   * record that has no line end (a possibly truncated file).
   */
  record(buf: Buffer, s: number, e: number, line: number, quoted: boolean, atEof: boolean): void;
  /** A record longer than the limit starts at `line`; `buf[s..e)` is its first part. The record is skipped. */
  tooLong(line: number, buf: Buffer, s: number, e: number): void;
  /** The stream ended inside a quoted field opened on `line`. */
  unterminatedQuote(line: number): void;
  /**
   * Optional fast path: consume as many simple one-line records as possible from `buf[pos..]` (the region
   * ends with the LF at `lastNl`, so every scan stops there), returning the position after the last one
   * taken and setting `fastCount` to how many were taken. It stops, without consuming, at any record it does
   * not handle; that record then goes through `record`/`tooLong` as usual.
   */
  fastRecords?(buf: Buffer, pos: number, lastNl: number, line: number): number;
  /** Records taken by the last `fastRecords` call. */
  readonly fastCount: number;
}

/** Default longest record accepted: 1 MiB. */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

const LF = 10;
const CR = 13;
const QUOTE = 34;

/**
 * Feed chunks with `push`, then `end`; records go to the sink in order, with their line numbers.
 *
 * Linear in the input: a record that spans chunks is kept as a list of pieces (never re-joined per chunk)
 * with the state of its quote scan, so each new chunk is scanned once, from where the last one stopped,
 * and the pieces are joined once, when the record's end arrives. A record of N chunks costs O(N) chunk
 * copies and scans, not O(N²) (a 600 MB line with `maxLineBytes=1GiB` used to take minutes).
 */
export class RecordSplitter {
  /** The partial record carried over from earlier chunks, in pieces; `carryBytes` = their total length. */
  private pieces: Buffer[] = [];
  private carryBytes = 0;
  /** Quote-scan state at the end of the carried pieces (the scan resumes here on the next chunk). */
  private inQuotes = false;
  private fieldStart = true;
  /** The carry ends with a quote inside a quoted field: the next byte says whether it is `""` or the close. */
  private quoteAtEnd = false;
  private line = 1;
  private started = false;
  /** Skipping the rest of an over-long record (until the next raw LF). */
  private skipping = false;

  constructor(
    private readonly sink: RecordSink,
    readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
    private readonly delimiter: number = 44,
    /** false: a double quote is an ordinary character (`--map` whitespace-separated files): records are lines. */
    private readonly quotes = true,
  ) {}

  /** Feed the next chunk. */
  push(chunk: Buffer): void {
    let buf = chunk;
    let pos = 0;
    if (this.pieces.length > 0) {
      if (!this.started) {
        // only the first bytes of a possible BOM were carried
        buf = Buffer.concat([...this.pieces, chunk]);
        this.clearCarry();
      } else {
        const end = this.scanEnd(chunk);
        if (end < 0) {
          this.carryMore(chunk);
          return;
        }
        // the record spanning the chunk boundary, alone: its pieces joined once (not the whole chunk)
        const joined = Buffer.concat([...this.pieces, chunk.subarray(0, end + 1)], this.carryBytes + end + 1);
        this.clearCarry();
        this.records(joined, 0);
        pos = end + 1;
      }
    }
    if (!this.started) {
      if (buf.length < 3 && chunk.length > 0 && isBomPrefix(buf)) {
        this.pieces = [buf];
        this.carryBytes = buf.length;
        return;
      }
      this.started = true;
      if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
    }
    if (this.skipping) {
      const nl = buf.indexOf(LF, pos);
      if (nl < 0) return;
      this.skipping = false;
      this.line++;
      pos = nl + 1;
    }
    pos = this.records(buf, pos);
    if (pos < buf.length) {
      // the incomplete tail: one partial record (no record end in it); remember how far its scan got
      const tail = buf.subarray(pos);
      this.inQuotes = false;
      this.fieldStart = true;
      this.quoteAtEnd = false;
      this.scanEnd(tail);
      this.carryMore(tail);
    }
  }

  /** End of stream: hand over a last record that has no line end. */
  end(): void {
    const buf = this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces, this.carryBytes);
    this.clearCarry();
    if (buf.length === 0 || this.skipping) return;
    let pos = 0;
    if (!this.started && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
    this.started = true;
    if (pos >= buf.length) return;
    const q = this.quotes ? buf.indexOf(QUOTE, pos) : -1;
    if (q >= 0) {
      const r = this.scanQuoted(buf, pos);
      if (r.end < 0) {
        this.sink.unterminatedQuote(this.line);
        return;
      }
    }
    let e = buf.length;
    if (buf[e - 1] === CR) e--;
    this.sink.record(buf, pos, e, this.line, q >= 0, true);
  }

  private clearCarry(): void {
    this.pieces = [];
    this.carryBytes = 0;
  }

  /** Add a piece to the carried record; past the limit, report it and skip to its end. */
  private carryMore(piece: Buffer): void {
    if (piece.length === 0) return;
    this.pieces.push(piece);
    this.carryBytes += piece.length;
    if (this.carryBytes <= this.maxLineBytes) return;
    let k = 0;
    for (let n = 0; k < this.pieces.length && n < 4096; k++) n += this.pieces[k]!.length;
    const head = k === 1 ? this.pieces[0]! : Buffer.concat(this.pieces.slice(0, k));
    this.sink.tooLong(this.line, head, 0, Math.min(head.length, 4096));
    // skip the rest of the record up to the next line end; line ends inside its quoted part still count
    this.skipping = true;
    for (const b of this.pieces) for (let p = b.indexOf(LF); p >= 0; p = b.indexOf(LF, p + 1)) this.line++;
    this.clearCarry();
  }

  /**
   * Continue the quote scan of the carried record over `buf` (the same rules as `scanQuoted`, resumed from
   * the saved state): the index of the LF that ends the record, or -1 with the state saved. Without an
   * open quote this is two native searches.
   */
  private scanEnd(buf: Buffer): number {
    if (!this.inQuotes) {
      const nl = buf.indexOf(LF);
      const q = this.quotes ? buf.indexOf(QUOTE) : -1;
      if (q < 0 || (nl >= 0 && nl < q)) {
        if (nl >= 0) return nl;
        if (buf.length > 0) this.fieldStart = buf[buf.length - 1] === this.delimiter;
        return -1;
      }
    }
    const d = this.delimiter;
    let p = 0;
    if (this.quoteAtEnd && buf.length > 0) {
      this.quoteAtEnd = false;
      if (buf[0] === QUOTE) p = 1; // `""`: an escaped quote, still inside
      else this.inQuotes = false;
    }
    for (; p < buf.length; p++) {
      const c = buf[p]!;
      if (this.inQuotes) {
        if (c === QUOTE) {
          if (p + 1 === buf.length) this.quoteAtEnd = true;
          else if (buf[p + 1] === QUOTE) p++;
          else this.inQuotes = false;
        }
        continue;
      }
      if (c === LF) return p;
      if (c === QUOTE && this.fieldStart) this.inQuotes = true;
      this.fieldStart = c === d;
    }
    return -1;
  }

  /** Emit every complete record of `buf` from `pos`; returns where the incomplete tail starts. */
  private records(buf: Buffer, pos: number): number {
    const max = this.maxLineBytes;
    const sink = this.sink;
    const lastNl = buf.lastIndexOf(LF);
    if (lastNl < pos) return pos;
    let q = -1;
    for (;;) {
      if (sink.fastRecords !== undefined) {
        // the sink's own loop takes every simple line it can; it stops at anything else
        pos = sink.fastRecords(buf, pos, lastNl, this.line);
        this.line += sink.fastCount;
        if (pos > lastNl) return pos;
      }
      const nl = buf.indexOf(LF, pos);
      if (nl < 0) return pos;
      if (q < pos) {
        q = this.quotes ? buf.indexOf(QUOTE, pos) : -1;
        if (q < 0) q = buf.length;
      }
      if (q < nl) {
        // a quote before the line end: the record may span lines
        const r = this.scanQuoted(buf, pos);
        if (r.end < 0) return pos; // incomplete: carried (push reports it if it is already over-long)
        const line = this.line;
        this.line += 1 + r.innerLines;
        if (r.end - pos > max) sink.tooLong(line, buf, pos, Math.min(r.end, pos + 4096));
        else sink.record(buf, pos, buf[r.end - 1] === CR ? r.end - 1 : r.end, line, true, false);
        pos = r.end + 1;
        continue;
      }
      const line = this.line++;
      if (nl - pos > max) sink.tooLong(line, buf, pos, Math.min(nl, pos + 4096));
      else sink.record(buf, pos, nl > pos && buf[nl - 1] === CR ? nl - 1 : nl, line, false, false);
      pos = nl + 1;
    }
  }

  /**
   * Find the LF ending the record at `pos`, honouring quotes (only a quote at the start of a field opens a
   * quoted field; `""` inside one is an escaped quote). Returns the LF index (or -1 if the buffer ends
   * first) and the number of line breaks inside quoted fields.
   */
  private scanQuoted(buf: Buffer, pos: number): { end: number; innerLines: number } {
    const d = this.delimiter;
    let inner = 0;
    let fieldStart = true;
    let inQuotes = false;
    for (let p = pos; p < buf.length; p++) {
      const c = buf[p]!;
      if (inQuotes) {
        if (c === QUOTE) {
          if (buf[p + 1] === QUOTE) p++;
          else inQuotes = false;
        } else if (c === LF) inner++;
        continue;
      }
      if (c === LF) return { end: p, innerLines: inner };
      if (c === QUOTE && fieldStart) inQuotes = true;
      fieldStart = c === d;
    }
    return { end: -1, innerLines: inner };
  }
}

function isBomPrefix(buf: Buffer): boolean {
  const bom = [0xef, 0xbb, 0xbf];
  for (let i = 0; i < buf.length; i++) if (buf[i] !== bom[i]) return false;
  return true;
}
