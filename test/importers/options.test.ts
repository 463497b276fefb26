import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveImporterOptions } from '../../src/importers/options';
import { vmaJsonImporter } from '../../src/importers/vma-json/index';
import { csvImporter } from '../../src/importers/canonical-csv/index';
import { importMessages } from '../../src/log/messages/trace';
import { throwsWith } from '../helpers/diagnostic';
import { GmemlabError } from '../../src/log/diagnostic';
import { createImportContext } from '../../src/importers/shared/context';

test('a byte option (an address, an alignment, a limit) is a whole number of bytes ≥ 0, with units', () => {
  assert.equal(resolveImporterOptions(vmaJsonImporter, { backingBaseVa: '0', alignBytes: '4KiB' }).alignBytes, 4096);
  assert.equal(resolveImporterOptions(vmaJsonImporter, { backingBaseVa: '0' }).backingBaseVa, 0);
  assert.equal(resolveImporterOptions(csvImporter, { maxLineBytes: '1.5KiB' }).maxLineBytes, 1536);
  // vma-json took backingBaseVa=-1 and wrote "0x-1" addresses into its canonical output (exit 0)
  for (const [key, text] of [['backingBaseVa', '-1'], ['alignBytes', '0.5'], ['reserveBaseVa', '1e300'], ['backingBaseVa', String(2 ** 53)]]) {
    throwsWith(() => resolveImporterOptions(vmaJsonImporter, { [key!]: text! }), { code: importMessages.badOption.code, expected: 'a whole number of bytes ≥ 0 (at most 2^53)', found: `"${text}"` });
  }
  throwsWith(() => resolveImporterOptions(csvImporter, { maxLineBytes: '-1' }), { code: importMessages.badOption.code, message: 'bad value for option "maxLineBytes" of importer csv' });
});

test('csv: maxLineBytes 0 is an option error, not "line longer than the reader limit" at line 1 of the file', async () => {
  const ctx = createImportContext('t.csv', { strict: true });
  const input = { path: 't.csv', sizeBytes: 0, gzip: false, head: new Uint8Array(), chunks: async function* () {} };
  const read = async (): Promise<void> => {
    for await (const _ of csvImporter.read(input, { ...csvImporter.defaults, maxLineBytes: 0 }, ctx)) void _;
  };
  await assert.rejects(read(), (e: unknown) => e instanceof GmemlabError && e.diagnostic.code === importMessages.badOption.code && e.diagnostic.found === '"0"' && e.diagnostic.file === undefined);
});
