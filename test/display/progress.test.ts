import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  etaMs, formatElapsed, lineSink, notebookSink, progress, progressBar, progressBundle, progressLine, progressMode, ttySink,
  type ProgressSink, type ProgressState,
} from '../../src/display/progress';
import type { DisplayContent } from '../../src/display/kernel-display';

function recorder(intervalMs: number): ProgressSink & { calls: Array<{ count: number; final: boolean }> } {
  const calls: Array<{ count: number; final: boolean }> = [];
  return { intervalMs, calls, draw: (s, final) => void calls.push({ count: s.count, final }) };
}

const state = (count: number, total: number, elapsedMs: number): ProgressState => ({ label: 'import', count, total, elapsedMs });

test('a progress draws its start, throttled updates, and its final state exactly once', () => {
  const sink = recorder(0);
  const p = progress(1000, 'work', { sink });
  for (let i = 0; i < 1000; i++) p.tick();
  p.done();
  p.done();
  p.tick(5);
  assert.deepEqual(sink.calls[0], { count: 0, final: false });
  assert.deepEqual(sink.calls.at(-1), { count: 1000, final: true });
  assert.equal(sink.calls.filter((c) => c.final).length, 1);
  // the clock is consulted every total/200 = 5 ticks, so at most 200 intermediate draws
  assert.equal(sink.calls.length, 1 + 200 + 1);
});

test('updates are throttled by time: a slow sink sees only the start and the end of fast work', () => {
  const sink = recorder(60_000);
  const p = progress(10_000, 'fast', { sink });
  p.tick(10_000);
  p.done();
  assert.deepEqual(sink.calls, [{ count: 0, final: false }, { count: 10_000, final: true }]);
});

test('GMEMLAB_PROGRESS=off gives a no-op progress, and forced modes are honoured', () => {
  assert.equal(progressMode({ GMEMLAB_PROGRESS: 'off' }), 'off');
  assert.equal(progressMode({ GMEMLAB_PROGRESS: '0' }), 'off');
  assert.equal(progressMode({ GMEMLAB_PROGRESS: 'line' }), 'line');
  assert.equal(progressMode({}), process.stderr.isTTY ? 'tty' : 'line', 'outside a kernel: terminal or plain line');
  const writes: string[] = [];
  const orig = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((s: string) => (writes.push(s), true)) as typeof process.stderr.write;
  try {
    const p = progress(10, 'quiet', { mode: 'off' });
    p.tick(10);
    p.done();
  } finally {
    process.stderr.write = orig;
  }
  assert.deepEqual(writes, []);
});

test('text forms: line, bar, elapsed time and estimate', () => {
  assert.equal(progressLine(state(450, 1000, 3200), false), 'import: 450/1,000 (45%) 3.2 s');
  assert.equal(progressLine(state(1000, 1000, 7100), true), 'import: 1,000/1,000 done in 7.1 s');
  assert.equal(progressLine(state(12345, 0, 500), false), 'import: 12,345 0.5 s');
  assert.equal(progressBar(state(5, 10, 0), 12), '[#####.....]');
  assert.equal(progressBar(state(20, 10, 0), 6), '[####]');
  assert.equal(formatElapsed(125_000), '2:05');
  assert.equal(etaMs(state(250, 1000, 1000)), 3000);
  assert.equal(etaMs(state(0, 1000, 1000)), undefined);
});

test('the terminal bar redraws one line in place and ends with a newline', () => {
  let out = '';
  const sink = ttySink({ write: (s: string) => (out += s), columns: 80 });
  sink.draw(state(500, 1000, 2000), false);
  sink.draw(state(1000, 1000, 4000), true);
  const [first, last] = out.split('\r').filter(Boolean);
  assert.match(first!, /^\[#+\.+\] import: 500\/1,000 \(50%\) 2\.0 s eta 2\.0 s\u001b\[K$/);
  assert.equal(last, 'import: 1,000/1,000 done in 4.0 s\u001b[K\n');
});

test('in logs only the final line (and periodic lines for long work) is printed', () => {
  const lines: string[] = [];
  const sink = lineSink((s) => lines.push(s));
  sink.draw(state(0, 10, 0), false);
  sink.draw(state(5, 10, 30_000), false);
  sink.draw(state(10, 10, 60_000), true);
  assert.deepEqual(lines, ['import: 5/10 (50%) 30.0 s\n', 'import: 10/10 done in 1:00\n']);
});

test('in a notebook progress updates one display output in place and writes nothing to stderr or stdout', () => {
  const sent: Array<[DisplayContent, boolean]> = [];
  const sink = notebookSink((c, u) => void sent.push([c, u]))!;
  const writes: string[] = [];
  const origErr = process.stderr.write.bind(process.stderr);
  const origOut = process.stdout.write.bind(process.stdout);
  process.stderr.write = ((s: string) => (writes.push(s), true)) as typeof process.stderr.write;
  process.stdout.write = ((s: string) => (writes.push(s), true)) as typeof process.stdout.write;
  try {
    const p = progress(4, 'sweep', { sink: { ...sink, intervalMs: 0, draw: sink.draw } });
    for (let i = 0; i < 4; i++) p.tick();
    p.done();
  } finally {
    process.stderr.write = origErr;
    process.stdout.write = origOut;
  }
  assert.deepEqual(writes, []);
  assert.equal(sent[0]![1], false, 'the first message creates the output');
  assert.ok(sent.slice(1).every(([, u]) => u), 'later messages update it');
  const ids = new Set(sent.map(([c]) => c.transient?.display_id));
  assert.equal(ids.size, 1);
  assert.match([...ids][0]!, /^gmemlab-progress-[0-9a-f]{12}$/);
  assert.match(sent.at(-1)![0].data['text/plain'] as string, /^sweep: 4\/4 done in \d+\.\d s$/);
});

test('the notebook bundle shows an HTML progress element with an escaped label and a text fallback', () => {
  const b = progressBundle({ label: 'a<b', count: 3, total: 4, elapsedMs: 1000 }, false);
  assert.equal(b['text/plain'], 'a<b: 3/4 (75%) 1.0 s');
  assert.equal(b['text/html'], '<div class="gmemlab-progress"><progress value="3" max="4" style="width:20em"></progress> <code>a&lt;b: 3/4 (75%) 1.0 s</code></div>');
});

test('notebookSink is unavailable outside a kernel', () => {
  assert.equal(notebookSink(undefined), undefined);
});

test("a CLI command's io gets the bar when it is a terminal and a plain final line otherwise", () => {
  let plain = '';
  const p = progress(3, 'import', { io: { stderr: (s) => void (plain += s), isTTY: false } });
  p.tick(3);
  p.done();
  assert.match(plain, /^import: 3\/3 done in \d+\.\d s\n$/);
  let tty = '';
  const q = progress(3, 'import', { io: { stderr: (s) => void (tty += s), isTTY: true } });
  q.tick(3);
  q.done();
  assert.match(tty, /^\r\[\.+\] import: 0\/3 \(0%\)/);
  assert.ok(tty.endsWith('\u001b[K\n'));
});

test('inside a kernel progress always uses the notebook output, even when a terminal mode was inherited', () => {
  const jupyter = require('tslab/dist/jupyter') as { lastWriteDisplayData: unknown };
  jupyter.lastWriteDisplayData = () => {};
  try {
    assert.equal(progressMode({ GMEMLAB_PROGRESS: 'line' }), 'notebook');
    assert.equal(progressMode({ GMEMLAB_PROGRESS: 'tty' }), 'notebook');
    assert.equal(progressMode({ GMEMLAB_PROGRESS: 'off' }), 'off');
  } finally {
    jupyter.lastWriteDisplayData = null;
  }
});
