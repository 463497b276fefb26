import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { locateTraceSamples, TRACE_SAMPLES, traceSamplesRoot } from '../../src/importers/sample-catalogue';
import { tempDir } from '../helpers/temp-dir';
import { CASES } from './sample-cases';

test('the catalogue lists exactly the samples of the acceptance list, once each', () => {
  const accepted = [...new Set(CASES.map((c) => c.rel))].sort();
  assert.deepEqual(TRACE_SAMPLES.map((s) => s.path).sort(), accepted);
  for (const s of TRACE_SAMPLES) assert.equal(s.format, CASES.find((c) => c.rel === s.path)!.format, s.path);
});

test('the samples folder is ../shared/trace-samples beside the project, or GMEMLAB_TRACE_SAMPLES (relative to the project root)', () => {
  assert.equal(traceSamplesRoot({}, '/w/proj'), '/w/shared/trace-samples');
  assert.equal(traceSamplesRoot({ GMEMLAB_TRACE_SAMPLES: '/data/s' }, '/w/proj'), '/data/s');
  assert.equal(traceSamplesRoot({ GMEMLAB_TRACE_SAMPLES: 'empty' }, '/w/proj'), '/w/proj/empty');
});

test('absent samples are located as null, present ones with their size; a missing folder is all absent', () => {
  const root = tempDir('samples');
  assert.ok(locateTraceSamples(join(root, 'nothing-here')).every((s) => s.file === null && s.sizeBytes === null));
  mkdirSync(join(root, 'rocprofv3-csv'));
  writeFileSync(join(root, 'rocprofv3-csv', 'memory_copy_trace.csv'), 'abc');
  const located = locateTraceSamples(root);
  const present = located.filter((s) => s.file !== null);
  assert.deepEqual(present.map((s) => [s.path, s.sizeBytes]), [['rocprofv3-csv/memory_copy_trace.csv', 3]]);
  assert.equal(located.length, TRACE_SAMPLES.length);
});
