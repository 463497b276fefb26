import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { escapeControl, formatDiagnosticLine, GmemlabError } from '../log/diagnostic';
import { cliMessages } from '../log/messages/cli';
import { removePendingTemporaries } from '../io/atomic';
import { dispatchInterrupt } from './interrupt';
import { oneLineArgError } from '../log/arg-error';
import type { Command, CommandIO } from './command';
import { commands } from './commands/index';
import { VERSION } from '../version';

/**
 * The process-bound IO. Everything a command prints to a terminal passes `escapeControl` (line breaks kept):
 * stderr always (messages, summaries, file names, labels), stdout when it is a terminal (when it is a pipe
 * or a file it carries data, e.g. `--format csv`, byte for byte).
 */
export const processIO: CommandIO = {
  stdout: (s) => void process.stdout.write(process.stdout.isTTY ? escapeControl(s, true) : s),
  stderr: (s) => void process.stderr.write(escapeControl(s, true)),
  isTTY: Boolean(process.stderr.isTTY),
};

function overview(registry: readonly Command[]): string {
  const width = Math.max(...registry.map((c) => c.name.length), 4);
  const lines = registry.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `gmemlab ${VERSION}: trace-driven workbench for accelerator memory management\n\nUsage: gmemlab <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'gmemlab <command> --help' for a command's options.\n`;
}

/**
 * Run the CLI with `argv` (without node and script). Returns the exit code (docs/cli.md §1): 0 ok; 2 bad input or
 * arguments (first stderr line `error [code] file:line:col: message` or `error [code] argument: message`, never a stack trace);
 * 1 internal error (stack trace and a request to report it).
 */
export async function main(argv: readonly string[], io: CommandIO = processIO, registry: readonly Command[] = commands): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const sub = name === 'help' ? registry.find((c) => c.name === rest[0]) : undefined;
    io.stdout(sub ? sub.usage : overview(registry));
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const cmd = registry.find((c) => c.name === name);
  try {
    if (!cmd) throw new GmemlabError(cliMessages.unknownCommand({}, name, registry.map((c) => c.name)));
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout(cmd.usage);
      return 0;
    }
    let parsed;
    try {
      parsed = parseArgs({ args: [...rest], options: cmd.options, allowPositionals: true, strict: true });
    } catch (e) {
      throw new GmemlabError(cliMessages.badArguments({}, cmd.name, oneLineArgError(e)));
    }
    refuseEmptyValues(cmd, parsed.values, parsed.positionals);
    return await cmd.run({ positionals: parsed.positionals, values: parsed.values as never }, io);
  } catch (e) {
    if (e instanceof GmemlabError) {
      io.stderr(`${formatDiagnosticLine(e.diagnostic)}\n`);
      return 2;
    }
    const err = e as Error;
    io.stderr(`gmemlab: internal error: ${err?.stack ?? String(e)}\nThis is a bug in gmemlab; please report it with the command you ran.\n`);
    return 1;
  }
}

/**
 * No option or argument of any command means anything when empty, and an empty path resolves to the current
 * folder: `sweep --backend slurm --dir ""` wrote its sweep directory (specs, rows, job script) into the current
 * folder, `sweep -o ""` dropped the results file unseen and printed to stdout, `run -o ""` was refused as "output
 * path is a folder" under an empty name, and `run ""` said ": file not found". Each is `cli.bad-value` naming the
 * option (or the argument's position).
 */
function refuseEmptyValues(cmd: Command, values: Record<string, unknown>, positionals: readonly string[]): void {
  for (const [name, v] of Object.entries(values)) {
    if (v !== '' && !(Array.isArray(v) && v.includes(''))) continue;
    const short = cmd.options[name]?.short;
    const flag = name.length === 1 ? `-${name}` : short !== undefined ? `--${name} (-${short})` : `--${name}`;
    throw new GmemlabError(cliMessages.badValue({}, flag, 'a non-empty value', ''));
  }
  const k = positionals.indexOf('');
  if (k >= 0) throw new GmemlabError(cliMessages.badValue({}, `${cmd.name} argument ${k + 1}`, 'a non-empty value', ''));
}

/** Entry point used by bin/gmemlab.js. */
export function runCli(): void {
  const onSignal = (sig: NodeJS.Signals): void => {
    if (dispatchInterrupt(sig)) return; // a long command (sweep) stops gracefully and reports what finished
    removePendingTemporaries();
    process.stderr.write(`\ngmemlab: interrupted (${sig}); no partial output was left behind\n`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // the event loop never runs empty while the command works (see exitAfterBackgroundWork)
  const keepAlive = setInterval(() => {}, KEEP_ALIVE_MS);
  main(process.argv.slice(2)).then(
    (code) => exitAfterBackgroundWork(code, onSignal, keepAlive),
    (e) => {
      process.stderr.write(`gmemlab: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
      exitAfterBackgroundWork(1, onSignal, keepAlive);
    },
  );
}

/** Period of the keep-alive timer: it only has to exist (a ref'd handle), never to fire. */
const KEEP_ALIVE_MS = 2 ** 30;

/**
 * End the process with `code` once the command is done (its output is written: stdout and stderr are synchronous
 * for files, pipes and terminals on Linux). Letting Node exit on its own can hang for ever (nodejs/node#54918,
 * Node 20): with the event loop empty the main thread waits for V8's background jobs, and a TurboFan compile job
 * whose allocation needs a garbage collection waits for the main thread to run it. The process then sits with its
 * output complete, deaf to SIGTERM — measured on an Nsight SQLite import: 6 of 60 runs with a natural exit, 5 of
 * 300 with `process.exit` alone (its platform shutdown joins the stuck worker), 0 of 600 with a full collection on
 * the main thread first, which serves any job waiting for one (`--expose-gc` set at run time, as V8 allows; the
 * collection at exit cost nothing measurable). The signal handlers are removed first, so that a process that
 * still got stuck is ended by SIGTERM or Ctrl-C.
 *
 * The same wait happens in the middle of a command whenever the event loop runs empty, since Node drains V8's
 * background jobs each time it does: a command awaiting only V8 work (sql.js's WebAssembly compiled in the
 * background, then tiered up) has no libuv handle, so the loop empties and the main thread blocks in
 * `NodePlatform::DrainTasks` with the header of the output written (about half of the imports of a recorded Nsight
 * export on a loaded machine, 0 with `--no-wasm-tier-up`). A ref'd timer (`keepAlive`, cleared here) keeps the
 * loop from ever running empty while the command works: V8's finished jobs wake it through Node's own async handle.
 */
function exitAfterBackgroundWork(code: number, onSignal: (sig: NodeJS.Signals) => void, keepAlive: NodeJS.Timeout): void {
  clearInterval(keepAlive);
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  process.exit(code);
}
