import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordSplitter, type RecordSink } from '../../../src/trace/canonical-csv/records';

/** A sink that keeps every record as text with its line and flags. */
function collector(): RecordSink & { got: string[] } {
  const got: string[] = [];
  return {
    got,
    fastCount: 0,
    record(buf, s, e, line, quoted, atEof) {
      got.push(`${line}${quoted ? 'q' : ''}${atEof ? 'E' : ''}:${buf.toString('latin1', s, e)}`);
    },
    tooLong(line, buf, s, e) {
      got.push(`${line}:too long, starts ${buf.toString('latin1', s, Math.min(e, s + 8))}`);
    },
    unterminatedQuote(line) {
      got.push(`${line}:unterminated`);
    },
  };
}

function split(chunks: readonly Buffer[], maxLineBytes = 1 << 20): string[] {
  const sink = collector();
  const sp = new RecordSplitter(sink, maxLineBytes);
  for (const c of chunks) sp.push(c);
  sp.end();
  return sink.got;
}

/** Bytes copied by `Buffer.concat` while `f` runs (the splitter's only copying). */
function copiedBytes(f: () => void): number {
  const original = Buffer.concat;
  let copied = 0;
  Buffer.concat = ((list: readonly Uint8Array[], total?: number) => {
    const r = original(list, total);
    copied += r.length;
    return r;
  }) as typeof Buffer.concat;
  try {
    f();
  } finally {
    Buffer.concat = original;
  }
  return copied;
}

test('a record spanning N chunks is assembled with O(N) chunk copies, quoted or not', () => {
  const CHUNK = 4096;
  const N = 200;
  for (const quoted of [false, true]) {
    const body = Buffer.alloc(CHUNK * N, 'a'.charCodeAt(0));
    if (quoted) {
      body[0] = 34; // a quoted field with `""` and line breaks inside, closed at the end
      for (let i = 1000; i < body.length - 1; i += 5000) body[i] = 10;
      for (let i = 3000; i < body.length - 1; i += 7001) (body[i] = 34), (body[i + 1] = 34);
      body[body.length - 1] = 34;
    }
    const input = Buffer.concat([Buffer.from('t_ns,x_pad\n1,'), body, Buffer.from('\n2,b\n')]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < input.length; i += CHUNK) chunks.push(input.subarray(i, i + CHUNK));
    let got: string[] = [];
    const copied = copiedBytes(() => (got = split(chunks)));
    // the joined record once (plus small joins): linear; the old splitter re-joined the carry per chunk (~N²/2 chunks)
    assert.ok(copied <= 2 * input.length, `${quoted ? 'quoted' : 'plain'}: copied ${copied} bytes for a ${input.length}-byte input`);
    const inner = quoted ? body.filter((c) => c === 10).length : 0;
    assert.deepEqual(got, ['1:t_ns,x_pad', `2${quoted ? 'q' : ''}:1,${body.toString('latin1')}`, `${3 + inner}:2,b`]);
  }
});

test('records are the same however the input is cut into chunks (quotes, "" and CRLF across boundaries)', () => {
  const text = 'h1,h2\r\n"a ""x""\nb",2\r\nplain,3\n"",4\n"q""",""\n1,"multi\n\nline"\n"unterminated,5\n';
  const input = Buffer.from(text, 'latin1');
  const whole = split([input]);
  assert.deepEqual(whole, ['1:h1,h2', '2q:"a ""x""\nb",2', '4:plain,3', '5q:"",4', '6q:"q""",""', '7q:1,"multi\n\nline"', '10:unterminated']);
  for (let size = 1; size <= 7; size++) {
    const chunks: Buffer[] = [];
    for (let i = 0; i < input.length; i += size) chunks.push(input.subarray(i, i + size));
    assert.deepEqual(split(chunks), whole, `chunks of ${size} bytes`);
  }
});

test('a record over the limit is reported once from its first line and skipped, in any chunking', () => {
  const input = Buffer.from(`a,b\n${'x'.repeat(100)}\nc,d\n`);
  const expected = ['1:a,b', '2:too long, starts xxxxxxxx', '3:c,d'];
  assert.deepEqual(split([input], 50), expected);
  const chunks: Buffer[] = [];
  for (let i = 0; i < input.length; i += 9) chunks.push(input.subarray(i, i + 9));
  assert.deepEqual(split(chunks, 50), expected);
});
