import { randomBytes } from 'node:crypto';
import { kernelDisplayWriter, type DisplayWriter } from './kernel-display';

/**
 * Progress reporting for long work (imports, sweeps, benchmarks). One API for every context:
 *
 * ```ts
 * const p = progress(rows, 'import trace.csv');
 * for (...) { ...; p.tick(); }      // or p.tick(batch.length)
 * p.done();
 * ```
 *
 * Where it draws (chosen once, when `progress()` is called):
 * - in a notebook (tslab kernel): one output line updated in place (`update_display_data`), HTML `<progress>`
 *   plus a text fallback. Nothing goes to stderr (notebook runs treat stderr as failure) or stdout.
 * - in a terminal (stderr is a TTY): a bar on stderr redrawn in place, ending with a newline.
 * - otherwise (CI logs, pipes): one plain line on stderr at `done()`, plus one every 30 s for long work.
 * `GMEMLAB_PROGRESS=off` (or `0`) disables it; `tty` or `line` forces that mode outside a kernel.
 *
 * Cost: `tick` is an add and a compare; the clock is read only every ~0.5 % of `total` (or every 1024 ticks
 * when the total is unknown), and drawing is throttled by time. A disabled progress is a shared no-op.
 */
export interface Progress {
  /** Count `n` (default 1) more units of work done. */
  tick(n?: number): void;
  /** Finish: draw the final state. Further calls do nothing. */
  done(): void;
}

/** What a sink is asked to draw. */
export interface ProgressState {
  readonly label: string;
  /** Units of work expected; 0 when unknown. */
  readonly total: number;
  readonly count: number;
  readonly elapsedMs: number;
}

/** Draws progress somewhere. `draw` is called throttled; `final` once, from `done()`. */
export interface ProgressSink {
  /** Minimum time between two non-final draws. */
  readonly intervalMs: number;
  draw(state: ProgressState, final: boolean): void;
}

/** Where progress is drawn: notebook output, terminal bar, plain log lines, or nowhere. */
export type ProgressMode = 'notebook' | 'tty' | 'line' | 'off';

/** Options of `progress()`. */
export interface ProgressOptions {
  /** Draw here instead of the automatic choice (tests, custom UIs). */
  readonly sink?: ProgressSink;
  /**
   * A CLI command's output channels (`CommandIO`): outside a kernel, draw on `io.stderr`, as a bar when
   * `io.isTTY`, else as plain lines. Default: the process's stderr.
   */
  readonly io?: { stderr(text: string): void; readonly isTTY: boolean };
  /** Force a mode (default: env `GMEMLAB_PROGRESS`, else automatic). */
  readonly mode?: ProgressMode;
}

const NOOP: Progress = { tick() {}, done() {} };

/** The mode `progress()` would use now. */
export function progressMode(env: NodeJS.ProcessEnv = process.env): ProgressMode {
  const forced = env.GMEMLAB_PROGRESS;
  if (forced === 'off' || forced === '0') return 'off';
  // In a kernel only the notebook form is allowed: stderr output there fails the notebook run, and the
  // variable may have been inherited from whatever started Jupyter.
  if (kernelDisplayWriter()) return 'notebook';
  if (forced === 'tty' || forced === 'line') return forced;
  return process.stderr.isTTY ? 'tty' : 'line';
}

/** Start reporting progress of `total` units (0 or less: unknown total) under `label`. */
export function progress(total: number, label: string, opts: ProgressOptions = {}): Progress {
  let sink = opts.sink;
  if (!sink) {
    const mode = opts.mode ?? progressMode();
    if (mode === 'off') return NOOP;
    const io = opts.io;
    const m = io && mode !== 'notebook' && opts.mode === undefined && process.env.GMEMLAB_PROGRESS === undefined ? (io.isTTY ? 'tty' : 'line') : mode;
    const write = io ? (s: string) => io.stderr(s) : (s: string) => void process.stderr.write(s);
    sink = m === 'notebook' ? notebookSink() : m === 'tty' ? ttySink({ write, columns: process.stderr.columns }) : lineSink(write);
    if (!sink) return NOOP;
  }
  return new Tracker(Number.isFinite(total) && total > 0 ? total : 0, label, sink);
}

class Tracker implements Progress {
  private count = 0;
  private nextCheck: number;
  private readonly step: number;
  private readonly start = Date.now();
  private lastDraw = 0;
  private finished = false;

  constructor(private readonly total: number, private readonly label: string, private readonly sink: ProgressSink) {
    this.step = total > 0 ? Math.max(1, Math.floor(total / 200)) : 1024;
    this.nextCheck = this.step;
    this.sink.draw(this.state(), false);
    this.lastDraw = Date.now();
  }

  tick(n = 1): void {
    this.count += n;
    if (this.count >= this.nextCheck) this.check();
  }

  private check(): void {
    this.nextCheck = this.count + this.step;
    if (this.finished) return;
    const now = Date.now();
    if (now - this.lastDraw < this.sink.intervalMs) return;
    this.lastDraw = now;
    this.sink.draw(this.state(), false);
  }

  done(): void {
    if (this.finished) return;
    this.finished = true;
    this.sink.draw(this.state(), true);
  }

  private state(): ProgressState {
    return { label: this.label, total: this.total, count: this.count, elapsedMs: Date.now() - this.start };
  }
}

// ---- text ------------------------------------------------------------------------------------------------

/** `12.3 s`, `4:05` (m:ss) from milliseconds. */
export function formatElapsed(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s - m * 60)).padStart(2, '0')}`;
}

function fmtCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** One plain line: `label: 450/1,000 (45%) 3.2 s` or, when final, `label: 1,000/1,000 done in 7.1 s`. */
export function progressLine(s: ProgressState, final: boolean): string {
  const counts = s.total > 0 ? `${fmtCount(s.count)}/${fmtCount(s.total)}` : fmtCount(s.count);
  if (final) return `${s.label}: ${counts} done in ${formatElapsed(s.elapsedMs)}`;
  const pct = s.total > 0 ? ` (${Math.min(100, Math.floor((100 * s.count) / s.total))}%)` : '';
  return `${s.label}: ${counts}${pct} ${formatElapsed(s.elapsedMs)}`;
}

/** A text bar `[#####.....]` of `width` cells (`width` ≥ 3). Unknown total: a moving block. */
export function progressBar(s: ProgressState, width: number): string {
  const inner = Math.max(1, width - 2);
  if (s.total <= 0) {
    const pos = Math.floor(s.elapsedMs / 150) % inner;
    return `[${'.'.repeat(pos)}#${'.'.repeat(inner - pos - 1)}]`;
  }
  const filled = Math.min(inner, Math.floor((inner * s.count) / s.total));
  return `[${'#'.repeat(filled)}${'.'.repeat(inner - filled)}]`;
}

/** Estimated time left in ms, or undefined when it cannot be estimated yet. */
export function etaMs(s: ProgressState): number | undefined {
  if (s.total <= 0 || s.count <= 0 || s.count >= s.total) return undefined;
  return (s.elapsedMs * (s.total - s.count)) / s.count;
}

// ---- sinks -----------------------------------------------------------------------------------------------

interface TtyLike {
  write(s: string): unknown;
  readonly columns?: number;
}

/** A bar redrawn in place on a terminal (carriage return + clear to end of line). */
export function ttySink(out: TtyLike): ProgressSink {
  return {
    intervalMs: 100,
    draw(s, final) {
      const text = progressLine(s, final);
      const eta = final ? undefined : etaMs(s);
      const tail = eta === undefined ? '' : ` eta ${formatElapsed(eta)}`;
      const cols = out.columns ?? 80;
      const barWidth = Math.max(10, Math.min(40, cols - text.length - tail.length - 2));
      const line = final ? text : `${progressBar(s, barWidth)} ${text}${tail}`;
      out.write(`\r${line.slice(0, Math.max(1, cols - 1))}\u001b[K${final ? '\n' : ''}`);
    },
  };
}

/** Plain lines for logs: the final line, and one every 30 s while running. */
export function lineSink(write: (s: string) => void, everyMs = 30_000): ProgressSink {
  let first = true;
  return {
    intervalMs: everyMs,
    draw(s, final) {
      if (first && !final) {
        first = false; // the start is not worth a line
        return;
      }
      write(`${progressLine(s, final)}\n`);
    },
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The display bundle of a notebook progress line (HTML `<progress>` + text). */
export function progressBundle(s: ProgressState, final: boolean): Record<string, string> {
  const text = progressLine(s, final);
  const bar = s.total > 0 ? `<progress value="${Math.min(s.count, s.total)}" max="${s.total}" style="width:20em"></progress> ` : '';
  return { 'text/plain': text, 'text/html': `<div class="gmemlab-progress">${bar}<code>${escapeHtml(text)}</code></div>` };
}

/** One notebook output updated in place, or undefined outside a kernel. */
export function notebookSink(write: DisplayWriter | undefined = kernelDisplayWriter()): ProgressSink | undefined {
  if (!write) return undefined;
  const displayId = `gmemlab-progress-${randomBytes(6).toString('hex')}`;
  let started = false;
  return {
    intervalMs: 250,
    draw(s, final) {
      write({ data: progressBundle(s, final), metadata: {}, transient: { display_id: displayId } }, started);
      started = true;
    },
  };
}
