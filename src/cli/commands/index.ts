import type { Command } from '../command';
import { profilesCommand } from './profiles';
import { runCommand } from './run';
import { sweepCommand } from './sweep';
import { systemsCommand } from './systems';

/**
 * The command registry (cli.md §1). Adding a command: a file in this folder exporting a `Command`, one line
 * here, a test in test/cli/.
 */
export const commands: readonly Command[] = [runCommand, profilesCommand, systemsCommand, sweepCommand];
