import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineMessage, escapeControl, formatDiagnostic, formatDiagnosticLine, GmemlabError, quote } from '../../src/log/diagnostic';
import { DiagnosticLog } from '../../src/log/collector';

const demo = defineMessage('demo.bad-size', 'error', 'fix it', (found: string) => ({ message: 'size is not a number', expected: 'a decimal integer', found }));

test('a message factory stamps its code, severity and location', () => {
  const d = demo({ file: 't.csv', line: 3, col: 5, field: 'bytes' }, '"x"');
  assert.deepEqual(d, { code: 'demo.bad-size', severity: 'error', message: 'size is not a number', file: 't.csv', line: 3, col: 5, field: 'bytes', expected: 'a decimal integer', found: '"x"' });
  assert.equal(demo.code, 'demo.bad-size');
  assert.equal(demo.advice, 'fix it');
});

test('formatDiagnostic starts with file:line:col and names field, expected and found', () => {
  const d = demo({ file: 't.csv', line: 3, col: 5, field: 'bytes' }, '"x"');
  assert.equal(formatDiagnostic(d), `t.csv:3:5: size is not a number (field 'bytes', expected a decimal integer, found "x")`);
  assert.equal(new GmemlabError(d).message, formatDiagnostic(d));
});

test('formatDiagnosticLine (what commands print on stderr) leads with severity and code, then file:line:col', () => {
  const d = demo({ file: 'traces/x.csv', line: 12, col: 7, field: 'bytes' }, '"x"');
  assert.equal(formatDiagnosticLine(d), `error [demo.bad-size] traces/x.csv:12:7: size is not a number (field 'bytes', expected a decimal integer, found "x")`);
  const warn = defineMessage('demo.odd', 'warning', 'look', () => ({ message: 'odd row' }));
  assert.equal(formatDiagnosticLine(warn({ file: 't.csv', line: 4 })), 'warning [demo.odd] t.csv:4: odd row', 'the severity is said once, up front');
  assert.equal(formatDiagnosticLine(demo({}, 'x')), 'error [demo.bad-size] argument: size is not a number (expected a decimal integer, found x)');
  assert.equal(formatDiagnosticLine(demo({ file: 'a\u001b[2J.csv' }, 'x')).includes('\u001b'), false, 'control characters are escaped');
});

test('binary locations use @offset and argument problems start with argument:', () => {
  assert.match(formatDiagnostic(demo({ file: 'a.pickle', offset: 17 }, '0x93')), /^a\.pickle:@17: /);
  assert.match(formatDiagnostic(demo({}, 'x')), /^argument: /);
});

test('quote truncates long values so messages stay short', () => {
  assert.equal(quote('a'.repeat(100), 5), JSON.stringify('aaaaa…'));
});

test('DiagnosticLog counts every diagnostic but keeps only the first few per code', () => {
  const log = new DiagnosticLog(2);
  for (let i = 1; i <= 5; i++) log.add(demo({ line: i }, String(i)));
  assert.equal(log.count('demo.bad-size'), 5);
  assert.equal(log.total, 5);
  assert.deepEqual(log.examples().map((d) => d.line), [1, 2]);
  assert.deepEqual(log.countsByCode(), { 'demo.bad-size': 5 });
});

test('escapeControl: C0 (except tab), DEL and C1 become \\xHH, so no escape sequence reaches a terminal', () => {
  assert.equal(escapeControl('a\u001b[2Jb'), 'a\\x1b[2Jb');
  assert.equal(escapeControl('cr\rlf\nnul\u0000del\u007fc1\u009bbell\u0007'), 'cr\\x0dlf\\x0anul\\x00del\\x7fc1\\x9bbell\\x07');
  assert.equal(escapeControl('tab\tand ünïcödé…'), 'tab\tand ünïcödé…');
  assert.equal(escapeControl('line 1\nline\u001b 2\n', true), 'line 1\nline\\x1b 2\n');
});

test('formatDiagnostic escapes control characters in every part: one terminal line, no escape sequence', () => {
  const d = demo({ file: 'evil\u001b]0;title\u0007.csv', line: 2, field: 'x\u009b' }, '"\u001b[2J\r\nfake: ok"');
  const s = formatDiagnostic(d);
  assert.equal(s, `evil\\x1b]0;title\\x07.csv:2: size is not a number (field 'x\\x9b', expected a decimal integer, found "\\x1b[2J\\x0d\\x0afake: ok")`);
  assert.doesNotMatch(s, /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/);
});
