import initSqlJs from 'sql.js';
import type { Database } from 'sql.js';
import { fail } from '../../log/diagnostic';
import { importerMessages } from '../../log/messages/importers';
import { Checkpoint } from '../shared/checkpoint';
import { maxStringBytes } from '../shared/limits';

type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;
let sqlJs: Promise<SqlJs> | undefined;

/** The sql.js module (WASM SQLite, no native build), loaded once per process. */
export function loadSqlJs(): Promise<SqlJs> {
  sqlJs ??= initSqlJs();
  return sqlJs;
}

export interface NsysDbOptions {
  /** Longest TEXT/BLOB value read (bytes); default `maxStringBytes()`. */
  readonly maxStringBytes?: number;
  /** `rows()` checks it (and yields to the event loop) every `CHECK_EVERY_STEPS` rows. */
  readonly signal?: AbortSignal;
  readonly checkpoint?: Checkpoint;
}

/**
 * Read-only view of an Nsight Systems SQLite export. Column sets vary between nsys versions, so every
 * query names columns that `columns(table)` (PRAGMA table_info) reported; a missing table means the data
 * was not collected.
 *
 * Every TEXT or BLOB value read is at most `maxStringBytes` long (64 MiB, `GMEMLAB_MAX_STRING_BYTES`): the
 * length is checked inside SQLite (`length(CAST(x AS BLOB))`), before sql.js turns the value into a JS
 * string, and a longer one is `importer.string-too-long` naming table, column and row (SQLite columns take
 * any type, so this holds for numeric columns too).
 */
export class NsysDb {
  private readonly cols = new Map<string, Set<string>>();
  private strings?: Map<number, string>;
  private readonly maxStr: number;
  private readonly cp: Checkpoint;
  constructor(readonly db: Database, private readonly file: string, opts: NsysDbOptions = {}) {
    this.maxStr = Math.floor(opts.maxStringBytes ?? maxStringBytes());
    this.cp = opts.checkpoint ?? new Checkpoint(opts.signal);
  }

  static async open(bytes: Uint8Array, file: string, opts: NsysDbOptions = {}): Promise<NsysDb> {
    const SQL = await loadSqlJs();
    let db: Database;
    try {
      db = new SQL.Database(bytes);
      db.exec('SELECT count(*) FROM sqlite_master'); // forces the header and schema to be read
    } catch (e) {
      return fail(importerMessages.syntax({ file, offset: 0 }, 'SQLite database', 'an intact SQLite 3 file (nsys export --type sqlite)', JSON.stringify(String((e as Error).message ?? e))));
    }
    return new NsysDb(db, file, opts);
  }

  /** SQL: true when `expr` is a TEXT/BLOB value longer than the string limit. */
  private tooLongSql(expr: string): string {
    return `(${expr} >= '' AND length(CAST(${expr} AS BLOB)) > ${this.maxStr})`;
  }

  /**
   * `SELECT` of `cols` (quoted names) from `from` (a quoted table plus any WHERE/ORDER BY), each value
   * replaced by NULL when too long, plus a last column naming the first too-long value as `index:bytes`.
   */
  private guardedSql(cols: readonly string[], from: string): string {
    const q = cols.map((c) => `"${c.replace(/"/g, '""')}"`);
    const values = q.map((c) => `CASE WHEN ${this.tooLongSql(c)} THEN NULL ELSE ${c} END`);
    const flag = `CASE ${q.map((c, i) => `WHEN ${this.tooLongSql(c)} THEN '${i}:' || length(CAST(${c} AS BLOB))`).join(' ')} END`;
    return `SELECT ${[...values, flag].join(', ')} FROM ${from}`;
  }

  /** Throw `importer.string-too-long` when the flag column of a guarded row is set (`row`: 1-based). */
  private checkRow(values: readonly unknown[], cols: readonly string[], table: string, row: number): void {
    const flag = values[cols.length];
    if (flag === null || flag === undefined) return;
    const [i, bytes] = String(flag).split(':');
    fail(importerMessages.stringTooLong({ file: this.file, field: `${table}.${cols[Number(i)]} (row ${row})` }, `SQLite value in ${table}.${cols[Number(i)]}`, this.maxStr, Number(bytes)));
  }

  /** All rows of a guarded select (see `guardedSql`), without the flag column. */
  private guardedQuery(cols: readonly string[], from: string, table: string): unknown[][] {
    const rows = this.query(this.guardedSql(cols, from), table);
    rows.forEach((r, k) => this.checkRow(r, cols, table, k + 1));
    return rows.map((r) => r.slice(0, cols.length));
  }

  /**
   * Column names of `table`, or an empty set when the table does not exist. Only ordinary tables are read:
   * a view (or a virtual table) under a name gmemlab queries would run SQL stored in the input file (a view
   * can hold an endless recursive query), so it is an error rather than something to execute. Generated
   * columns are not listed by `table_info`, so their expressions are never evaluated either.
   */
  columns(table: string): Set<string> {
    let c = this.cols.get(table);
    if (!c) {
      const quoted = table.replace(/'/g, "''");
      // only the start of the stored SQL is needed (and read): it may be of any length
      const kind = this.query(`SELECT type, substr(sql, 1, 64) FROM sqlite_master WHERE name = '${quoted}' COLLATE NOCASE`, table);
      if (kind.length === 0) c = new Set();
      else {
        const [type, sql] = kind[0]!;
        if (type !== 'table' || /^\s*CREATE\s+VIRTUAL\b/i.test(String(sql ?? ''))) {
          fail(importerMessages.syntax({ file: this.file, field: table }, `SQLite database (${table})`, 'an ordinary table (gmemlab never runs SQL stored in an input file)', `a ${type === 'table' ? 'virtual table' : String(type)}`));
        }
        const info = `pragma_table_info('${quoted}')`;
        c = new Set(this.guardedQuery(['name'], info, `${table} (column names)`).map((r) => String(r[0])));
      }
      this.cols.set(table, c);
    }
    return c;
  }

  has(table: string): boolean {
    return this.columns(table).size > 0;
  }

  /**
   * All rows of a query as arrays (malformed pages surface here as an error naming the file and, as its
   * field, the table read).
   */
  query(sql: string, table: string): unknown[][] {
    try {
      const res = this.db.exec(sql);
      return res.length ? (res[0]!.values as unknown[][]) : [];
    } catch (e) {
      return fail(importerMessages.syntax({ file: this.file, field: table }, `SQLite database (${table})`, 'readable tables', JSON.stringify(String((e as Error).message ?? e))));
    }
  }

  /**
   * Iterate rows of `SELECT <cols> FROM table ORDER BY start` as objects keyed by the requested columns.
   * Every `CHECK_EVERY_STEPS` rows it checks the abort signal and yields to the event loop (Ctrl-C).
   */
  async *rows(table: string, want: readonly string[], order = 'start'): AsyncGenerator<Record<string, unknown>> {
    const have = this.columns(table);
    const cols = want.filter((c) => have.has(c));
    if (!cols.length) return;
    const sql = this.guardedSql(cols, `"${table}"${have.has(order) ? ` ORDER BY "${order}"` : ''}`);
    let stmt;
    try {
      stmt = this.db.prepare(sql);
    } catch (e) {
      fail(importerMessages.syntax({ file: this.file, field: table }, `table ${table}`, 'a readable table', JSON.stringify(String((e as Error).message ?? e))));
    }
    let row = 0;
    try {
      for (;;) {
        let more: boolean;
        try {
          more = stmt.step();
        } catch (e) {
          fail(importerMessages.syntax({ file: this.file, field: table }, `table ${table}`, 'intact rows', JSON.stringify(String((e as Error).message ?? e))));
        }
        if (!more) break;
        if (this.cp.tick()) await this.cp.pause();
        const v = stmt.get();
        this.checkRow(v, cols, table, ++row);
        const o: Record<string, unknown> = {};
        for (let i = 0; i < cols.length; i++) o[cols[i]!] = v[i];
        yield o;
      }
    } finally {
      stmt.free();
    }
  }

  /** `StringIds` lookup (id → text); '' for unknown ids or when the table is absent. */
  string(id: unknown): string {
    if (!this.strings) {
      this.strings = new Map();
      if (this.has('StringIds')) for (const [i, v] of this.guardedQuery(['id', 'value'], '"StringIds"', 'StringIds')) this.strings.set(Number(i), String(v));
    }
    return typeof id === 'number' ? (this.strings.get(id) ?? '') : '';
  }

  /** Values of `cols` in the rows of `table` matching `where` (SQL), each checked against the string limit. */
  select(table: string, cols: readonly string[], where: string): unknown[][] {
    return this.guardedQuery(cols, `"${table.replace(/"/g, '""')}" WHERE ${where}`, table);
  }

  /** Names of an `ENUM_*` table (id → name), falling back to `fallback` when the table is absent. */
  enumNames(table: string, fallback: Readonly<Record<number, string>>): Record<number, string> {
    const cols = this.columns(table);
    if (!cols.has('id') || !cols.has('name')) return { ...fallback };
    const out: Record<number, string> = {};
    for (const [id, name] of this.guardedQuery(['id', 'name'], `"${table.replace(/"/g, '""')}"`, table)) out[Number(id)] = String(name);
    return out;
  }

  close(): void {
    this.db.close();
  }
}
