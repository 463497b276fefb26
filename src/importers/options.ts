import { fail } from '../log/diagnostic';
import { importMessages } from '../log/messages/trace';
import type { ParamValue } from '../params';
import { parseQuantity } from '../units';
import type { ImporterDef } from './types';

/**
 * Resolve importer options from user values (CLI `--opt key=value` strings or typed notebook values)
 * against the importer's defaults: unknown keys and values of the wrong type are `import.*` errors.
 * Numbers accept unit suffixes when the option documents a unit (`maxLineBytes=4MiB`).
 */
export function resolveImporterOptions<O extends Record<string, ParamValue>>(
  def: ImporterDef<O>,
  given: Readonly<Record<string, ParamValue>> = {},
  /** The input whose content chose `def` (`--from auto`): an unknown option is then located in that file. */
  detectedIn?: string,
): O {
  const out: Record<string, ParamValue> = { ...def.defaults };
  const known = Object.keys(def.defaults);
  for (const [key, raw] of Object.entries(given)) {
    // own properties only: `constructor`, `__proto__` … are no importer's options
    if (!Object.hasOwn(def.defaults, key)) {
      // detected: the format was read at the start of the file, which is where the mismatch lies
      fail(importMessages.unknownOption(detectedIn === undefined ? {} : { file: detectedIn, offset: 0 }, def.name, key, known, detectedIn !== undefined));
    }
    const dflt = def.defaults[key]!;
    const doc = def.options[key as keyof O & string];
    const text = String(raw);
    let value: ParamValue | undefined;
    if (typeof dflt === 'number') {
      value = typeof raw === 'number' ? raw : doc?.unit === 'bytes' || doc?.unit === 'ns' ? parseQuantity(text, doc.unit) : parseQuantity(text, 'bytes');
      if (value === undefined || !Number.isFinite(value)) fail(importMessages.badOption({}, def.name, key, `a number${doc?.unit ? ` (${doc.unit})` : ''}`, text));
      // a byte count or an address (alignBytes, maxLineBytes, baseVa …) is a whole number ≥ 0: vma-json took
      // `--opt backingBaseVa=-1` and wrote "0x-1" addresses into its output, and `alignBytes=0.5` was taken too
      if (doc?.unit === 'bytes' && !(Number.isSafeInteger(value) && (value as number) >= 0)) fail(importMessages.badOption({}, def.name, key, 'a whole number of bytes ≥ 0 (at most 2^53)', text));
    } else if (typeof dflt === 'boolean') {
      value = typeof raw === 'boolean' ? raw : text === 'true' ? true : text === 'false' ? false : undefined;
      if (value === undefined) fail(importMessages.badOption({}, def.name, key, 'true or false', text));
    } else {
      value = text;
      if (doc?.values && !doc.values.includes(text)) fail(importMessages.badOption({}, def.name, key, `one of ${doc.values.join(', ')}`, text));
    }
    out[key] = value;
  }
  return out as O;
}

/** Parse `key=value` strings (CLI `--opt`). */
export function parseOptionPairs(pairs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) fail(importMessages.badOption({}, 'importer', p, 'key=value', p));
    // defined, not assigned: `--opt __proto__=1` is an own key (then rejected as unknown), not a prototype change
    Object.defineProperty(out, p.slice(0, eq).trim(), { value: p.slice(eq + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
