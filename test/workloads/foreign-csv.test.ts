import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchesToEvents } from '../../src/trace/batch';
import { digestBatches } from '../../src/trace/digest';
import { openTrace } from '../../src/importers/open';
import { summarizeTrace } from '../../src/trace/summary';
import { collectBatches, memoryTrace } from '../../src/trace/trace';
import { MiB } from '../../src/units';
import { foreignCsvWorkload as w } from '../../src/workloads/foreign-csv';
import { workloads } from '../../src/workloads/index';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-foreign-'));
const MAP = join(__dirname, '..', '..', 'datasets', 'maps', 'foreign-csv.map.json');

test('the same seed writes a byte-identical foreign file; another seed a different one', async () => {
  await w.write!(w.defaults, 1, join(dir, 'a.csv'));
  await w.write!(w.defaults, 1, join(dir, 'b.csv'));
  await w.write!(w.defaults, 2, join(dir, 'c.csv'));
  assert.equal(readFileSync(join(dir, 'a.csv'), 'utf8'), readFileSync(join(dir, 'b.csv'), 'utf8'));
  assert.notEqual(readFileSync(join(dir, 'a.csv'), 'utf8'), readFileSync(join(dir, 'c.csv'), 'utf8'));
  assert.equal(workloads['foreign-csv'], w);
});

test('the file is foreign: µs times, page numbers, unit sizes, other names, quoted notes', async () => {
  await w.write!(w.defaults, 0, join(dir, 'f.csv'));
  const lines = readFileSync(join(dir, 'f.csv'), 'utf8').split('\n');
  assert.equal(lines[1], 'ts_us,tid,event,engine,vpn,size,mode,dest,hint,kind,buffer,repeat,compute_us,name,note');
  assert.match(lines[2]!, /^0\.000,4242,MALLOC_MANAGED,CPU,34091302912,8MiB,,,,UM,w0,,,,$/);
  assert.ok(lines.some((l) => /,KERNEL_START,GPU0,.*,"launch, grid=auto"$/.test(l)));
  assert.ok(lines.some((l) => /,TOUCH,GPU0,\d+,64KiB,R,/.test(l)));
});

test('importing it with the bundled map gives exactly the generated events (same digest)', async () => {
  for (const seed of [0, 1, 42]) {
    const p = join(dir, `s${seed}.csv`);
    await w.write!(w.defaults, seed, p);
    const t = await openTrace(p, { map: MAP, cache: false });
    const { batches, reader } = await collectBatches(t);
    const generated = [...w.generate(w.defaults, seed)];
    assert.equal(digestBatches(batches), digestBatches(generated), `seed ${seed}`);
    assert.deepEqual(batchesToEvents(batches).slice(0, 20), batchesToEvents(generated).slice(0, 20));
    assert.deepEqual(reader.log.countsByCode(), {}, 'no warnings: tid and note are listed in ignore');
  }
});

test('the documented footprint (28 MiB) and op mix', async () => {
  const s = await summarizeTrace(memoryTrace('g', [...w.generate(w.defaults, 0)]));
  assert.equal(s.footprintBytes, 28 * MiB);
  assert.deepEqual(Object.keys(s.eventsByOp), ['alloc', 'free', 'access', 'prefetch', 'advise', 'kernel_begin', 'kernel_end', 'marker']);
  assert.equal(s.eventsByOp.kernel_begin, 12);
  assert.deepEqual(s.warnings, {});
  assert.deepEqual(w.meta(w.defaults, 3), { workload: 'foreign-csv', seed: '3', 'param.layers': '3', 'param.layerBytes': String(8 * MiB), 'param.steps': '4' });
});
