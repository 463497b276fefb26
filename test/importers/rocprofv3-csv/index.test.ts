import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rocprofv3Importer as def } from '../../../src/importers/rocprofv3-csv/index';
import { events, importWith } from '../helpers';

const dir = mkdtempSync(join(tmpdir(), 'gmemlab-rocprof-'));
const ALLOC = `"Kind","Operation","Agent_Id","Allocation_Size","Address","Correlation_Id","Start_Timestamp","End_Timestamp"
"MEMORY_ALLOCATION","MEMORY_ALLOCATION_ALLOCATE","Agent 2",4096,"0x00007ffb26354000",1,1000,1100
"MEMORY_ALLOCATION","MEMORY_ALLOCATION_ALLOCATE","Agent 0",1024,"0x00007ffb168d6000",2,900,950
"MEMORY_ALLOCATION","MEMORY_ALLOCATION_FREE","",0,"0x00007ffb26354000",7,5000,5100
"MEMORY_ALLOCATION","MEMORY_ALLOCATION_FREE","",0,"0x0000000000001000",8,6000,6100
`;

test('rocprofv3: allocations by agent (agentMap), frees matched by address in time order, unknown frees skipped', async () => {
  const path = join(dir, 'alloc.csv');
  writeFileSync(path, ALLOC);
  const r = await importWith(def, path);
  assert.deepEqual(events(r), [
    { op: 'alloc', tNs: 0, agent: 'cpu', va: 0x7ffb168d6000, bytes: 1024, flags: ['pinned_host'] },
    { op: 'alloc', tNs: 100, agent: 'dev0', va: 0x7ffb26354000, bytes: 4096, flags: ['device'] },
    { op: 'free', tNs: 4100, agent: 'dev0', va: 0x7ffb26354000, bytes: 4096 },
  ]);
  assert.equal(r.ctx.meta.agent_map, '0=cpu,2=dev0');
  assert.equal(r.ctx.log.count('importer.ignored-record'), 1);
  const mapped = await importWith(def, path, { agentMap: '0=cpu:host,2=dev1:managed' });
  assert.deepEqual(events(mapped).map((e) => [e.agent, e.flags]), [['cpu', ['host']], ['dev1', ['managed']], ['dev1', undefined]]);
  await assert.rejects(importWith(def, path, { agentMap: '0=gpu' }), /bad value for rocprofv3-csv option agentMap/);
});

test('rocprofv3: copies have no byte count (size_unknown) and keep their duration as an observation', async () => {
  const path = join(dir, 'copy.csv');
  writeFileSync(path, `"Kind","Direction","Stream_Id","Source_Agent_Id","Destination_Agent_Id","Correlation_Id","Start_Timestamp","End_Timestamp"
"MEMORY_COPY","MEMORY_COPY_DEVICE_TO_HOST",1,2,0,952,2000,2600
`);
  const r = await importWith(def, path);
  assert.deepEqual(events(r), [{ op: 'copy', tNs: 0, agent: 'dev0', target: 'cpu', flags: ['size_unknown'] }]);
  assert.deepEqual(r.ctx.observations.get('copy'), [{ tNs: 0, durNs: 600, direction: 'MEMORY_COPY_DEVICE_TO_HOST', sourceAgentId: 2, destinationAgentId: 0 }]);
});

test('rocprofv3: agent ids are read in both forms rocprofiler-sdk writes ("Agent N" and a bare integer), in both traces', async () => {
  // recent releases write copy agents as "Agent N" (rocm-systems projects/rocprofiler-sdk/source/docs/data/memory_copy_trace.csv)
  const copy = join(dir, 'copy-agents.csv');
  writeFileSync(copy, `"Kind","Direction","Stream_Id","Source_Agent_Id","Destination_Agent_Id","Correlation_Id","Start_Timestamp","End_Timestamp"
"MEMORY_COPY","MEMORY_COPY_HOST_TO_DEVICE",0,"Agent 0","Agent 4",1,1000,1077
"MEMORY_COPY","MEMORY_COPY_DEVICE_TO_HOST",0,4,0,2,2000,2075
`);
  const r = await importWith(def, copy);
  assert.deepEqual(events(r).map((e) => [e.agent, e.target]), [['cpu', 'dev0'], ['dev0', 'cpu']]);
  assert.deepEqual(r.ctx.observations.get('copy')!.map((o) => [o.sourceAgentId, o.destinationAgentId]), [[0, 4], [4, 0]]);
  const alloc = join(dir, 'alloc-int.csv');
  writeFileSync(alloc, ALLOC.replace('"Agent 2"', '2'));
  assert.deepEqual(events(await importWith(def, alloc)), events(await importWith(def, join(dir, 'alloc.csv'))));
  // a bad id names its own field
  writeFileSync(copy, `"Kind","Direction","Source_Agent_Id","Destination_Agent_Id","Start_Timestamp","End_Timestamp"
"MEMORY_COPY","MEMORY_COPY_HOST_TO_DEVICE","Agent 0","GPU 4",1000,1077
`);
  await assert.rejects(importWith(def, copy), /copy-agents\.csv:2: bad field value \(field 'Destination_Agent_Id', expected an agent id: "Agent <n>" or an integer <n>, found "GPU 4"\)/);
});

test('rocprofv3: a header without the needed columns, or a bad cell, is a located error', async () => {
  const path = join(dir, 'bad.csv');
  writeFileSync(path, '"Kind","Operation"\n');
  await assert.rejects(importWith(def, path), /bad\.csv:1:1: the file does not look like a rocprofv3 memory trace CSV/);
  writeFileSync(path, ALLOC.replace('"0x00007ffb168d6000"', '"zz"'));
  await assert.rejects(importWith(def, path), /bad\.csv:3: bad field value \(field 'Address'/);
});
