import initSqlJs from 'sql.js';
import type { Database } from 'sql.js';
import { fail } from '../../log/diagnostic';
import { importerMessages } from '../../log/messages/importers';

type SqlJs = Awaited<ReturnType<typeof initSqlJs>>;
let sqlJs: Promise<SqlJs> | undefined;

/** The sql.js module (WASM SQLite, no native build), loaded once per process. */
export function loadSqlJs(): Promise<SqlJs> {
  sqlJs ??= initSqlJs();
  return sqlJs;
}

/**
 * Read-only view of an Nsight Systems SQLite export. Column sets vary between nsys versions, so every
 * query names columns that `columns(table)` (PRAGMA table_info) reported; a missing table means the data
 * was not collected.
 */
export class NsysDb {
  private readonly cols = new Map<string, Set<string>>();
  private strings?: Map<number, string>;
  constructor(readonly db: Database, private readonly file: string) {}

  static async open(bytes: Uint8Array, file: string): Promise<NsysDb> {
    const SQL = await loadSqlJs();
    let db: Database;
    try {
      db = new SQL.Database(bytes);
      db.exec('SELECT count(*) FROM sqlite_master'); // forces the header and schema to be read
    } catch (e) {
      return fail(importerMessages.syntax({ file, offset: 0 }, 'SQLite database', 'an intact SQLite 3 file (nsys export --type sqlite)', JSON.stringify(String((e as Error).message ?? e))));
    }
    return new NsysDb(db, file);
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
      const kind = this.query(`SELECT type, sql FROM sqlite_master WHERE name = '${quoted}' COLLATE NOCASE`, table);
      if (kind.length === 0) c = new Set();
      else {
        const [type, sql] = kind[0]!;
        if (type !== 'table' || /^\s*CREATE\s+VIRTUAL\b/i.test(String(sql ?? ''))) {
          fail(importerMessages.syntax({ file: this.file, field: table }, `SQLite database (${table})`, 'an ordinary table (gmemlab never runs SQL stored in an input file)', `a ${type === 'table' ? 'virtual table' : String(type)}`));
        }
        c = new Set(this.query(`PRAGMA table_info("${table.replace(/"/g, '""')}")`, table).map((r) => String(r[1])));
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

  /** Iterate rows of `SELECT <cols> FROM table ORDER BY start` as objects keyed by the requested columns. */
  *rows(table: string, want: readonly string[], order = 'start'): Generator<Record<string, unknown>> {
    const have = this.columns(table);
    const cols = want.filter((c) => have.has(c));
    if (!cols.length) return;
    const sql = `SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${table}"${have.has(order) ? ` ORDER BY "${order}"` : ''}`;
    let stmt;
    try {
      stmt = this.db.prepare(sql);
    } catch (e) {
      fail(importerMessages.syntax({ file: this.file, field: table }, `table ${table}`, 'a readable table', JSON.stringify(String((e as Error).message ?? e))));
    }
    try {
      for (;;) {
        let more: boolean;
        try {
          more = stmt.step();
        } catch (e) {
          fail(importerMessages.syntax({ file: this.file, field: table }, `table ${table}`, 'intact rows', JSON.stringify(String((e as Error).message ?? e))));
        }
        if (!more) break;
        const v = stmt.get();
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
      if (this.has('StringIds')) for (const [i, v] of this.query('SELECT id, value FROM StringIds', 'StringIds')) this.strings.set(Number(i), String(v));
    }
    return typeof id === 'number' ? (this.strings.get(id) ?? '') : '';
  }

  /** Names of an `ENUM_*` table (id → name), falling back to `fallback` when the table is absent. */
  enumNames(table: string, fallback: Readonly<Record<number, string>>): Record<number, string> {
    const cols = this.columns(table);
    if (!cols.has('id') || !cols.has('name')) return { ...fallback };
    const out: Record<number, string> = {};
    for (const [id, name] of this.query(`SELECT id, name FROM "${table}"`, table)) out[Number(id)] = String(name);
    return out;
  }

  close(): void {
    this.db.close();
  }
}
