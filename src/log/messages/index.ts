import type { MessageDef } from '../diagnostic';
import { cliMessages } from './cli';
import { ioMessages } from './io';
import { sweepMessages } from './sweep';

/**
 * Every message factory, by area. docs/errors.md is generated from this catalogue
 * (`npm run docs:errors`); a test checks codes are unique and the doc is current.
 * Adding an area: a file in this folder and one line here.
 */
export const catalogue: Readonly<Record<string, Readonly<Record<string, MessageDef<any>>>>> = {
  cli: cliMessages,
  io: ioMessages,
  sweep: sweepMessages,
};
