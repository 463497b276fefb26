import { createHash } from 'node:crypto';
import Papa from 'papaparse';
import type { InputFile } from '../../io/input';
import type { DiagnosticLog } from '../../log/collector';
import { GmemlabError, type Diagnostic, type Location } from '../../log/diagnostic';
import { csvMessages, mapMessages } from '../../log/messages/trace';
import { BATCH_ROWS, BatchBuilder, type EventBatch } from '../batch';
import { colKindOf, makeLayout, type ColKind } from '../canonical-csv/columns';
import { DEFAULT_MAX_LINE_BYTES, RecordSplitter, type RecordSink } from '../canonical-csv/records';
import { RowParser, type RowTarget } from '../canonical-csv/row';
import { setSourceLines } from '../source-lines';
import type { StringTable } from '../strings';
import { convertValue, type RebaseState } from './convert';
import { COLUMN_CLASS, WHITESPACE, type ResolvedMapSpec } from './spec';

/** Options of a mapped (foreign) CSV read. */
export interface MappedCsvOptions {
  readonly file: string;
  readonly strict: boolean;
  readonly log: DiagnosticLog;
  readonly strings: StringTable;
  readonly meta: Record<string, string>;
  readonly maxLineBytes?: number;
  /** Reject decreasing times (false when the caller sorts afterwards). */
  readonly sorted?: boolean;
  readonly batchRows?: number;
}

/**
 * Read a foreign CSV through a map spec (`--map`). Records are cut by the same bounded, quote-aware
 * splitter as the canonical reader (so line numbers and the line limit behave the same); papaparse splits
 * each chunk's records into fields (RFC 4180 quoting, any delimiter; the delimiter is detected from the
 * first line when the spec does not give it). With `delimiter: "whitespace"` records are lines (no quoting)
 * split on runs of spaces and tabs. The column names come from the first line, or from the spec's `header`
 * (the file then has none). Each row's cells are converted exactly (map/convert.ts) and then checked by the
 * canonical row parser, so every canonical rule applies; messages name the foreign column (`size→bytes`)
 * and the foreign line.
 */
export async function* readMappedCsv(input: InputFile, spec: ResolvedMapSpec, o: MappedCsvOptions): AsyncGenerator<EventBatch> {
  const delimiter = spec.delimiter ?? detectDelimiter(input.head, spec.comments);
  const sink = new MappedSink(spec, o, delimiter);
  const ws = delimiter === WHITESPACE;
  const splitter = new RecordSplitter(sink, o.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, ws ? 32 : delimiter.charCodeAt(0), !ws);
  for await (const chunk of input.chunks()) {
    splitter.push(chunk);
    sink.process();
    // rebasing on the earliest time (sorting): every batch waits for the last row, which may be the earliest
    if (!sink.holdsTimes) while (sink.out.length) yield sink.out.shift()!;
  }
  splitter.end();
  sink.process();
  sink.finish();
  while (sink.out.length) yield sink.out.shift()!;
}

/**
 * 1-based byte column of the first character of field `index` of one CSV record (RFC 4180 quotes: a delimiter
 * inside a quoted field does not count; `""` is an escaped quote). A quoted field's column is its opening quote.
 * With `whitespace`, fields are the runs of other characters.
 */
export function fieldColumn(text: string, delimiter: string, index: number): number {
  if (delimiter === WHITESPACE) {
    let field = -1;
    for (let i = 0; i < text.length; i++) {
      if (isBlank(text.charCodeAt(i)) || (i > 0 && !isBlank(text.charCodeAt(i - 1)))) continue;
      if (++field === index) return Buffer.byteLength(text.slice(0, i)) + 1;
    }
    return 1;
  }
  let field = 0;
  let inQuote = false;
  for (let i = 0; i < text.length && field < index; i++) {
    const ch = text[i]!;
    if (ch === '"') inQuote = !inQuote; // "" toggles twice: still inside
    else if (!inQuote && text.startsWith(delimiter, i)) {
      field++;
      i += delimiter.length - 1;
      if (field === index) return Buffer.byteLength(text.slice(0, i + 1)) + 1;
    }
  }
  return 1;
}

/** The delimiter of the first non-comment line of `head`, as papaparse guesses it (`,` if unsure). */
export function detectDelimiter(head: Uint8Array, comments: string | false): string {
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8').replace(/^\ufeff/, '');
  const line = text.split('\n').find((l) => l.trim() !== '' && !(comments && l.startsWith(comments)));
  if (line === undefined) return ',';
  const r = Papa.parse<string[]>(line.replace(/\r$/, ''), { delimitersToGuess: [',', ';', '\t', '|'] });
  return r.meta.delimiter || ',';
}

/** Space or tab (the `whitespace` delimiter). */
function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** Index of the first character of `text` that is not a space or tab (`text.length` if none). */
function firstNonBlank(text: string): number {
  let i = 0;
  while (i < text.length && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/** The fields of a whitespace-separated record: runs of characters other than spaces and tabs. */
export function splitWhitespace(text: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const blank = i === text.length || isBlank(text.charCodeAt(i));
    if (blank) {
      if (start >= 0) out.push(text.slice(start, i));
      start = -1;
    } else if (start < 0) start = i;
  }
  return out;
}

const LIMIT = 2 ** 53;
const BIG_LIMIT = 2n ** 53n;

interface Pending {
  readonly text: string;
  readonly line: number;
  readonly atEof: boolean;
}

class MappedSink implements RecordSink, RowTarget {
  readonly out: EventBatch[] = [];
  readonly builder: BatchBuilder;
  lines: Uint32Array;
  readonly fastCount = 0;
  private header: readonly string[] | null = null;
  /** Fields split on runs of spaces and tabs (`delimiter: "whitespace"`). */
  private readonly ws: boolean;
  /** The header comes from the map (the file has none). */
  private readonly given: boolean;
  private parser: RowParser | null = null;
  private sources: number[] = [];
  private pending: Pending[] = [];
  private readonly state: RebaseState = {};
  /** Index (in spec.columns) of the rebased t_ns rule, or -1. */
  private readonly rebaseCol: number;
  /**
   * Sorting with `rebase`: the origin is the earliest time, known only at the end. Rows keep their time
   * relative to the first row's (negative when earlier; exact, |t| < 2^53) and `finish` shifts them all.
   */
  readonly holdsTimes: boolean;
  /** Line and cell of the row whose time is the rebase origin (the first converted time). */
  private originLine = 0;
  private originCell = '';
  /** Earliest and latest relative time of the accepted rows (holdsTimes), and the latest one's line. */
  private minRel = Infinity;
  private maxRel = -Infinity;
  private maxLine = 0;
  private scratch = Buffer.alloc(1024);
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly cols: Int32Array;
  private rowsSeen = 0;
  private lastLine = 0;
  /** Field name of each rule in messages (`size→bytes`, `t_ns (constant)`). */
  private readonly display: string[] = [];

  constructor(
    private readonly spec: ResolvedMapSpec,
    private readonly o: MappedCsvOptions,
    private readonly delimiter: string,
  ) {
    this.builder = new BatchBuilder(o.strings, o.batchRows ?? BATCH_ROWS);
    this.lines = new Uint32Array(this.builder.capacity);
    const n = spec.columns.length;
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.cols = new Int32Array(n);
    this.rebaseCol = spec.columns.findIndex((c) => c.column === 't_ns' && c.rule.rebase === true);
    this.holdsTimes = this.rebaseCol >= 0 && o.sorted === false;
    this.ws = delimiter === WHITESPACE;
    this.given = spec.header !== undefined;
    if (spec.header) this.useHeader(spec.header, undefined);
  }

  problem(d: Diagnostic): void {
    if (this.o.strict) throw new GmemlabError(d);
    this.o.log.add(d);
  }

  record(buf: Buffer, s: number, e: number, line: number, _quoted: boolean, atEof: boolean): void {
    this.lastLine = line;
    if (s === e) return;
    const text = buf.toString('utf8', s, e);
    if (this.ws) {
      // leading spaces and tabs are not a field; a line of them only is blank
      const i = firstNonBlank(text);
      if (i === text.length || (this.spec.comments && text.startsWith(this.spec.comments, i))) return;
    } else if (this.spec.comments && text.startsWith(this.spec.comments)) return;
    if (text.includes('\u0000')) {
      const d = csvMessages.binary({ file: this.o.file, line }, 'byte 0x00');
      if (!this.header) throw new GmemlabError(d);
      this.flushPending();
      this.rowsSeen++;
      return this.problem(d);
    }
    if (!this.header) return this.readHeader(text, line);
    this.pending.push({ text, line, atEof });
  }

  tooLong(line: number): void {
    this.lastLine = line;
    const d = csvMessages.lineTooLong({ file: this.o.file, line }, this.o.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    if (!this.header) throw new GmemlabError(d);
    this.flushPending();
    this.rowsSeen++;
    this.problem(d);
  }

  unterminatedQuote(line: number): void {
    const d = csvMessages.unterminatedQuote({ file: this.o.file, line });
    if (!this.header) throw new GmemlabError(d);
    this.flushPending();
    this.rowsSeen++;
    this.problem(d);
  }

  /** Convert the records collected so far (one papaparse call per chunk of records). */
  process(): void {
    this.flushPending();
  }

  finish(): void {
    if (!this.header) throw new GmemlabError(csvMessages.empty({ file: this.o.file, line: Math.max(1, this.lastLine) }));
    if (this.rowsSeen === 0) {
      const where = { file: this.o.file, line: this.lastLine + 1 };
      this.problem(this.given ? mapMessages.noRows(where, this.header) : csvMessages.headerOnly(where));
    }
    if (this.builder.length > 0 || this.out.length === 0) this.flush();
    if (this.holdsTimes) this.rebaseOnEarliest();
  }

  /** Sorting with `rebase`: shift every row so that the earliest accepted time is 0; that time is the origin. */
  private rebaseOnEarliest(): void {
    if (this.state.origin === undefined) return;
    if (this.minRel === Infinity) return this.originMeta(this.state.origin);
    const min = this.minRel;
    if (this.maxRel - min >= LIMIT) {
      // a span beyond 2^53 ns (104 days): found only now, when no row can be dropped any more
      throw new GmemlabError(csvMessages.tooLarge({ file: this.o.file, line: this.maxLine, field: this.display[this.rebaseCol]! }, (BigInt(this.maxRel) - BigInt(min)).toString()));
    }
    if (min !== 0) for (const b of this.out) for (let i = 0, t = b.tNs; i < b.length; i++) t[i] = t[i]! - min;
    this.originMeta(this.state.origin + BigInt(min));
  }

  /**
   * A rebased origin is Unix time only when it looks like it (2001-09-09 … 2096, in ns); a monotonic or
   * since-boot clock value is kept as `origin_clock_ns` (as rocprofv3-scratch does), never as a date (issue 16).
   */
  private originMeta(o: bigint): void {
    this.o.meta[o >= 1_000_000_000_000_000_000n && o < 4_000_000_000_000_000_000n ? 'origin_unix_ns' : 'origin_clock_ns'] = o.toString();
  }

  flush(): void {
    const n = this.builder.length;
    const b = this.builder.take();
    setSourceLines(b, this.lines.subarray(0, n));
    this.lines = new Uint32Array(this.builder.capacity);
    this.out.push(b);
  }

  private readHeader(text: string, line: number): void {
    let names: string[];
    if (this.ws) names = splitWhitespace(text);
    else {
      const r = Papa.parse<string[]>(text, { delimiter: this.delimiter });
      if (r.errors.length) throw new GmemlabError(csvMessages.badQuote({ file: this.o.file, line }, r.errors[0]!.message));
      names = (r.data[0] ?? []).map((h) => h.trim());
    }
    this.useHeader(names, line);
  }

  /** Set up the columns from the header: the file's first line (`line`) or the map's `header` (no line). */
  private useHeader(names: readonly string[], line: number | undefined): void {
    const at = line === undefined ? { file: this.o.file } : { file: this.o.file, line };
    this.header = names;
    const kinds: ColKind[] = [];
    const display = this.display;
    const used = new Set<string>();
    for (const { column, rule } of this.spec.columns) {
      kinds.push(colKindOf(column) as ColKind);
      if (rule.from !== undefined) {
        const idx = names.indexOf(rule.from);
        if (idx < 0) throw new GmemlabError(mapMessages.missingSourceColumn({ ...at, field: rule.from }, rule.from, names));
        this.sources.push(idx);
        used.add(rule.from);
        display.push(rule.from === column ? column : `${rule.from}→${column}`);
      } else {
        this.sources.push(-1);
        display.push(`${column} (constant)`);
      }
    }
    const unused = names.filter((n) => !used.has(n) && !this.spec.ignore.includes(n));
    if (unused.length) this.o.log.add(mapMessages.unusedColumns(at, unused));
    this.parser = new RowParser(makeLayout(kinds, display), this, this.o.file, this.o.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    this.parser.checkOrder = this.o.sorted ?? true;
    const m = this.o.meta;
    m.map_sha256 = createHash('sha256').update(this.spec.text).digest('hex');
  }

  private flushPending(): void {
    const recs = this.pending;
    if (recs.length === 0) return;
    this.pending = [];
    if (this.ws) {
      for (const rec of recs) this.row(splitWhitespace(rec.text), rec);
      return;
    }
    let rows: string[][] | null = null;
    const r = Papa.parse<string[]>(recs.map((p) => p.text).join('\n'), { delimiter: this.delimiter });
    if (r.errors.length === 0 && r.data.length === recs.length) rows = r.data;
    for (let k = 0; k < recs.length; k++) {
      const rec = recs[k]!;
      let fields: string[];
      if (rows) fields = rows[k]!;
      else {
        // a problem somewhere in the chunk: parse record by record to pin it down
        const one = Papa.parse<string[]>(rec.text, { delimiter: this.delimiter });
        if (one.errors.length) {
          this.rowsSeen++;
          this.problem(csvMessages.badQuote({ file: this.o.file, line: rec.line }, one.errors[0]!.message));
          continue;
        }
        fields = one.data[0] ?? [''];
      }
      this.row(fields, rec);
    }
  }

  private row(fields: string[], rec: Pending): void {
    this.rowsSeen++;
    const header = this.header!;
    const nf = fields.length;
    if (nf !== header.length && !(this.spec.ragged && nf < header.length)) {
      const where = { file: this.o.file, line: rec.line };
      if (rec.atEof && nf < header.length) return this.problem(csvMessages.truncatedLastLine(where, header.length, nf));
      if (this.given || this.spec.ragged) return this.problem(mapMessages.fieldCount(where, header, this.given, this.spec.ragged, nf));
      return this.problem(csvMessages.fieldCount(where, header.length, nf));
    }
    let o = 0;
    let rel = 0;
    const spec = this.spec.columns;
    for (let c = 0; c < spec.length; c++) {
      const { column, rule, replace } = spec[c]!;
      const src = this.sources[c]!;
      // a ragged row's missing trailing fields are empty
      let raw = src < 0 ? String(rule.const) : src < nf ? fields[src]! : '';
      if (raw.trim() === '' && rule.default !== undefined) raw = String(rule.default);
      const v = convertValue(raw, COLUMN_CLASS[column], rule, replace, column, this.state);
      if ('error' in v) return this.problem(mapMessages.badValue(this.at(rec, c), v.error, raw, v.rewritten));
      let text = v.text;
      if (c === this.rebaseCol && text !== '') {
        const t = this.state.rebased!;
        if (this.originLine === 0) {
          this.originLine = rec.line;
          this.originCell = raw.trim();
        }
        if (this.holdsTimes) {
          // kept relative to the first row's time (set on the batch row below), shifted by `finish`
          if (t <= -BIG_LIMIT || t >= BIG_LIMIT) return this.problem(csvMessages.tooLarge(this.at(rec, c), t.toString()));
          rel = Number(t);
          text = '0';
        } else if (t < 0n) {
          return this.problem(mapMessages.beforeOrigin(this.at(rec, c), this.originLine, this.originCell, raw.trim(), (-t).toString()));
        }
      }
      const need = o + Buffer.byteLength(text);
      if (need > this.scratch.length) {
        const bigger = Buffer.alloc(2 * need);
        this.scratch.copy(bigger, 0, 0, o);
        this.scratch = bigger;
      }
      this.starts[c] = o;
      o += this.scratch.write(text, o);
      this.ends[c] = o;
    }
    if (this.state.origin !== undefined && !this.holdsTimes && this.o.meta.origin_unix_ns === undefined && this.o.meta.origin_clock_ns === undefined) {
      this.originMeta(this.state.origin);
    }
    const parser = this.parser!;
    const accepted = parser.rows;
    parser.parseFields(this.scratch, this.starts, this.ends, this.cols, spec.length, rec.line, false);
    if (this.holdsTimes && parser.rows > accepted) {
      this.builder.cols.tNs[this.builder.length - 1] = rel;
      if (rel < this.minRel) this.minRel = rel;
      if (rel > this.maxRel) (this.maxRel = rel), (this.maxLine = rec.line);
    }
    if (this.builder.full) this.flush();
  }

  /** Where a problem with rule `c` of record `rec` is: the foreign line, column and field. */
  private at(rec: Pending, c: number): Location {
    const src = this.sources[c]!;
    return { file: this.o.file, line: rec.line, ...(src >= 0 ? { col: fieldColumn(rec.text, this.delimiter, src) } : {}), field: this.display[c]! };
  }
}
