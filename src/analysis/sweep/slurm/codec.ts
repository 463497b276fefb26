/**
 * Lossless JSON for values that cross the sweep directory (run specs, result rows): plain JSON loses `-0`,
 * `NaN`, `±Infinity` (→ null) and keys whose value is `undefined` (dropped), each of which could change the
 * bytes of a results file. Those values are written as tagged objects `{"$gmemlab": "-0" | "NaN" |
 * "Infinity" | "-Infinity" | "undefined"}` and restored on reading; everything else is ordinary JSON.
 */
const TAG = '$gmemlab';

function special(v: unknown): string | undefined {
  if (v === undefined) return 'undefined';
  if (typeof v !== 'number') return undefined;
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return undefined;
}

/** `JSON.stringify` (2-space indent unless `indent` is 0) keeping -0, NaN, ±Infinity and undefined-valued keys. */
export function encodeJson(value: unknown, indent = 0): string {
  return JSON.stringify(
    value,
    function (this: unknown, key: string, v: unknown) {
      // array holes/undefined inside arrays and object keys holding undefined are both kept
      const s = special(v);
      if (s !== undefined && !(key === '' && v === undefined)) return { [TAG]: s };
      return v;
    },
    indent || undefined,
  );
}

const RESTORE: Record<string, unknown> = { '-0': -0, NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, undefined: undefined };

/** Parse text written by `encodeJson` (throws `SyntaxError` on bad JSON, like `JSON.parse`). */
export function decodeJson(text: string): unknown {
  return restore(JSON.parse(text));
}

function restore(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(restore);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === TAG && typeof o[TAG] === 'string' && o[TAG] in RESTORE) return RESTORE[o[TAG] as string];
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = restore(o[k]);
  return out;
}
