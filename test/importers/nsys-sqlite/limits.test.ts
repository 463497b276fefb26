import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nsysSqliteImporter as def } from '../../../src/importers/nsys-sqlite/index';
import { loadSqlJs, NsysDb } from '../../../src/importers/nsys-sqlite/db';
import { Checkpoint } from '../../../src/importers/shared/checkpoint';
import { GmemlabError } from '../../../src/log/diagnostic';
import { importerMessages } from '../../../src/log/messages/importers';
import { importWith } from '../helpers';
import { writeNsysFixture } from './fixture';

// Issue 18: a TEXT/BLOB value past the string limit (GMEMLAB_MAX_STRING_BYTES) is exit 2 naming table,
// column and row, checked inside SQLite before sql.js builds a JS string. Built small by setting the limit low.
const dir = mkdtempSync(join(tmpdir(), 'gmemlab-nsys-limits-'));

/** The fixture with `sql` run on it (e.g. one long value), written to `name`. */
async function fixtureWith(name: string, sql: string): Promise<string> {
  const base = join(dir, `${name}.base.sqlite`);
  await writeNsysFixture(base);
  const SQL = await loadSqlJs();
  const db = new SQL.Database(readFileSync(base));
  db.run(sql);
  const path = join(dir, `${name}.sqlite`);
  writeFileSync(path, db.export());
  db.close();
  return path;
}

async function withLimit<T>(limit: string, f: () => Promise<T>): Promise<T> {
  const saved = process.env.GMEMLAB_MAX_STRING_BYTES;
  process.env.GMEMLAB_MAX_STRING_BYTES = limit;
  try {
    return await f();
  } finally {
    if (saved === undefined) delete process.env.GMEMLAB_MAX_STRING_BYTES;
    else process.env.GMEMLAB_MAX_STRING_BYTES = saved;
  }
}

test('a StringIds value longer than the string limit is exit 2 naming StringIds.value and its row', async () => {
  const path = await fixtureWith('strings', `INSERT INTO StringIds VALUES (99, '${'n'.repeat(3000)}')`);
  await withLimit('2KiB', () =>
    assert.rejects(importWith(def, path), (e: unknown) => {
      assert.ok(e instanceof GmemlabError);
      assert.equal(e.diagnostic.code, importerMessages.stringTooLong.code);
      assert.equal(e.diagnostic.file, path);
      assert.equal(e.diagnostic.field, 'StringIds.value (row 6)'); // the fixture has 5 strings
      assert.equal(e.diagnostic.expected, 'at most 2048 bytes');
      assert.equal(e.diagnostic.found, '3000 bytes');
      return true;
    }),
  );
  // under the default limit the same file imports
  assert.ok((await importWith(def, path)).rows > 0);
});

test('a long blob in a numeric column (SQLite columns take any type) is refused the same way', async () => {
  const path = await fixtureWith('blob', `UPDATE CUDA_UM_CPU_PAGE_FAULT_EVENTS SET start = zeroblob(5000)`);
  await withLimit('4096', () =>
    assert.rejects(importWith(def, path), (e: unknown) => {
      assert.ok(e instanceof GmemlabError);
      assert.equal(e.diagnostic.code, importerMessages.stringTooLong.code);
      assert.equal(e.diagnostic.field, 'CUDA_UM_CPU_PAGE_FAULT_EVENTS.start (row 1)');
      assert.equal(e.diagnostic.found, '5000 bytes');
      return true;
    }),
  );
});

test('rows() checks the abort signal every N rows: once aborted it throws the reason after at most N more rows', async () => {
  const path = join(dir, 'abort.sqlite');
  await writeNsysFixture(path);
  const ac = new AbortController();
  const cp = new Checkpoint(ac.signal, 2);
  const db = await NsysDb.open(readFileSync(path), path, { checkpoint: cp });
  try {
    const it = db.rows('StringIds', ['id', 'value'], 'id');
    assert.deepEqual((await it.next()).value, { id: 1, value: 'cudaMemPrefetchAsync_v8000' });
    const reason = new Error('interrupted (SIGINT)');
    ac.abort(reason);
    await assert.rejects(it.next(), (e: unknown) => e === reason);
    assert.equal(cp.steps, 2, 'stopped at the checkpoint of row 2; the fixture has 5 strings');
  } finally {
    db.close();
  }
});
