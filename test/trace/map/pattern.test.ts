import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapMessages } from '../../../src/log/messages/trace';
import { convertValue } from '../../../src/trace/map/convert';
import { LinearPattern, MAX_CELL_CHARS, MAX_PROGRAM, PatternError } from '../../../src/trace/map/pattern';
import { loadMapSpec } from '../../../src/trace/map/spec';
import { throwsWith } from '../../helpers/diagnostic';
import { tempDir } from '../../helpers/temp-dir';

/**
 * Rules (issue 18 item 9, `--map` patterns): `replace` patterns run in time linear in the cell — work is
 * bounded by (cell length + 1) × program size × 2 steps whatever the pattern — with JavaScript's
 * `String.replace` results; what the engine cannot run linearly (backreferences, lookarounds) is refused
 * when the map is loaded, naming the map file, line and key.
 */

/** The work bound of one match: every position adds each instruction at most once (two pushes per split). */
const bound = (p: LinearPattern, s: string): number => 2 * (s.length + 1) * (p.size + 1);

test('catastrophic patterns cost linear work: ^(a+)+$ on 35 a\'s and a "!"', () => {
  const cell = `${'a'.repeat(35)}!`;
  // expected results by hand (V8's own engine takes minutes on these, and on `(a|a)*$` returns no match)
  const expected: Array<[string, string]> = [
    ['^(a+)+$', cell], // no match: the "!" is not an a
    ['(a|a)*$', `${cell}X`], // the empty match at the end
    ['(a*)*b', cell],
    ['^(a|aa)+$', cell],
    ['(x+x+)+y', cell],
    ['^(\\w+\\s?)*$', cell],
    ['(.*a){12}', 'X!'], // greedy: all 35 a's
  ];
  for (const [src, want] of expected) {
    const p = new LinearPattern(src);
    assert.equal(p.replaceFirst(cell, 'X'), want, src);
    assert.ok(p.lastSteps <= bound(p, cell), `${src}: ${p.lastSteps} steps > ${bound(p, cell)}`);
  }
  // 10× the cell, ~10× the work (no exponential or polynomial growth)
  const p = new LinearPattern('^(a+)+$');
  p.replaceFirst(`${'a'.repeat(35)}!`, 'X');
  const short = p.lastSteps;
  p.replaceFirst(`${'a'.repeat(350)}!`, 'X');
  assert.ok(p.lastSteps <= 11 * short, `${short} steps for 36 characters, ${p.lastSteps} for 351`);
  assert.equal(p.replaceFirst('a'.repeat(35), 'X'), 'X');
});

test('the patterns users rely on give the same results as JavaScript (docs/import.md, datasets/maps)', () => {
  const cases: Array<[string, string, string[]]> = [
    ['^GPU(\\d+)$', 'dev$1', ['GPU0', 'GPU12', 'CPU', 'xGPU1']],
    ['^cuda:(\\d+)$', 'dev$1', ['cuda:0', 'cuda:', 'cpu']],
    ['^(segment_alloc|segment_free|malloc|free|use)$', '', ['malloc', 'use', 'prefetch', 'segment_free']],
    ['(?<unit>[KMG])i?B$', '$<unit>iB', ['64KB', '2MiB', '1GB', '12']],
    ['\\s+', ' ', ['a  b', 'a\tb', 'ab']],
    ['^0x0*', '0x', ['0x0000ff', '0xff', 'ff']],
    ['[._-]', '', ['a.b', 'a_b-c', 'ab']],
    ['(a)|b', '[$1|$&|$`|$\'|$$]', ['xbay', 'abc', 'zz']],
  ];
  for (const [src, to, inputs] of cases) {
    const p = new LinearPattern(src);
    for (const s of inputs) assert.equal(p.replaceFirst(s, to), s.replace(new RegExp(src), to), `${src} on ${JSON.stringify(s)}`);
  }
});

test('seeded random patterns (groups in loops, empty alternatives, lazy and counted repeats) agree with RegExp', () => {
  let seed = 18;
  const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
  const atoms = ['a', 'b', '', 'a?', 'b*', '(a)', '(b)', '(a*)', '()', '.', '[ab]', '\\b', '^', '$'];
  const gen = (d: number): string => {
    const k = rnd(d > 3 ? 2 : 6);
    if (k <= 1) return atoms[rnd(atoms.length)]!;
    if (k === 2) return gen(d + 1) + gen(d + 1);
    if (k === 3) return `(${gen(d + 1)}|${gen(d + 1)})`;
    if (k === 4) return `(?:${gen(d + 1)})`;
    return `(?:${gen(d + 1)})${['*', '+', '?', '{0,2}', '{2}', '*?', '+?', '{1,3}?'][rnd(8)]}`;
  };
  let compared = 0;
  for (let t = 0; t < 2000; t++) {
    const src = gen(0);
    const p = new LinearPattern(src);
    const re = new RegExp(src);
    for (let k = 0; k < 5; k++) {
      let s = '';
      for (let j = rnd(6); j > 0; j--) s += 'ab '[rnd(3)];
      const to = '<$&|$1|$2|$3>';
      assert.equal(p.replaceFirst(s, to), s.replace(re, to), `${src} on ${JSON.stringify(s)}`);
      compared++;
    }
  }
  assert.equal(compared, 10_000);
});

test('what cannot run in linear time, or is outside the subset, is refused with the reason', () => {
  const refused: Array<[string, RegExp]> = [
    ['(a)\\1', /backreferences/],
    ['(?<x>a)\\k<x>', /backreferences/],
    ['a(?=b)', /lookarounds/],
    ['a(?!b)', /lookarounds/],
    ['(?<=a)b', /lookarounds/],
    ['(?<!a)b', /lookarounds/],
    ['\\p{L}', /unsupported escape \\p/],
    ['a{', /not a quantifier/],
    ['a{1000}', /bounds above/],
    ['((a{0,100}){0,100}){0,100}', new RegExp(`over ${MAX_PROGRAM} instructions`)],
    ['(a', /unterminated group/],
    ['*a', /nothing to repeat/],
  ];
  for (const [src, why] of refused) {
    assert.throws(() => new LinearPattern(src), (e: unknown) => e instanceof PatternError && why.test(e.message), src);
  }
});

test('a refused pattern in a map file is map.bad-spec naming the file, the line and the key', () => {
  const dir = tempDir('map-pattern');
  const file = join(dir, 'm.json');
  writeFileSync(file, '{\n  "columns": {\n    "t_ns": "ts",\n    "op": "ev",\n    "agent": { "from": "who",\n      "replace": [["^GPU(\\\\d+)$", "dev$1"], ["(a)(?=b)", "x"]] }\n  }\n}\n');
  const d = throwsWith(() => loadMapSpec(file), { code: mapMessages.badSpec.code, file, line: 6, field: 'columns.agent.replace' });
  assert.match(d.found!, /lookarounds/);
  // the accepted patterns of the bundled maps still load
  assert.equal(loadMapSpec('datasets/maps/foreign-csv.map.json').columns.find((c) => c.column === 'agent')!.replace.length, 1);
});

test(`a cell over ${MAX_CELL_CHARS} characters is not matched: a conversion error, not unbounded work`, () => {
  const p = new LinearPattern('^(a+)+$');
  const rule = { from: 'who', replace: [['^(a+)+$', 'x']] as [string, string][] };
  assert.deepEqual(convertValue('a'.repeat(MAX_CELL_CHARS), 'text', rule, [[p, 'x']], 'label', {}), { text: 'x' });
  assert.ok('error' in convertValue('a'.repeat(MAX_CELL_CHARS + 1), 'text', rule, [[p, 'x']], 'label', {}));
  // columns without patterns are not limited
  assert.deepEqual(convertValue('a'.repeat(MAX_CELL_CHARS + 1), 'text', { from: 'who' }, [], 'label', {}), { text: 'a'.repeat(MAX_CELL_CHARS + 1) });
});
