/**
 * The bounds checks in front of flechette's flatbuffer readers (src/trace/arrow/flatbuffer-checks.ts): they read
 * what flechette reads on every file gmemlab writes, and no 32-bit word of a footer or a block's metadata, however
 * damaged, makes a read allocate beyond the buffer (one flipped footer byte once took the import out of heap).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arrowMessages } from '../../../src/log/messages/trace';
import { eventsToBatches } from '../../../src/trace/batch';
import { ArrowTraceError, readArrowInfo } from '../../../src/trace/arrow/read';
import { checkMessageBounds, FlatbufferBoundsError, footerMetadata } from '../../../src/trace/arrow/flatbuffer-checks';
import { decodeMessage } from '../../../src/trace/arrow/flechette-internal';
import { ArrowTraceWriter } from '../../../src/trace/arrow/write';
import type { TraceEvent } from '../../../src/trace/event';

const require = createRequire(__filename);
const { decodeMetadata } = require('@uwdata/flechette/src/decode/metadata.js') as { decodeMetadata(buf: Uint8Array, index: number): Map<string, string> | null };
const { readObject } = require('@uwdata/flechette/src/util/read.js') as {
  readObject(buf: Uint8Array, index: number): <T>(index: number, read: (buf: Uint8Array, pos: number) => T, fallback?: T) => T;
};

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-fb-'));
const EVENTS: TraceEvent[] = [
  { op: 'alloc', tNs: 0, agent: 'cpu', va: 0x200000000, bytes: 1 << 21, flags: ['managed'], resource: 'weights' },
  { op: 'access', tNs: 1, agent: 'dev0', va: 0x200000000, bytes: 4096, access: 'r' },
  { op: 'kernelBegin', tNs: 2, agent: 'dev0', durNs: 10, label: 'k' },
  { op: 'free', tNs: 3, agent: 'cpu', va: 0x200000000 },
];

async function written(name: string): Promise<{ path: string; bytes: Buffer; footerAt: number; footerLength: number }> {
  const path = join(dir, name);
  const w = ArrowTraceWriter.open(path);
  for (const b of eventsToBatches(EVENTS, undefined, 2)) await w.write(b);
  await w.finish({ workload: 'fb' }, null);
  const bytes = readFileSync(path);
  const footerLength = bytes.readInt32LE(bytes.length - 10);
  return { path, bytes, footerAt: bytes.length - 10 - footerLength, footerLength };
}

test('footerMetadata reads what flechette reads from a footer gmemlab wrote', async () => {
  const { bytes, footerAt, footerLength } = await written('ok.arrow');
  const footer = bytes.subarray(footerAt, footerAt + footerLength);
  const ours = footerMetadata(footer);
  const theirs = readObject(footer, 0)(12, decodeMetadata, null);
  assert.ok(ours.has('gmemlab.trace') && ours.has('gmemlab.trace_sha256'));
  assert.deepEqual([...ours], [...theirs!]);
});

test('any 32-bit word of the footer set to a huge value is a located arrow.corrupt or not-gmemlab, never a runaway read', async () => {
  const { bytes, footerAt, footerLength } = await written('foot.arrow');
  const p = join(dir, 'foot-damaged.arrow');
  let located = 0;
  for (let at = footerAt; at + 4 <= footerAt + footerLength; at++) {
    const b = Buffer.from(bytes);
    b.writeInt32LE(0x7ffffff0, at);
    writeFileSync(p, b);
    try {
      readArrowInfo(p);
    } catch (e) {
      assert.ok(e instanceof ArrowTraceError, `word at byte ${at}: ${String(e)}`);
      assert.ok([arrowMessages.corrupt.code, arrowMessages.notGmemlab.code].includes(e.diagnostic.code));
      if (/points outside the flatbuffer/.test(e.message)) located++;
    }
  }
  // the metadata list's length, each entry's offsets and string lengths: all caught before a read
  assert.ok(located >= 5, `${located} words caught by the bounds checks`);
});

test('checkMessageBounds lets every block gmemlab wrote through and stops damaged vector lengths before flechette reads them', async () => {
  const { bytes, path } = await written('blocks.arrow');
  const info = readArrowInfo(path);
  assert.ok(info.blocks.length >= 3);
  let refused = 0;
  for (const block of info.blocks) {
    const buf = new Uint8Array(bytes.subarray(block.offset, block.offset + block.length));
    checkMessageBounds(buf);
    assert.ok(decodeMessage(buf, 0));
    const metaEnd = 8 + buf[4]! + (buf[5]! << 8);
    for (let at = 8; at + 4 <= metaEnd; at++) {
      const d = new Uint8Array(buf);
      new DataView(d.buffer).setInt32(at, 0x7ffffff0, true);
      try {
        checkMessageBounds(d);
      } catch (e) {
        assert.ok(e instanceof FlatbufferBoundsError, String(e));
        assert.ok(e.at >= 0 && e.at < d.length, `located inside the block (${e.at})`);
        refused++;
        continue;
      }
      // what the checks let through, flechette decodes without a runaway allocation (an error is fine)
      try {
        decodeMessage(d, 0);
      } catch {
        /* a located arrow.corrupt in read.ts */
      }
    }
  }
  assert.ok(refused > 10, `${refused} damaged words refused`);
});

/** An encapsulated message whose `Message` table has header type `type` and a header offset. */
function message(type: number): Uint8Array {
  const block = new Uint8Array(8 + 28);
  const v = new DataView(block.buffer);
  v.setInt32(0, -1, true); // continuation
  v.setInt32(4, 28, true); // metadata length
  const h = 8;
  v.setInt32(h + 0, 16, true); // root table at 16
  v.setUint16(h + 4, 10, true); // vtable: 10 bytes, table 12 bytes, version absent, type at +4, header at +8
  v.setUint16(h + 6, 12, true);
  v.setUint16(h + 8, 0, true);
  v.setUint16(h + 10, 4, true);
  v.setUint16(h + 12, 8, true);
  v.setInt32(h + 16, 12, true); // the table's vtable is 12 bytes before it
  block[h + 20] = type;
  v.setInt32(h + 24, 4, true); // the header table: 4 bytes further (past the end for a batch)
  return block;
}

test('a message other than a record or dictionary batch is refused; a batch header outside the metadata is located', () => {
  assert.throws(() => checkMessageBounds(message(1)), (e: unknown) => e instanceof FlatbufferBoundsError && /message type 1/.test(e.message) && e.at === 8 + 20);
  assert.throws(() => checkMessageBounds(message(3)), (e: unknown) => e instanceof FlatbufferBoundsError && /points outside/.test(e.message));
});
