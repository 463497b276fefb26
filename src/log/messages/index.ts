import type { MessageDef } from '../diagnostic';
import { cliMessages } from './cli';
import { ioMessages } from './io';
import { arrowMessages, csvMessages, importMessages, mapMessages, traceMessages } from './trace';
import { workloadMessages } from './workloads';

/**
 * Every message factory, by area. docs/errors.md is generated from this catalogue
 * (`npm run docs:errors`); a test checks codes are unique and the doc is current.
 * Adding an area: a file in this folder and one line here.
 */
export const catalogue: Readonly<Record<string, Readonly<Record<string, MessageDef<any>>>>> = {
  cli: cliMessages,
  io: ioMessages,
  csv: csvMessages,
  trace: traceMessages,
  import: importMessages,
  map: mapMessages,
  arrow: arrowMessages,
  workloads: workloadMessages,
};
