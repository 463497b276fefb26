import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inKernel, kernelDisplayWriter, type DisplayContent } from '../../src/display/kernel-display';
import { PROJECT_ROOT } from '../../src/version';

type Spy = Array<[DisplayContent, boolean]>;

/** Load tslab's jupyter module (as the kernel does) and put a spy where the running cell's writer goes. */
function withTslabWriter(fn: (sent: Spy) => void): void {
  const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
  const sent: Spy = [];
  jupyter.lastWriteDisplayData = (c: DisplayContent, u: boolean) => void sent.push([c, u]);
  try {
    fn(sent);
  } finally {
    jupyter.lastWriteDisplayData = null;
  }
}

test('outside a kernel there is no display writer (and tslab is not loaded to find out)', () => {
  assert.equal(kernelDisplayWriter(), undefined);
  assert.equal(inKernel(), false);
  assert.ok(!Object.keys(require.cache).some((k) => k.includes('/tslab/dist/')));
});

test('inside tslab the writer sends one display message with the whole multi-mime bundle', () => {
  withTslabWriter((sent) => {
    const w = kernelDisplayWriter();
    assert.ok(w);
    assert.equal(inKernel(), true);
    const content = { data: { 'image/png': 'iVBOR', 'image/svg+xml': '<svg/>', 'text/plain': 'chart' }, metadata: { 'image/png': { width: 10, height: 5 } } };
    w(content, false);
    assert.deepEqual(sent, [[content, false]]);
  });
  assert.equal(kernelDisplayWriter(), undefined, 'no writer once the cell is over');
});

test("tslab's public display API goes through the same writer with the same message shape", () => {
  withTslabWriter((sent) => {
    const tslab = require('tslab') as typeof import('tslab');
    tslab.display.text('hello');
    assert.deepEqual(sent, [[{ data: { 'text/plain': 'hello' }, metadata: {}, transient: { display_id: undefined } }, undefined]]);
    const d = tslab.newDisplay();
    d.text('a');
    d.text('b');
    assert.equal(sent[2]![1], true, 'a second write to a display with an id is an update');
    assert.equal(sent[1]![0].transient?.display_id, sent[2]![0].transient?.display_id);
  });
});

test('tslab is pinned exactly to 1.0.22, the version whose internals kernel-display.ts relies on', () => {
  const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
  assert.equal(pkg.devDependencies.tslab, '1.0.22');
  const installed = JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', 'tslab', 'package.json'), 'utf8')) as { version: string };
  assert.equal(installed.version, '1.0.22');
});
