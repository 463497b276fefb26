import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GmemlabError } from '../../src/log/diagnostic';
import { loadReference, parseReference, REFERENCE_NAMES, REFERENCE_SCHEMAS } from '../../src/analysis/reference';
import { tempDir } from '../helpers/temp-dir';

const HEAD = 'size_bytes,time_us,rate_gibps,rate_gbps,kind,source';

function error(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof GmemlabError, `a GmemlabError, not ${String(e)}`);
    return e.message;
  }
  assert.fail('expected an error');
}

test('every bundled reference table loads with its schema, a description and at least one sourced row', () => {
  for (const name of REFERENCE_NAMES) {
    const t = loadReference(name);
    assert.ok(t.rows.length >= 1, name);
    assert.ok(t.description.length > 0, `${name}: # description line`);
    assert.deepEqual(t.table.columnNames(), Object.keys(REFERENCE_SCHEMAS[name]));
    assert.equal(t.table.numRows(), t.rows.length);
  }
  for (const r of loadReference('isca19-uvmsmart-runtimes').rows) assert.ok(r.source.length > 0 && r.kind.length > 0);
});

test('the transfer table holds the nine measured sizes 4 KiB … 1 MiB with the published times', () => {
  const rows = loadReference('gtx1080ti-transfer-time').rows;
  assert.deepEqual(rows.map((r) => r.size_bytes), [4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576]);
  assert.equal(rows[0]!.time_us, 1.18);
  assert.equal(rows[8]!.time_us, 87.01);
});

test('parseReference types cells: numbers, optional numbers as null, quoted text with commas', () => {
  const t = parseReference('gtx1080ti-transfer-time', `# desc\n${HEAD}\n4096,1.18,3.22,3.47,meas,"a, b"\n`);
  assert.equal(t.description, 'desc');
  assert.deepEqual(t.rows[0], { size_bytes: 4096, time_us: 1.18, rate_gibps: 3.22, rate_gbps: 3.47, kind: 'meas', source: 'a, b' });
  const o = parseReference('gtx1080ti-real-oversub', 'app,oversub_pct,main_kernel_s,slowdown,h2d_migrations,h2d_bytes,d2h_bytes,fault_groups,fault_group_total_s,kind,source\nbfs,125,1.5,4.45,,,,,,meas,x\n');
  assert.equal(o.rows[0]!.h2d_bytes, null);
  assert.equal(o.rows[0]!.slowdown, 4.45);
});

test('a malformed reference table is an error naming file, line, field, expected and found', () => {
  assert.match(error(() => parseReference('gtx1080ti-transfer-time', 'size,time\n1,2\n', 't.csv')), /^t\.csv:1: .*unexpected columns.*expected size_bytes,time_us/);
  assert.match(error(() => parseReference('gtx1080ti-transfer-time', `# d\n${HEAD}\n4096,"1,180",1,1,meas,s\n`, 't.csv')), /^t\.csv:3:.*field 'time_us', expected a number, found "1,180"/);
  assert.match(error(() => parseReference('gtx1080ti-transfer-time', `${HEAD}\n4096,,1,1,meas,s\n`, 't.csv')), /^t\.csv:2:.*field 'time_us', expected a number, found an empty cell/);
  assert.match(error(() => parseReference('gtx1080ti-transfer-time', `${HEAD}\n4096,1\n`, 't.csv')), /^t\.csv:2:.*expected 6 fields, found 2 fields/);
  assert.match(error(() => loadReference('gtx1080ti-transfer-time', tempDir('ref'))), /reference table 'gtx1080ti-transfer-time' not found/);
});
