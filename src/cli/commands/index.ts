import type { Command } from '../command';
import { benchCommand } from './bench';
import { generateCommand } from './generate';
import { workloadsCommand } from './workloads';
import { formatsCommand } from './formats';
import { importCommand } from './import';
import { inspectCommand } from './inspect';

/**
 * The command registry (cli.md §1). Adding a command: a file in this folder exporting a `Command`, one line
 * here, a test in test/cli/.
 */
export const commands: readonly Command[] = [
  benchCommand,
  generateCommand,
  workloadsCommand,
  importCommand,
  inspectCommand,
  formatsCommand,
];
