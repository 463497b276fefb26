import type { BatchBuilder } from '../batch';
import { CPU, Op } from '../event';
import { Col, type ColKind } from './columns';
import { decodeAscii, parseAgent } from './fields';
import type { KeywordTable } from './keywords';

/**
 * The canonical reader's fast path, compiled per header: a loop over consecutive simple rows whose body is
 * straight-line code for this file's column order (no per-field dispatch on the column kind, which costs
 * about a third of the time when interpreted generically). For header `t_ns,op,va`, the generated body is:
 *
 *   fs = p; ch = buf[p];                        // field 0: t_ns (decimal)
 *   if (ch !== D && ch !== 10 && ch !== 13) { given |= 1;
 *     v = 0; while (ch >= 48 && ch <= 57) { v = v * 10 + (ch - 48); ch = buf[++p]; }
 *     if (p === fs || (ch !== D && ch !== 10 && ch !== 13) || v >= LIMIT) break row;
 *     c.tNs[i] = v; }
 *   if (ch !== D) break row; p++;               // another field must follow
 *   …                                           // op: scan + keyword match; va: hex or decimal
 *   if (!(ch === 10 || (ch === 13 && buf[p + 1] === 10))) break row;   // row ends after the last field
 *
 * It accepts only well-formed rows; `break row` drops the half-built row and returns its start, and the
 * caller parses that record on the general path (row.ts), which reports the problem precisely. Correctness
 * relies on `buf[lastNl]` being an LF: every scan stops at a delimiter, CR or LF.
 */
export interface FastRowHost {
  readonly builder: BatchBuilder;
  /** Per-op checks (row.ts `finishRow` with no columns: silent on failure). */
  finish(i: number, given: number, line: number): boolean;
  /** The builder is full. */
  flush(): void;
}

/** The compiled loop: returns where it stopped and how many rows it took. */
export type FastRows = (buf: Buffer, pos: number, lastNl: number, line: number, maxLineBytes: number, host: FastRowHost) => { pos: number; rows: number };

/** Keyword tables and the hex-digit table the compiled code uses. */
export interface FastRowTables {
  readonly OPS: KeywordTable;
  readonly ACCESS: KeywordTable;
  readonly ADVICE: KeywordTable;
  readonly FLAG_ONE: KeywordTable;
  readonly HEX: Int8Array;
}

const TERM = '(ch !== D && ch !== 10 && ch !== 13)';

function decimal(target: string, extra = ''): string {
  return `v = 0; while (ch >= 48 && ch <= 57) { v = v * 10 + (ch - 48); ch = buf[++p]; }
      if (p === fs || ${TERM} || v >= LIMIT${extra}) break row;
      c.${target}[i] = v;`;
}

function address(target: string): string {
  return `v = 0;
      if (ch === 48 && (buf[p + 1] === 120 || buf[p + 1] === 88)) {
        p += 2; h = HEX[buf[p]]; if (h < 0) break row;
        while (h >= 0) { v = v * 16 + h; h = HEX[buf[++p]]; }
        ch = buf[p];
      } else { while (ch >= 48 && ch <= 57) { v = v * 10 + (ch - 48); ch = buf[++p]; } }
      if (p === fs || ${TERM} || v >= LIMIT) break row;
      c.${target}[i] = v;`;
}

/** Scan to the field end, bailing on quotes, control and non-ASCII bytes. */
const SCAN_TEXT = `while (${TERM}) { if (ch < 32 || ch > 126 || ch === 34) break row; ch = buf[++p]; }`;

function fieldCode(kind: ColKind): string {
  switch (kind) {
    case Col.tNs: return decimal('tNs');
    case Col.bytes: return decimal('bytes');
    case Col.durNs: return decimal('durNs');
    case Col.count: return decimal('count', ' || v < 1 || v > 4294967295');
    case Col.pageBytes: return decimal('pageBytes', ' || v === 0 || 2 ** Math.round(Math.log2(v)) !== v');
    case Col.va: return address('va');
    case Col.offset: return address('offsetBytes');
    case Col.op: return `${SCAN_TEXT} v = OPS.match(buf, fs, p); if (v < 0) break row; c.op[i] = v;`;
    case Col.agent: return `${SCAN_TEXT} v = parseAgent(buf, fs, p); if (v < 0) break row; c.agent[i] = v;`;
    case Col.target: return `${SCAN_TEXT} v = parseAgent(buf, fs, p); if (v < 0) break row; c.target[i] = v;`;
    case Col.access: return `${SCAN_TEXT} v = ACCESS.match(buf, fs, p); if (v < 0) break row; c.access[i] = v;`;
    case Col.advice: return `${SCAN_TEXT} v = ADVICE.match(buf, fs, p); if (v < 0) break row; c.code[i] = v;`;
    case Col.flags: return `${SCAN_TEXT} v = FLAG_ONE.match(buf, fs, p); if (v < 0) break row; c.flags[i] = v;`;
    case Col.resource: return `${SCAN_TEXT} c.resource[i] = strings.intern(decodeAscii(buf, fs, p));`;
    case Col.label: return `${SCAN_TEXT} c.label[i] = strings.intern(decodeAscii(buf, fs, p));`;
    default: return SCAN_TEXT; // x_ column: skipped, but a quote still sends the row to the general path
  }
}

/**
 * Compile the fast row loop for a header's column kinds and a delimiter byte. The generated code is
 * proportional to the columns that are read, not to the header's width: a run of consecutive `x_` columns
 * becomes one loop (a 100,000-column header of `x_` columns used to compile 100,000 field blocks, ~600 MB).
 */
export function compileFastRows(kinds: ArrayLike<number>, delimiter: number, tables: FastRowTables): FastRows {
  const fields: string[] = [];
  const last = kinds.length - 1;
  for (let f = 0; f < kinds.length; f++) {
    const kind = kinds[f]! as ColKind;
    const next = 'if (ch !== D) break row; ch = buf[++p];'; // another field must follow
    if (kind === Col.ignored) {
      let run = 1;
      while (f + run <= last && kinds[f + run] === Col.ignored) run++;
      if (run > 1) {
        fields.push(`      // fields ${f}…${f + run - 1}: x_ columns
      for (let k = 0; k < ${run}; k++) {
        if (k > 0) { ${next} }
        fs = p; ch = buf[p];
        if (${TERM}) { ${SCAN_TEXT} }
      }
      ${f + run - 1 < last ? next : ''}`);
        f += run - 1;
        continue;
      }
    }
    const bit = kind === Col.ignored ? 0 : 1 << kind;
    fields.push(`      // field ${f}
      fs = p; ch = buf[p];
      if (${TERM}) {
        given |= ${bit};
        ${fieldCode(kind)}
      }
      ${f < last ? next : ''}`);
  }
  const body = `
  const D = ${delimiter};
  const LIMIT = 9007199254740992;
  const { OPS, ACCESS, ADVICE, FLAG_ONE, HEX, parseAgent, decodeAscii } = env;
  return function fastRows(buf, pos, lastNl, line, maxLineBytes, host) {
    const b = host.builder;
    const strings = b.strings;
    let rows = 0;
    outer: while (pos <= lastNl) {
      const c = b.cols;
      const i = b.addRow(${Op.marker}, 0, ${CPU}, NaN, NaN);
      let given = 0, p = pos, ch = 0, fs = 0, v = 0, h = 0;
      row: {
${fields.join('\n')}
        if (!(ch === 10 || (ch === 13 && buf[p + 1] === 10))) break row;
        if (p - pos > maxLineBytes) break row;
        if (!host.finish(i, given, line + rows)) break row;
        rows++;
        pos = ch === 10 ? p + 1 : p + 2;
        if (b.length === b.capacity) host.flush();
        continue outer;
      }
      b.length--;
      break;
    }
    return { pos, rows };
  };`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const make = new Function('env', body) as (env: unknown) => FastRows;
  return make({ ...tables, parseAgent, decodeAscii });
}
