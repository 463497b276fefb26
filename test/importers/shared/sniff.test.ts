import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openTrace } from '../../../src/importers/open';
import { headPastPreamble } from '../../../src/importers/shared/sniff';
import { GmemlabError } from '../../../src/log/diagnostic';
import { importMessages } from '../../../src/log/messages/trace';
import { HEADER } from '../../trace/canonical-csv/helpers';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-preamble-'));
const HEAD_BYTES = 64 * 1024; // what openInput reads for sniffing

/** `n` metadata lines of 64 bytes each (`# key_00001=…`): 3,200 lines = 200 KiB. */
function preamble(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += `# key_${String(i).padStart(5, '0')}=${'v'.repeat(51)}\n`;
  return s;
}
const ROWS = '0,alloc,cpu,0x10000,4096,,,,managed,,,,,,\n10,access,dev0,0x10000,4096,r,,,,,,,,,\n';

test('a canonical CSV with a 200 KiB metadata preamble is detected by --from auto and read whole (plain and gzip)', async () => {
  const text = preamble(3200) + HEADER + ROWS;
  assert.equal(preamble(3200).length, 200 * 1024);
  for (const [name, bytes] of [['long.csv', Buffer.from(text)], ['long.csv.gz', gzipSync(text)]] as const) {
    const p = join(dir, name);
    writeFileSync(p, bytes);
    const t = await openTrace(p, { cache: false });
    assert.equal(t.format, 'csv');
    const r = t.read();
    let rows = 0;
    for await (const b of r) rows += b.length;
    assert.equal(rows, 2);
    assert.equal(Object.keys(r.meta).length, 3200);
    assert.equal(r.meta.key_03199, 'v'.repeat(51));
  }
});

test('sniffing past the preamble reads the preamble and one head, not the whole file (bytes counted)', async () => {
  const pre = preamble(3200);
  const body = HEADER + ROWS.repeat(20_000); // ~1.4 MB after the preamble
  const file = Buffer.from(pre + body);
  let consumed = 0;
  const chunks = async function* (): AsyncGenerator<Buffer> {
    for (let i = 0; i < file.length; i += 4096) {
      consumed += Math.min(4096, file.length - i);
      yield file.subarray(i, i + 4096);
    }
  };
  const head = file.subarray(0, HEAD_BYTES);
  const past = await headPastPreamble(head, chunks, 1 << 20);
  assert.ok(past);
  const text = Buffer.from(past).toString('utf8');
  // the first preamble line, then exactly HEAD_BYTES bytes from the header on
  assert.equal(text, `# key_00000=${'v'.repeat(51)}\n` + body.slice(0, HEAD_BYTES));
  assert.ok(consumed <= pre.length + HEAD_BYTES + 4096, `read ${consumed} bytes`);
});

test('past the preamble: an over-long comment line, a preamble to the end of file, or a head that is not a preamble give nothing', async () => {
  const src = (s: string) => async function* (): AsyncGenerator<Buffer> {
    yield Buffer.from(s);
  };
  const long = `# x=${'y'.repeat(100)}\n` + HEADER;
  assert.equal(await headPastPreamble(Buffer.from(long).subarray(0, 50), src(long), 64), undefined, 'line longer than the limit');
  const only = preamble(10);
  assert.equal(await headPastPreamble(Buffer.from(only).subarray(0, 100), src(only), 1 << 20), undefined, 'no header after the preamble');
  const json = '{"traceEvents": []}';
  assert.equal(await headPastPreamble(Buffer.from(json), src(json), 1 << 20), undefined);
  const shortPre = '# a=1\n' + HEADER + ROWS;
  assert.equal(await headPastPreamble(Buffer.from(shortPre), src(shortPre), 1 << 20), undefined, 'the header is inside the head already');
});

test('a foreign CSV behind a long preamble is still "format not recognised", naming its columns and --map', async () => {
  const p = join(dir, 'foreign.csv');
  writeFileSync(p, preamble(1200) + 'time,kind,address,size\n1,malloc,0x10,4\n');
  await assert.rejects(openTrace(p, { cache: false }), (e: unknown) => {
    assert.ok(e instanceof GmemlabError);
    assert.equal(e.diagnostic.code, importMessages.unknownFormat.code);
    assert.match(e.message, /a CSV header \(time, kind, address, size\) without the canonical t_ns and op columns: translate it with --map/);
    return true;
  });
});
