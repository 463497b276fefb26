import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { normalize } from '../../src/run/normalize';
import { resolveImporterOptions, parseOptionPairs } from '../../src/importers/options';
import { getImporter } from '../../src/importers/index';
import { validateMapSpec } from '../../src/trace/map/spec';
import { convertValue } from '../../src/trace/map/convert';
import { MiB } from '../../src/units';
import { capture, code } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

/**
 * Rule (issue 18 item 7): every user-given key — system parameters (`--set`, item syntax), importer options
 * (`--opt`), format names (`--from`), workload parameters, sweep-file keys, `--map` units — is checked against
 * the owner's own keys. Names every JS object inherits (`constructor`, `toString`, `valueOf`,
 * `hasOwnProperty`, `__proto__`) are unknown keys: exit 2 naming the key, never exit 1, never accepted.
 */

const BUILTINS = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'];
const facts = { name: 't', digest: 'd', footprintBytes: 100 * MiB };
const TRACE = 'traces/x97-vecadd.csv.gz';

test('system parameters: built-in names are unknown in --set, <preset>.--set and item syntax', () => {
  for (const k of BUILTINS) {
    assert.equal(code(() => normalize({ system: 'uvm', profile: 'a100-pcie4', set: [`${k}=1`] }, facts)), 'run.set-matches-nothing', `--set ${k}`);
    assert.equal(code(() => normalize({ system: 'uvm', profile: 'a100-pcie4', set: [`uvm.${k}=1`] }, facts)), 'run.unknown-param', `--set uvm.${k}`);
    assert.equal(code(() => normalize({ system: `uvm:${k}=7`, profile: 'a100-pcie4' }, facts)), 'run.unknown-param', `uvm:${k}=7`);
    // the API record form: an own "__proto__" key (as JSON.parse makes it) is a key like any other
    const rec = JSON.parse(`{"${k}": "1"}`) as Record<string, string>;
    assert.equal(code(() => normalize({ system: 'uvm', profile: 'a100-pcie4', set: rec }, facts)), 'run.set-matches-nothing', `set record ${k}`);
  }
  // profile paths: no inherited field either
  assert.equal(code(() => normalize({ system: 'uvm', profile: 'a100-pcie4', set: ['device.constructor=1'] }, facts)), 'profiles.unknown-key');
  // and a real parameter still works
  assert.equal(normalize({ system: 'uvm:batchMax=7', profile: 'a100-pcie4' }, facts)[0]!.params.batchMax, 7);
});

test('importer options and format names: built-in names are unknown, like any other unknown name', () => {
  const csv = getImporter('csv');
  for (const k of BUILTINS) {
    assert.equal(code(() => resolveImporterOptions(csv, parseOptionPairs([`${k}=x`]))), 'import.unknown-option', `--opt ${k}=x`);
    assert.equal(code(() => getImporter(k)), 'import.unsupported-format', `--from ${k}`);
  }
  // `--opt __proto__=1` is an own key of the parsed pairs (it used to vanish into the prototype)
  assert.deepEqual(Object.keys(parseOptionPairs(['__proto__=1', 'sort=true'])), ['__proto__', 'sort']);
  assert.equal(resolveImporterOptions(csv, parseOptionPairs(['sort=true'])).sort, true);
});

test('the CLI exits 2 with a line naming the key for each listed case (the file when its format was detected)', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['run', TRACE, '--no-cache', '--profile', 'a100-pcie4', '--system', 'uvm', '--set', 'constructor=1'], /^error \[[\w.-]+\] argument: --set constructor: none of the selected systems/],
    [['run', TRACE, '--no-cache', '--profile', 'a100-pcie4', '--system', 'uvm:constructor=1'], /^error \[[\w.-]+\] argument: system 'uvm' has no parameter 'constructor'/],
    [['run', TRACE, '--no-cache', '--profile', 'a100-pcie4', '--system', 'uvm:toString=1'], /^error \[[\w.-]+\] argument: system 'uvm' has no parameter 'toString'/],
    [['run', TRACE, '--no-cache', '--profile', 'a100-pcie4', '--system', 'uvm:valueOf=7'], /^error \[[\w.-]+\] argument: system 'uvm' has no parameter 'valueOf'/],
    [['run', TRACE, '--no-cache', '--profile', 'a100-pcie4', '--system', 'uvm:hasOwnProperty=1'], /^error \[[\w.-]+\] argument: system 'uvm' has no parameter 'hasOwnProperty'/],
    [['run', TRACE, '--no-cache', '--profile', 'a100-pcie4', '--system', 'uvm', '--opt', 'constructor=x'], /^error \[[\w.-]+\] traces\/x97-vecadd\.csv\.gz:@0: importer csv \(the format detected from the file's content\) has no option "constructor"/],
    [['run', TRACE, '--no-cache', '--profile', 'a100-pcie4', '--system', 'uvm', '--opt', '__proto__=1'], /^error \[[\w.-]+\] traces\/x97-vecadd\.csv\.gz:@0: importer csv \(the format detected from the file's content\) has no option "__proto__"/],
    [['run', TRACE, '--no-cache', '--profile', 'a100-pcie4', '--system', 'uvm', '--from', 'csv', '--opt', '__proto__=1'], /^error \[[\w.-]+\] argument: importer csv has no option "__proto__"/],
    [['run', TRACE, '--no-cache', '--profile', 'a100-pcie4', '--system', 'uvm', '--from', 'constructor'], /^error \[[\w.-]+\] argument: no importer for format "constructor"/],
    [['import', TRACE, '--no-cache', '--from', 'toString'], /^error \[[\w.-]+\] argument: no importer for format "toString"/],
  ];
  for (const [argv, first] of cases) {
    const io = capture();
    assert.equal(await main(argv, io), 2, `${argv.join(' ')}\n${io.err}`);
    assert.match(io.err, first, argv.join(' '));
  }
});

test('workload parameters: built-in names are unknown (--set __proto__=1 is no longer silently dropped)', async () => {
  const dir = tempDir('builtin-keys');
  for (const k of BUILTINS) {
    const io = capture();
    assert.equal(await main(['generate', 'ml-train', '--set', `${k}=1`, '-o', join(dir, `${k}.csv`)], io), 2, `${k}: ${io.err}`);
    assert.match(io.err, new RegExp(`has no parameter "${k}"`));
  }
  // a key named like the parser's own failure marker is a key too
  const io = capture();
  assert.equal(await main(['generate', 'ml-train', '--set', 'bad=1', '-o', join(dir, 'bad.csv')], io), 2);
  assert.match(io.err, /has no parameter "bad"/);
});

test('sweep files: built-in names in set, grid, scale and at the top level are exit 2', async () => {
  const dir = tempDir('builtin-keys');
  const base = '"traces":[{"workload":"rodinia-bfs"}],"systems":["uvm"],"profiles":["a100-pcie4"]';
  const bodies: Array<[string, RegExp]> = [
    ['"set":{"constructor":1}', /parameter 'constructor'/],
    ['"set":{"__proto__":1}', /parameter '__proto__'/],
    ['"set":{"toString":"1"}', /parameter 'toString'/],
    ['"set":{"uvm.valueOf":"7"}', /no parameter 'valueOf'/],
    ['"grid":{"hasOwnProperty":[1,2]}', /parameter 'hasOwnProperty'/],
    ['"grid":{"__proto__":[1,2]}', /parameter '__proto__'/],
    ['"scale":{"__proto__":[1,2]}', /field 'scale.__proto__'/],
    ['"__proto__":{"x":1}', /unknown field '__proto__'/],
  ];
  for (const [i, [body, msg]] of bodies.entries()) {
    const file = join(dir, `s${i}.json`);
    writeFileSync(file, `{${base},${body}}`);
    const io = capture();
    assert.equal(await main(['sweep', file, '--dry-run'], io), 2, `${body}: ${io.err}`);
    assert.match(io.err, msg, body);
  }
});

test('--map units are own keys: "constructor" is no unit, in the spec or as a suffix in a cell', () => {
  assert.equal(code(() => validateMapSpec({ columns: { t_ns: { from: 'ts', unit: 'constructor' }, op: 'ev' } })), 'map.bad-spec');
  assert.equal(code(() => validateMapSpec({ columns: { t_ns: 'ts', op: 'ev', bytes: { from: 'b', unit: 'toString' } } })), 'map.bad-spec');
  const auto = { from: 'ts', unit: 'auto' };
  assert.ok('error' in convertValue('5constructor', 'time', auto, [], 't_ns', {}));
  assert.ok('error' in convertValue('4constructor', 'size', auto, [], 'bytes', {}));
  assert.deepEqual(convertValue('4KiB', 'size', auto, [], 'bytes', {}), { text: '4096' });
  // flags: a token equal to an inherited name is not a whole-value rename
  assert.deepEqual(convertValue('constructor|managed', 'text', { from: 'f', values: { managed: 'managed' } }, [], 'flags', {}), { text: 'constructor|managed' });
});
