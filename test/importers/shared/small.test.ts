import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitCsvLine } from '../../../src/importers/shared/csv-line';
import { decimalToUnits } from '../../../src/importers/shared/decimal';
import { readLines } from '../../../src/importers/shared/lines';
import { RowCollector } from '../../../src/importers/shared/rows';
import { createImportContext, structural } from '../../../src/importers/shared/context';
import { bytesPerTexel, bytesPerTexelOfName, maxMipLevels, mipChainTexels } from '../../../src/importers/shared/vk-format';
import { StringTable } from '../../../src/trace/strings';
import { batchesToEvents } from '../../../src/trace/batch';
import { Flag, Op } from '../../../src/trace/event';
import { importerMessages } from '../../../src/log/messages/importers';

test('splitCsvLine: RFC 4180 quotes, empty cells, unterminated quote', () => {
  assert.deepEqual(splitCsvLine('"a","b,c",1,,"x""y"'), ['a', 'b,c', '1', '', 'x"y']);
  assert.deepEqual(splitCsvLine('a,'), ['a', '']);
  assert.equal(splitCsvLine('"a,b'), undefined);
  assert.equal(splitCsvLine('"a"x,b'), undefined);
});

test('decimalToUnits converts decimal seconds or µs text exactly, rounding half up', () => {
  assert.equal(decimalToUnits('0.134', 9), 134_000_000n);
  assert.equal(decimalToUnits('2.617', 9), 2_617_000_000n);
  assert.equal(decimalToUnits('4203669603454.206', 3), 4_203_669_603_454_206n);
  assert.equal(decimalToUnits('1.0005', 3), 1001n);
  assert.equal(decimalToUnits('-1', 3), undefined);
  assert.equal(decimalToUnits('1e3', 3), undefined);
});

test('readLines splits LF and CRLF across chunk boundaries and reports line numbers and offsets', async () => {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (const s of ['ab', 'c\r\nd', '\n', '', 'ef']) yield Buffer.from(s);
  }
  const got = [];
  for await (const l of readLines(chunks(), 'f')) got.push([l.text, l.line, l.offset]);
  assert.deepEqual(got, [['abc', 1, 0], ['d', 2, 5], ['ef', 3, 7]]);
  async function* long(): AsyncGenerator<Buffer> {
    yield Buffer.alloc(100, 0x61);
  }
  await assert.rejects(async () => {
    for await (const _l of readLines(long(), 'f', 10)) void _l;
  }, /f:1: malformed line \(expected a line of at most 10 bytes/);
});

test('RowCollector sorts stably by time: equal times keep arrival order, across batch boundaries', () => {
  const rows = new RowCollector(new StringTable(), 2);
  for (const [t, va] of [[5, 1], [1, 2], [5, 3], [0, 4], [1, 5]] as const) {
    rows.builder.addRow(Op.access, t, 1, va, 1);
    rows.flush();
  }
  assert.deepEqual(batchesToEvents([...rows.sorted()]).map((e) => [e.tNs, e.va]), [[0, 4], [1, 2], [1, 5], [5, 1], [5, 3]]);
});

test('RowCollector.setFlags amends a row added earlier, also after its batch was moved aside by flush()', () => {
  const rows = new RowCollector(new StringTable(), 2);
  const refs = [];
  for (const t of [0, 1, 2]) {
    const i = rows.builder.addRow(Op.alloc, t, 1, 0x1000 * (t + 1), 0x1000);
    rows.builder.cols.flags[i] = Flag.device;
    refs.push(rows.ref(i));
    rows.flush(); // the first batch (rows 0 and 1) is full after the second row
  }
  rows.setFlags(refs[0]!, Flag.managed);
  rows.setFlags(refs[2]!, Flag.pinned_host);
  assert.deepEqual(batchesToEvents([...rows.sorted()]).map((e) => e.flags), [['managed'], ['device'], ['pinned_host']]);
});

test('structural problems throw in strict mode and are counted in lenient mode', () => {
  const strict = createImportContext('f');
  assert.throws(() => structural(strict, importerMessages.badField({ file: 'f', line: 3 }, 'x', 'y')), /f:3: bad field value/);
  const lenient = createImportContext('f', { strict: false });
  structural(lenient, importerMessages.badField({ file: 'f', line: 3 }, 'x', 'y'));
  assert.equal(lenient.log.count('importer.bad-field'), 1);
});

test('Vulkan texel sizes by code and by name; mip chains', () => {
  assert.equal(bytesPerTexel(37), 4); // R8G8B8A8_UNORM
  assert.equal(bytesPerTexel(126), 4); // D32_SFLOAT
  assert.equal(bytesPerTexel(131), 0.5); // BC1
  assert.equal(bytesPerTexelOfName('VK_FORMAT_B8G8R8A8_UNORM'), 4);
  assert.equal(bytesPerTexelOfName('VK_FORMAT_D16_UNORM'), 2);
  assert.equal(bytesPerTexelOfName('VK_FORMAT_R32G32B32A32_SFLOAT'), 16);
  assert.equal(bytesPerTexelOfName('VK_FORMAT_A2B10G10R10_UNORM_PACK32'), 4);
  assert.equal(mipChainTexels(4, 4, 1, 3), 16 + 4 + 1);
  // the complete chain: floor(log2(max extent)) + 1 levels (VUID-VkImageCreateInfo-mipLevels-00958)
  assert.equal(maxMipLevels(1, 1, 1), 1);
  assert.equal(maxMipLevels(800, 600, 1), 10); // 800 400 200 100 50 25 12 6 3 1
  assert.equal(maxMipLevels(1, 1, 1024), 11);
  assert.equal(mipChainTexels(8, 2, 1, 4), 16 + 4 + 2 + 1);
  // extents past 2^31 stay exact (a shift would wrap), and a mip count past the chain never loops past it
  assert.equal(mipChainTexels(2 ** 33, 1, 1, 2), 2 ** 33 + 2 ** 32);
  assert.equal(mipChainTexels(4, 4, 1, 2 ** 48), 16 + 4 + 1);
});
