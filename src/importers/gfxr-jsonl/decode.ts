import { fail, type Location } from '../../log/diagnostic';
import { importerMessages } from '../../log/messages/importers';
import type { InputFile } from '../../io/input';
import type { ImportContext } from '../types';
import { structural } from '../shared/context';
import { isRecord, show } from '../shared/fields';
import { parseJsonAt } from '../shared/json-scan';
import { readLines } from '../shared/lines';

/**
 * Reading GFXReconstruct JSON Lines records (`gfxrecon-convert <file>`, docs/trace-formats.md H): line
 * scanning, the header, the call records (`function` key of current converters, `vkFunc` of converters up to
 * 0.9.x) and the decoding of their arguments (handles, sizes, flags, nested structs and arrays).
 */

/** A call's decoded `args` object. */
export type Args = Record<string, unknown>;

/** Receives every successful Vulkan call, in file order. */
export interface CallSink {
  call(name: string, args: Args, t: number, where: Location): void;
  /** A `{"meta": {"name", "args"}}` block (GFXReconstruct meta command); true when the sink used it. */
  meta?(name: string, args: Args, where: Location): boolean;
}

/** What `readCalls` saw besides the calls it handed on. */
export interface CallCounts {
  /** Call records (successful or not). */
  readonly calls: number;
  /** Memory calls whose return was not VK_SUCCESS (skipped). */
  readonly failed: number;
  /** Annotation/meta/method blocks the sink did not use (skipped). */
  readonly other: number;
}

/**
 * Scan the records of `input`: the first line must be the `{"header": …}` record (its versions go to
 * `ctx.meta`); every later call record whose `return` is VK_SUCCESS (or absent) is handed to `sink` with
 * `t_ns = index × nsPerIndex`. Calls whose `return` is not VK_SUCCESS are skipped. Meta blocks go to
 * `sink.meta` (they need no index).
 */
export async function readCalls(input: InputFile, ctx: ImportContext, nsPerIndex: number, sink: CallSink): Promise<CallCounts> {
  let sawHeader = false;
  let calls = 0;
  let failed = 0;
  let other = 0;
  for await (const l of readLines(input.chunks(), ctx.file)) {
    if (l.text.trim() === '') continue;
    const where: Location = { file: ctx.file, line: l.line };
    const v = parseJsonAt(l.text, ctx.file, { line: l.line, col: 1, offset: l.offset });
    if (!isRecord(v)) {
      structural(ctx, importerMessages.syntax({ ...where, col: 1 }, 'JSON Lines record', 'an object per line', show(v)));
      continue;
    }
    if (!sawHeader) {
      if (!isRecord(v.header)) fail(importerMessages.notThisFormat({ ...where, col: 1 }, 'GFXReconstruct JSON Lines', 'a first line {"header": {...}}', JSON.stringify(l.text.slice(0, 40))));
      sawHeader = true;
      const h = v.header as Record<string, unknown>;
      if (typeof h['gfxrecon-version'] === 'string') ctx.meta.gfxrecon_version = h['gfxrecon-version'];
      if (typeof h['json-version'] === 'string') ctx.meta.json_version = h['json-version'];
      continue;
    }
    const call = isRecord(v.function) ? v.function : isRecord(v.vkFunc) ? v.vkFunc : undefined;
    if (!call) {
      const meta = isRecord(v.meta) ? v.meta : undefined;
      if (!(meta && typeof meta.name === 'string' && sink.meta?.(meta.name, isRecord(meta.args) ? meta.args : {}, where))) other++;
      continue;
    }
    const index = v.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index * nsPerIndex >= 2 ** 53) {
      structural(ctx, importerMessages.badField({ ...where, field: 'index' }, 'a call index >= 0', show(index)));
      continue;
    }
    const name = call.name;
    if (typeof name !== 'string') {
      structural(ctx, importerMessages.badField({ ...where, field: 'name' }, 'a function name', show(name)));
      continue;
    }
    calls++;
    const ret = call.return;
    if (ret !== undefined && ret !== 'VK_SUCCESS' && ret !== 0 && typeof ret !== 'object') {
      if (name === 'vkAllocateMemory' || name.startsWith('vkBind') || name === 'vkCreateBuffer' || name === 'vkCreateImage' || name.startsWith('vkMapMemory') || name === 'vkQueueBindSparse') failed++;
      continue;
    }
    const args = isRecord(call.args) ? call.args : {};
    sink.call(name, args, Math.round(index * nsPerIndex), where);
  }
  if (!sawHeader) fail(importerMessages.unexpectedEnd({ file: ctx.file, line: 1 }, 'a {"header": …} line'));
  return { calls, failed, other };
}

// ---- argument decoding ----------------------------------------------------------------------------------

export const WHOLE = 2 ** 53; // VK_WHOLE_SIZE and other sizes beyond 2^53 read as "the rest"

export function rec(v: unknown): Record<string, unknown> | undefined {
  return isRecord(v) ? v : undefined;
}

export function list(v: unknown): Array<Record<string, unknown>> {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

export function isSize(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 2 ** 53;
}

/** A handle as a string id, or undefined for null handles (0, null, "0x0", VK_NULL_HANDLE). */
export function handle(v: unknown): string | undefined {
  if (typeof v === 'number') return v === 0 ? undefined : String(v);
  if (typeof v === 'string') {
    if (v === '' || v === 'VK_NULL_HANDLE' || /^0x0+$/i.test(v) || v === '0') return undefined;
    return /^0x[0-9a-f]+$/i.test(v) ? String(BigInt(v)) : v;
  }
  return undefined;
}

/** A flag field given as a number or (with --expand-flags) as `A_BIT | B_BIT` text. */
export function hasBit(v: unknown, bit: number, name: string): boolean {
  if (typeof v === 'number') return (v & bit) !== 0;
  if (typeof v === 'string') return v.includes(name);
  return false;
}
