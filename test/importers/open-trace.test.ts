import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { commands } from '../../src/cli/commands/index';
import { REAL_IMPORTERS } from '../../src/importers/real-formats';
import { openTrace } from '../../src/importers/open';
import { getImporter } from '../../src/importers/index';
import { GmemlabError } from '../../src/log/diagnostic';
import { absent, sample } from './helpers';
import { CASES } from './sample-cases';
import { capture } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-open-'));

// Through openTrace (what `import`, `inspect` and `run` use): every pass also runs trace-io's semantic
// checker. The shared samples must produce no semantic warning (trace.*) at all, so they simulate cleanly.
// The 54 MB Kineto sample is left to samples.test.ts to keep this file fast.
for (const c of CASES.filter((x) => !x.rel.includes('df_index_resolver') && !(x.format === 'pytorch-snapshot' && x.opts))) {
  const label = `${c.rel}${c.opts ? ` ${JSON.stringify(c.opts)}` : ''}`;
  test(`openTrace --from auto: ${label} has no semantic warnings`, { skip: absent(c.rel) }, async () => {
    const t = await openTrace(sample(c.rel)!, { from: 'auto', cache: false, options: c.opts as never });
    assert.equal(t.format, c.format);
    const reader = t.read();
    let rows = 0;
    for await (const b of reader) rows += b.length;
    assert.equal(rows, Object.values(c.counts).reduce((a, b) => a + b, 0));
    // end-of-trace warnings are the truth for recordings stopped before the program freed its memory
    const atEnd = new Set(['trace.live-at-end', 'trace.kernel-open-at-end']);
    const semantic = Object.keys(reader.log.countsByCode()).filter((k) => k.startsWith('trace.') && !atEnd.has(k));
    assert.deepEqual(semantic, rows === 0 ? ['trace.no-events'] : [], 'only an empty trace warns (the timeline without layout=bump)');
    if ((c.counts as Record<string, number>).alloc === undefined) assert.equal(reader.log.countsByCode()['trace.live-at-end'], undefined, 'no alloc, nothing live at the end');
    assert.equal(reader.meta.importer, `${c.format}@${getImporter(c.format).version}`);
  });
}

test('gmemlab import <sample> --from auto --opt … writes canonical CSV; bad option values list the allowed ones', { skip: absent('vma-recording-csv/vma_replay.csv') }, async () => {
  const out = join(dir, 'vma.csv');
  const io = capture();
  const code = await main(['import', sample('vma-recording-csv/vma_replay.csv')!, '--from', 'auto', '--opt', 'imageSize=skip', '--no-cache', '-o', out], io, commands);
  assert.equal(code, 0, io.err);
  const csv = readFileSync(out, 'utf8');
  assert.match(csv, /^# format=gmemlab-events\n# version=1\n/);
  assert.match(csv, /# importer=vma-recording@1\n/);
  assert.match(csv, /# image_size=skip\n/);
  assert.equal(csv.split('\n').filter((l) => /^\d/.test(l)).length, 15 + 15, 'buffers only: 15 alloc + 15 free');
  const bad = capture();
  assert.equal(await main(['import', sample('vma-recording-csv/vma_replay.csv')!, '--opt', 'imageSize=guess', '--no-cache'], bad, commands), 2);
  assert.match(bad.err, /imageSize/);
  assert.match(bad.err, /estimate, skip/);
});

test('an unrecognised file is "not recognised" with a list of known formats that includes every real format', async () => {
  const p = join(dir, 'mystery.bin');
  writeFileSync(p, Buffer.from([0x00, 0x01, 0x02, 0xfe, 0xff, 0x10, 0x20]));
  await assert.rejects(openTrace(p, { from: 'auto', cache: false }), (e: unknown) => {
    assert.ok(e instanceof GmemlabError);
    for (const d of REAL_IMPORTERS) assert.ok(e.message.includes(d.name), `${d.name} listed in: ${e.message}`);
    return true;
  });
});
