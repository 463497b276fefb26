import type { Command } from '../command';
import { benchCommand } from './bench';
import { figuresCommand } from './figures';
import { generateCommand } from './generate';
import { workloadsCommand } from './workloads';
import { formatsCommand } from './formats';
import { importCommand } from './import';
import { inspectCommand } from './inspect';
import { profilesCommand } from './profiles';
import { runCommand } from './run';
import { sweepCommand } from './sweep';
import { sweepTaskCommand } from './sweep-slurm';
import { systemsCommand } from './systems';

/**
 * The command registry (docs/cli.md §1). Adding a command: a file in this folder exporting a `Command`, one line
 * here, a test in test/cli/.
 */
export const commands: readonly Command[] = [
  benchCommand,
  generateCommand,
  workloadsCommand,
  importCommand,
  inspectCommand,
  formatsCommand,
  runCommand,
  profilesCommand,
  systemsCommand,
  sweepCommand,
  sweepTaskCommand,
  figuresCommand,
];
