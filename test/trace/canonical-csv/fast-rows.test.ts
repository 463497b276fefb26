import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Col } from '../../../src/trace/canonical-csv/columns';
import { compileFastRows } from '../../../src/trace/canonical-csv/fast-rows';
import { KeywordTable } from '../../../src/trace/canonical-csv/keywords';
import { readText } from './helpers';

/**
 * Rule (issue 18 item 9, wide CSV): the fast path compiled per header is proportional to the columns that are
 * read, not to the header's width — a run of x_ columns is one loop. (A 1.2 MB header of 100,000 x_ columns
 * used to compile 100,000 field blocks and take 640 MB.)
 */

const tables = { OPS: new KeywordTable([]), ACCESS: new KeywordTable([]), ADVICE: new KeywordTable([]), FLAG_ONE: new KeywordTable([]), HEX: new Int8Array(256) };

/** Header kinds: t_ns, `width` x_ columns, op, `width` x_ columns, va. */
function kinds(width: number): number[] {
  const x = Array.from({ length: width }, () => Col.ignored);
  return [Col.tNs, ...x, Col.op, ...x, Col.va];
}

test('the compiled fast path does not grow with the number of x_ columns', () => {
  const size = (w: number): number => compileFastRows(kinds(w), 44, tables).toString().length;
  const small = size(10);
  const wide = size(100_000);
  // only the run lengths' digits differ (10 → 100000 in two loop bounds and four field-number comments)
  assert.ok(wide - small <= 40, `compiled code: ${small} chars for 2×10 x_ columns, ${wide} for 2×100,000`);
  // a single x_ column between read columns is still one field block (no loop)
  assert.ok(size(1) < small);
});

test('rows of a wide header read the same through the fast path (runs of x_ at the start, middle and end)', async () => {
  const xs = (n: number, p: string): string => Array.from({ length: n }, (_, i) => `x_${p}${i}`).join(',');
  const header = `${xs(300, 'a')},t_ns,op,${xs(2, 'b')},agent,x_c,va,bytes,flags,${xs(500, 'd')}\n`;
  const pad = (n: number, v = ''): string => Array.from({ length: n }, () => v).join(',');
  const text = header +
    `${pad(300, 'q')},0,alloc,${pad(2)},cpu,z,0x1000,4096,managed,${pad(500, '7')}\n` +
    `${pad(300)},5,free,${pad(2, 'r')},cpu,,0x1000,4096,,${pad(500)}\n`;
  const r = await readText(text);
  assert.deepEqual(r.events, [
    { op: 'alloc', tNs: 0, agent: 'cpu', va: 0x1000, bytes: 4096, flags: ['managed'] },
    { op: 'free', tNs: 5, agent: 'cpu', va: 0x1000, bytes: 4096 },
  ]);
  // a row one field short is still reported precisely by the general path
  const short = await readText(text.replace(/,\n$/, '\n'), { strict: false });
  assert.equal(short.events.length, 1);
  assert.equal(short.log.examples()[0]!.code, 'csv.field-count');
});
