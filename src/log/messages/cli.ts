import { defineMessage } from '../diagnostic';

/** Messages about command-line arguments (no file: printed as `argument: …`). */
export const cliMessages = {
  unknownCommand: defineMessage('cli.unknown-command', 'error', 'Run `gmemlab --help` for the list of commands.', (name: string, known: readonly string[]) => ({
    message: `unknown command '${name}'; known commands are ${known.join(', ')}`,
  })),
  badArguments: defineMessage('cli.bad-arguments', 'error', 'Run `gmemlab <command> --help` for its usage.', (command: string, reason: string) => ({
    message: `${command}: ${reason}`,
  })),
  missingArgument: defineMessage('cli.missing-argument', 'error', 'Run `gmemlab <command> --help` for its usage.', (command: string, what: string) => ({
    message: `${command}: missing ${what}`,
  })),
  badValue: defineMessage('cli.bad-value', 'error', 'Use a value of the expected form.', (flag: string, expected: string, found: string) => ({
    message: `bad value for ${flag}`,
    expected,
    found: JSON.stringify(found),
  })),
} as const;
