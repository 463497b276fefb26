import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../../src/cli/main';
import { HEADER } from '../../trace/canonical-csv/helpers';
import { capture } from '../../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-cli-inspect-'));

test('inspect prints footprint, op mix, agents, spans and warnings; --json gives the same data', async () => {
  const src = join(dir, 't.csv');
  writeFileSync(src, HEADER + '0,alloc,cpu,0x200000,6291456,,,,device,,,,,,\n5,access,dev1,0x200000,64,rw,,,,,,,,,\n9,release,cpu,0x900000,,,,,,,,,,,\n');
  const io = capture();
  assert.equal(await main(['inspect', src, '--no-cache'], io), 0, io.err);
  assert.match(io.out, /\nfootprint +6 MiB/);
  assert.match(io.out, /\nops +release 1, alloc 1, access 1\n/);
  assert.match(io.out, /\nagents +cpu \(2 events\), dev1 \(1 event\)\n/);
  assert.match(io.out, /\nVA span +0x200000 … 0x900000 \(7 MiB\)\n/);
  assert.match(io.out, /\nwarnings +trace\.free-not-live ×1, trace\.live-at-end ×1\n/);
  assert.match(io.err, /warning \[trace\.free-not-live\] \S*t\.csv:4: event 2: release of an address with no live reservation/);
  const j = capture();
  assert.equal(await main(['inspect', src, '--json', '--no-cache'], j), 0);
  const s = JSON.parse(j.out);
  assert.equal(s.footprintBytes, 6 * 1024 * 1024);
  assert.equal(s.format, 'csv');
  assert.deepEqual(s.warnings, { 'trace.free-not-live': 1, 'trace.live-at-end': 1 }); // the 6 MiB alloc is never freed
});

test('inspect of a missing file exits 2 naming it', async () => {
  const io = capture();
  assert.equal(await main(['inspect', join(dir, 'nope.csv')], io), 2);
  assert.equal(io.err, `error [io.not-found] ${join(dir, 'nope.csv')}: file not found\n`);
});
