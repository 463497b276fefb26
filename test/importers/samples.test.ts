import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openInput } from '../../src/io/input';
import { sniffRealFormat } from '../../src/importers/real-formats';
import { detectFormat } from '../../src/importers/index';
import { absent, importWith, sample, timeOrdered } from './helpers';
import { CASES } from './sample-cases';
import { canonicalProblems } from './canonical';

/**
 * Acceptance (issue 6): every trace file under ../shared/trace-samples is recognised by sniffing (`--from
 * auto`: exactly one importer claims it) and imports to EXACT event counts per op, derived by hand from the
 * file (the derivations are written beside each case in sample-cases.ts) and the mapping rules of
 * docs/importers.md, and the rows are valid canonical events (structural rules of docs/trace-formats.md part 1).
 */
for (const c of CASES) {
  const label = `${c.rel}${c.opts ? ` ${JSON.stringify(c.opts)}` : ''}`;
  test(`sample ${label} is sniffed as ${c.format} and imports to the hand-derived counts per op as valid canonical events`, { skip: absent(c.rel) }, async () => {
    const path = sample(c.rel)!;
    const input = await openInput(path);
    const claimed = sniffRealFormat(input.head, path).map((d) => d.name);
    assert.deepEqual(claimed, [c.format], `exactly one importer claims ${c.rel}`);
    const def = detectFormat(input); // what --from auto picks over the whole registry
    assert.equal(def.name, c.format);
    const r = await importWith(def, path, c.opts);
    assert.deepEqual(r.counts, c.counts);
    assert.ok(timeOrdered(r.batches), 'rows are time-ordered');
    assert.deepEqual(canonicalProblems(r.batches), [], 'valid canonical events');
    assert.equal(r.ctx.meta.importer, `${c.format}@${def.version}`);
  });
}
