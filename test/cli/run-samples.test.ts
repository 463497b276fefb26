import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../src/cli/main';
import { commands } from '../../src/cli/commands/index';
import { locateTraceSamples } from '../../src/importers/sample-catalogue';
import { capture } from '../helpers/cli';

/**
 * Issue 6 acceptance: every real sample imports with `--from auto` and runs through gmem-linux and uvm on a
 * profile without errors — the real `gmemlab run` command (in-process, the registry of the CLI), JSON output.
 * A sample that is absent is skipped with a one-line reason. Invariant checks after every event (debug mode,
 * on in `npm test`) run on the samples below 1 MB; on the two larger ones they would cost ~25 s of CPU (the
 * invariants are O(units) per event and are tested on hand-made traces in test/systems/).
 */
const DEBUG_LIMIT_BYTES = 1_000_000;

for (const s of locateTraceSamples()) {
  const skip = s.file === null ? `sample ${s.path} absent (../shared/trace-samples not present)` : false;
  test(`gmemlab run ${s.path} --from auto --system gmem-linux,uvm --profile a100-pcie4 exits 0 with both results and no error events`, { skip }, async () => {
    const io = capture();
    const saved = process.env.GMEMLAB_DEBUG;
    if (s.sizeBytes! > DEBUG_LIMIT_BYTES) process.env.GMEMLAB_DEBUG = '0';
    let code: number;
    try {
      code = await main(['run', s.file!, '--from', 'auto', '--system', 'gmem-linux,uvm', '--profile', 'a100-pcie4', '--format', 'json'], io, commands);
    } finally {
      if (saved === undefined) delete process.env.GMEMLAB_DEBUG;
      else process.env.GMEMLAB_DEBUG = saved;
    }
    assert.equal(code, 0, io.err);
    assert.equal(io.err, '', 'nothing on stderr');
    const rows = JSON.parse(io.out) as Array<Record<string, unknown>>;
    assert.deepEqual(rows.map((r) => r.system), ['gmem-linux', 'uvm']);
    for (const r of rows) {
      assert.equal(r.errorEvents, 0, `${r.system}: error events`);
      assert.equal(r.oomEvents, 0, `${r.system}: out-of-memory events`);
      assert.equal(r.events, rows[0]!.events, 'both systems replay the same events');
      assert.ok(typeof r.simTimeNs === 'number' && Number.isFinite(r.simTimeNs) && r.simTimeNs >= 0);
      assert.equal(r.profile, 'a100-pcie4');
    }
  });
}
