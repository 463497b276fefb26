import type { DiagnosticLog } from '../../log/collector';
import { GmemlabError, type Diagnostic } from '../../log/diagnostic';
import { csvMessages } from '../../log/messages/trace';
import { BATCH_ROWS, BatchBuilder, type EventBatch } from '../batch';
import { setSourceLines } from '../source-lines';
import type { StringTable } from '../strings';
import type { ColumnLayout } from './columns';
import { decodeUtf8, textClass } from './fields';
import { parseHeader } from './header';
import { QuotedFields } from './quoted';
import { DEFAULT_MAX_LINE_BYTES, RecordSplitter, type RecordSink } from './records';
import { RowParser, type RowTarget } from './row';

/** Options of one canonical CSV read. */
export interface CanonicalCsvReadOptions {
  /** File name used in messages. */
  readonly file: string;
  /** Strict: throw at the first structural problem. Lenient: skip the row and count it in `log`. */
  readonly strict: boolean;
  readonly log: DiagnosticLog;
  /** Trace-wide string table (resource and label ids). */
  readonly strings: StringTable;
  /** Receives the `# key=value` lines before the header, in file order. */
  readonly meta: Record<string, string>;
  /** Longest record accepted (bytes); default 1 MiB. */
  readonly maxLineBytes?: number;
  /** Rows per batch; default `BATCH_ROWS`. */
  readonly batchRows?: number;
  /** Reject decreasing `t_ns` (default true; false when the caller sorts afterwards). */
  readonly checkOrder?: boolean;
}

/**
 * Stream a canonical CSV (`gmemlab-events` v1) into batches. Never holds more than one chunk plus one
 * partial record (bounded by `maxLineBytes`) and the batch being filled. Metadata lines go to
 * `opts.meta` before the first batch is yielded. Each batch records its rows' source lines
 * (`sourceLineOf`). Header problems and an empty file are fatal in both modes; a header with no rows is an
 * error in strict mode and a logged `csv.header-only` in lenient mode.
 */
export async function* readCanonicalCsv(chunks: AsyncIterable<Uint8Array>, opts: CanonicalCsvReadOptions): AsyncGenerator<EventBatch> {
  const sink = new CanonicalSink(opts);
  const splitter = new RecordSplitter(sink, opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  for await (const chunk of chunks) {
    splitter.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    while (sink.out.length) yield sink.out.shift()!;
  }
  splitter.end();
  sink.finish();
  while (sink.out.length) yield sink.out.shift()!;
}

class CanonicalSink implements RecordSink, RowTarget {
  readonly out: EventBatch[] = [];
  readonly builder: BatchBuilder;
  lines: Uint32Array;
  private layout: ColumnLayout | null = null;
  private rowParser: RowParser | null = null;
  private readonly quoted = new QuotedFields();
  private seenRows = 0;
  private lastLine = 0;

  constructor(private readonly o: CanonicalCsvReadOptions) {
    this.builder = new BatchBuilder(o.strings, o.batchRows ?? BATCH_ROWS);
    this.lines = new Uint32Array(this.builder.capacity);
  }

  problem(d: Diagnostic): void {
    if (this.o.strict) throw new GmemlabError(d);
    this.o.log.add(d);
  }

  record(buf: Buffer, s: number, e: number, line: number, quoted: boolean, atEof: boolean): void {
    this.lastLine = line;
    if (s === e) return; // blank line
    if (buf[s] === 35 /* # */) {
      if (!this.layout) this.metaLine(buf, s, e, line);
      return;
    }
    if (!this.layout) return this.header(buf, s, e, line, quoted);
    this.seenRows++;
    const rp = this.rowParser!;
    if (!quoted) rp.parseLine(buf, s, e, line, atEof);
    else if (this.quoted.split(buf, s, e)) {
      const q = this.quoted;
      rp.parseFields(q.scratch, q.starts, q.ends, q.cols, q.count, line, atEof);
    } else {
      const d = atEof
        ? csvMessages.unterminatedQuote({ file: this.o.file, line, col: this.quoted.errorCol })
        : csvMessages.badQuote({ file: this.o.file, line, col: this.quoted.errorCol }, this.quoted.errorText);
      this.problem(d);
    }
    if (this.builder.full) this.flush();
  }

  tooLong(line: number, buf: Buffer, s: number, e: number): void {
    this.lastLine = line;
    if (textClass(buf, s, e, true) < 0) throw new GmemlabError(csvMessages.binary({ file: this.o.file, line }, 'control bytes in an over-long line'));
    const d = csvMessages.lineTooLong({ file: this.o.file, line }, this.o.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    if (!this.layout) throw new GmemlabError(d);
    this.seenRows++;
    this.problem(d);
  }

  unterminatedQuote(line: number): void {
    const d = csvMessages.unterminatedQuote({ file: this.o.file, line });
    if (!this.layout) throw new GmemlabError(d);
    this.seenRows++;
    this.problem(d);
  }

  /** End of input: flush the last batch; an empty file or a header without rows is reported here. */
  finish(): void {
    if (!this.layout) throw new GmemlabError(csvMessages.empty({ file: this.o.file, line: Math.max(1, this.lastLine) }));
    if (this.seenRows === 0) this.problem(csvMessages.headerOnly({ file: this.o.file, line: this.lastLine + 1 }));
    if (this.builder.length > 0 || this.out.length === 0) this.flush();
  }

  get fastCount(): number {
    return this.rowParser ? this.rowParser.fastCount : 0;
  }

  fastRecords(buf: Buffer, pos: number, lastNl: number, line: number): number {
    if (!this.rowParser) return pos;
    const next = this.rowParser.fastRows(buf, pos, lastNl, line);
    const n = this.rowParser.fastCount;
    if (n > 0) {
      this.seenRows += n;
      this.lastLine = line + n - 1;
    }
    return next;
  }

  flush(): void {
    const n = this.builder.length;
    const b = this.builder.take();
    setSourceLines(b, this.lines.subarray(0, n));
    this.lines = new Uint32Array(this.builder.capacity);
    this.out.push(b);
  }

  private checkText(buf: Buffer, s: number, e: number, line: number): string {
    const k = textClass(buf, s, e, true);
    if (k < 0) {
      let p = s;
      while (buf[p]! >= 32 || buf[p] === 9) p++;
      throw new GmemlabError(csvMessages.binary({ file: this.o.file, line, col: p - s + 1 }, `byte 0x${buf[p]!.toString(16).padStart(2, '0')}`));
    }
    const text = k === 0 ? buf.toString('latin1', s, e) : decodeUtf8(buf, s, e);
    // before the header, invalid UTF-8 means the file is not text at all
    if (text === null) throw new GmemlabError(csvMessages.binary({ file: this.o.file, line }, 'bytes that are not UTF-8'));
    return text;
  }

  private metaLine(buf: Buffer, s: number, e: number, line: number): void {
    const text = this.checkText(buf, s, e, line).slice(1).trimStart();
    const eq = text.indexOf('=');
    if (eq <= 0) return; // a plain comment
    this.o.meta[text.slice(0, eq).trim()] = text.slice(eq + 1);
  }

  private header(buf: Buffer, s: number, e: number, line: number, quoted: boolean): void {
    this.checkText(buf, s, e, line);
    const q = this.quoted;
    if (quoted && !q.split(buf, s, e)) throw new GmemlabError(csvMessages.badQuote({ file: this.o.file, line, col: q.errorCol }, q.errorText));
    if (!quoted) q.split(buf, s, e);
    const names: string[] = [];
    const cols: number[] = [];
    for (let f = 0; f < q.count; f++) {
      names.push(q.scratch.toString('utf8', q.starts[f], q.ends[f]));
      cols.push(q.cols[f]!);
    }
    this.layout = parseHeader(names, cols, this.o.file, line);
    this.rowParser = new RowParser(this.layout, this, this.o.file, this.o.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    this.rowParser.checkOrder = this.o.checkOrder ?? true;
  }
}
