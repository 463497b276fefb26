import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORACLE_GENERAL_RECORD_BYTES, oracleGeneralRecords, parseCachesimResult, parseShellTimes, runCachesim, writeOracleGeneral } from '../../src/bench/libcachesim';

test('oracleGeneral records: packed little-endian uint32 clock_time = index + 1, uint64 obj_id = page, uint32 obj_size = 4096, int64 next_access_vtime = -1', () => {
  const b = oracleGeneralRecords(new Int32Array([7, 0x12345678, 65536]), 1, 2);
  assert.equal(b.length, 2 * ORACLE_GENERAL_RECORD_BYTES);
  // record of access 1 (page 0x12345678)
  assert.deepEqual([...b.subarray(0, 24)], [2, 0, 0, 0, 0x78, 0x56, 0x34, 0x12, 0, 0, 0, 0, 0, 0x10, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255]);
  // record of access 2 (page 65536)
  assert.equal(b.readUInt32LE(24), 3);
  assert.equal(b.readBigUInt64LE(28), 65536n);
  assert.equal(b.readUInt32LE(36), 4096);
  assert.equal(b.readBigInt64LE(40), -1n);
});

test('writeOracleGeneral: the whole trace, record after record', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gmemlab-lcs-'));
  try {
    const pages = new Int32Array(1000).map((_, i) => (i * 7919) % 1013);
    const path = join(dir, 't.bin');
    await writeOracleGeneral(pages, path);
    const f = readFileSync(path);
    assert.equal(f.length, 1000 * 24);
    assert.equal(f.readBigUInt64LE(999 * 24 + 4), BigInt((999 * 7919) % 1013));
    assert.equal(f.readUInt32LE(999 * 24), 1000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cachesim result line: its request count and miss ratio (the last such line; none → undefined)', () => {
  const out = [
    'pagemix.bin LRU 5544.00 hour: 19958400 requests, miss ratio 0.1448, interval miss ratio 0.1066',
    'pagemix.oracleGeneral.bin LRU cache size     4GiB,         20000000 req, miss ratio 0.1447, throughput 3.49 MQPS',
    '',
  ].join('\n');
  assert.deepEqual(parseCachesimResult(out), { requests: 20_000_000, missRatio: 0.1447 });
  assert.equal(parseCachesimResult('Unable to open trace\n'), undefined);
});

test("shell `times`: the children's user + system seconds from its second line", () => {
  assert.equal(parseShellTimes('0m0.004s 0m0.001s\n0m5.700s 0m0.230s\n'), 5.93);
  assert.equal(parseShellTimes('0m0.004s 0m0.001s\n1m2.500s 0m0.500s'), 63);
  assert.equal(parseShellTimes('garbage'), undefined);
});

test('runCachesim: a binary that fails is an error naming its exit code, not a result', async () => {
  await assert.rejects(runCachesim('/bin/false', '/nonexistent.bin', 10), /cachesim exited 1 without a result line/);
});
