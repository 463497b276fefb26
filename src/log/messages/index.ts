import type { MessageDef } from '../diagnostic';
import { benchMessages } from './bench';
import { cliMessages } from './cli';
import { importerMessages } from './importers';
import { ioMessages } from './io';
import { notebookMessages } from './notebook';
import { workloadMessages } from './workloads';
import { arrowMessages, csvMessages, importMessages, mapMessages, traceMessages } from './trace';

/**
 * Every message factory, by area. docs/errors.md is generated from this catalogue
 * (`npm run docs:errors`); a test checks codes are unique and the doc is current.
 * Adding an area: a file in this folder and one line here.
 */
export const catalogue: Readonly<Record<string, Readonly<Record<string, MessageDef<any>>>>> = {
  cli: cliMessages,
  io: ioMessages,
  notebook: notebookMessages,
  bench: benchMessages,
  workloads: workloadMessages,
  csv: csvMessages,
  trace: traceMessages,
  import: importMessages,
  map: mapMessages,
  arrow: arrowMessages,
  importers: importerMessages,
};
