import type { ParseArgsConfig } from 'node:util';

/** Output channels of a command (tests capture them; the CLI binds them to the process). */
export interface CommandIO {
  /** Results. The process binding escapes control characters when stdout is a terminal (main.ts). */
  stdout(text: string): void;
  /**
   * Messages and summaries. The process binding escapes every control character but LF and tab (user text
   * such as file names and labels must not drive the terminal), so terminal controls of gmemlab's own
   * (a progress bar's CR and erase-line) are drawn on `process.stderr` directly (display/progress.ts).
   */
  stderr(text: string): void;
  /** True when stderr is a terminal (progress bars draw only then). */
  readonly isTTY: boolean;
}

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly values: OptionValues;
}

/**
 * One `gmemlab` sub-command (docs/cli.md §1). `run` returns the exit code: 0 ok, 2 bad input/arguments (throw a
 * `GmemlabError` and main prints it), 1 internal error (anything else thrown).
 */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Usage text shown by `--help` (first line: the synopsis). */
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(args: ParsedArgs, io: CommandIO): Promise<number>;
}
