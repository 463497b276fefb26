import type { MessageDef } from '../diagnostic';
import { benchMessages } from './bench';
import { cliMessages } from './cli';
import { gmemMessages } from './gmem';
import { importerMessages } from './importers';
import { ioMessages } from './io';
import { notebookMessages } from './notebook';
import { profileMessages } from './profiles';
import { runMessages } from './run';
import { systemsMessages } from './systems';
import { workloadMessages } from './workloads';
import { arrowMessages, csvMessages, importMessages, mapMessages, traceMessages } from './trace';
import { sweepMessages } from './sweep';
import { figureMessages } from './figures';

/**
 * Every message factory, by area. docs/errors.md is generated from this catalogue
 * (`npm run docs:errors`); a test checks codes are unique and the doc is current.
 * Adding an area: a file in this folder and one line here.
 */
export const catalogue: Readonly<Record<string, Readonly<Record<string, MessageDef<any>>>>> = {
  bench: benchMessages,
  cli: cliMessages,
  io: ioMessages,
  notebook: notebookMessages,
  profiles: profileMessages,
  run: runMessages,
  systems: systemsMessages,
  workloads: workloadMessages,
  sweep: sweepMessages,
  csv: csvMessages,
  trace: traceMessages,
  import: importMessages,
  map: mapMessages,
  arrow: arrowMessages,
  importers: importerMessages,
  gmem: gmemMessages,
  figures: figureMessages,
};
