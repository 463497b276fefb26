import type { Command } from '../command';
import { importCommand } from './import';
import { inspectCommand } from './inspect';
import { generateCommand } from './generate';
import { workloadsCommand } from './workloads';

/**
 * The command registry (cli.md §1). Adding a command: a file in this folder exporting a `Command`, one line
 * here, a test in test/cli/.
 */
export const commands: readonly Command[] = [
  importCommand,
  inspectCommand,
  generateCommand,
  workloadsCommand,
];
