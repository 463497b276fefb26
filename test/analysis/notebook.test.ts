import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { fullScale, show } from '../../src/analysis/notebook';
import { VEGALITE_MIME } from '../../src/analysis/render';
import type { DisplayContent } from '../../src/display/kernel-display';
import { PROJECT_ROOT } from '../../src/version';
import { tempDir } from '../helpers/temp-dir';

const spec: TopLevelSpec = {
  width: 120,
  height: 60,
  data: { values: [{ a: 'x', n: 2 }, { a: 'y', n: 5 }] },
  mark: 'bar',
  encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'n', type: 'quantitative' } },
};

function tmp(): string {
  return tempDir('show');
}

test('outside a kernel show() writes <prefix>-<name>.png and .svg to the figures folder', async () => {
  const dir = tmp();
  await show(spec, { figuresDir: dir, prefix: 'unit', name: 'bars' });
  assert.deepEqual(readdirSync(dir).sort(), ['unit-bars.png', 'unit-bars.svg']);
});

test('without a name, figures are numbered by the count of show() calls in this process', async () => {
  const dir = tmp();
  await show(spec, { figuresDir: dir, prefix: 'unit' });
  const files = readdirSync(dir).sort();
  assert.equal(files.length, 2);
  assert.match(files[0]!, /^unit-fig\d+\.png$/);
});

test('GMEMLAB_FIGURES_DIR and GMEMLAB_NOTEBOOK (set by the notebook runner) choose folder and prefix', async () => {
  const dir = tmp();
  process.env.GMEMLAB_FIGURES_DIR = dir;
  process.env.GMEMLAB_NOTEBOOK = 'tour';
  try {
    await show(spec, { name: 'env' });
  } finally {
    delete process.env.GMEMLAB_FIGURES_DIR;
    delete process.env.GMEMLAB_NOTEBOOK;
  }
  assert.deepEqual(readdirSync(dir).sort(), ['tour-env.png', 'tour-env.svg']);
});

test('a bad figure name is refused before anything is rendered or written', async () => {
  await assert.rejects(show(spec, { figuresDir: tmp(), name: 'a/b' }), /figure name/);
});

test('inside a kernel show() sends exactly one display output with spec, PNG, SVG and text, and writes no file', async () => {
  const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
  const sent: Array<[DisplayContent, boolean]> = [];
  jupyter.lastWriteDisplayData = (c: DisplayContent, u: boolean) => void sent.push([c, u]);
  try {
    await show(spec, { prefix: 'kernel-unit-test', name: 'nofile' });
  } finally {
    jupyter.lastWriteDisplayData = null;
  }
  assert.equal(sent.length, 1);
  const [content, update] = sent[0]!;
  assert.equal(update, false);
  assert.deepEqual(Object.keys(content.data).sort(), ['application/vnd.vegalite.v5+json', 'image/png', 'image/svg+xml', 'text/plain']);
  assert.equal(content.data[VEGALITE_MIME], spec);
  assert.ok(!existsSync(join(PROJECT_ROOT, 'out', 'figures', 'kernel-unit-test-nofile.png')));
});

test('fullScale() follows GMEMLAB_FULL, which `npm start -- --full` sets', () => {
  assert.equal(fullScale({}), false);
  assert.equal(fullScale({ GMEMLAB_FULL: '0' }), false);
  assert.equal(fullScale({ GMEMLAB_FULL: '1' }), true);
});
