import type { ParseArgsConfig } from 'node:util';

/** Output channels of a command (tests capture them; the CLI binds them to the process). */
export interface CommandIO {
  stdout(text: string): void;
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
