import { fail } from '../log/diagnostic';
import { runMessages } from '../log/messages/run';
import type { FieldValue } from '../profiles/resolve';
import type { ParamValue } from '../params';
import type { OversubBasis } from '../sim/run-types';

/** The `--oversub-basis` values (docs/cli.md §3). */
export const OVERSUB_BASES: readonly OversubBasis[] = ['touched', 'allocated'];

/**
 * The run specification as users write it (docs/cli.md §2–§3), before resolution (normalize.ts):
 * `--system` items, `--set` entries, `--profile`, `--oversub`, `--seed`. The same shape serves the API:
 *
 * ```ts
 * await compare(trace, { systems: ['gmem-linux', 'gmem-paper:mode=share'], profile: 'a100-pcie4',
 *                        set: { 'device.memory.capacityBytes': '8GiB', victim: 'fifo' }, oversub: 1.5, seed: 1 });
 * ```
 * `set` values may be typed (numbers in base units, booleans) or text parsed like the CLI (`80GB`, `45us`).
 */
export interface RunSpec {
  /** One `--system` item or a comma list of items; `systems` is the same as an array. */
  readonly system?: string;
  readonly systems?: string | readonly string[];
  /** Platform preset; optional when every selected preset has a default platform (gmem-paper → x97-sim). */
  readonly profile?: string;
  /** `--set` entries: a record, or CLI texts `key=value` in order (later wins). */
  readonly set?: Readonly<Record<string, ParamValue | FieldValue>> | readonly string[];
  /**
   * Device capacity = floor(footprint / oversub) (docs/cli.md §3): of the touched footprint rounded down to
   * 4 KiB (default basis), or of the allocated footprint rounded down to 2 MiB (`oversubBasis: 'allocated'`).
   */
  readonly oversub?: number | null;
  /** What `oversub` divides: `touched` (default) or `allocated`. */
  readonly oversubBasis?: OversubBasis;
  readonly seed?: number;
  /** Check invariants after every event (default: environment `GMEMLAB_DEBUG=1`, set by `npm test`). */
  readonly debug?: boolean;
}

/** One parsed `--system` item: `preset[:key=value…]`. */
export interface SystemItem {
  /** The item as given (the result's `system` field). */
  readonly text: string;
  readonly preset: string;
  /** Item parameters in order, values as text. */
  readonly params: ReadonlyArray<readonly [string, string]>;
}

/** Parse a comma list (or array) of `--system` items. Empty items and `key` without `=` are errors. */
export function parseSystemItems(spec: string | readonly string[]): SystemItem[] {
  const texts = (typeof spec === 'string' ? [spec] : spec).flatMap((s) => s.split(','));
  return texts.map((raw) => {
    const text = raw.trim();
    if (text === '') fail(runMessages.badItem({}, raw, 'empty item'));
    const [preset, ...kvs] = text.split(':');
    if (!preset) fail(runMessages.badItem({}, text, 'no preset name'));
    const params = kvs.map((kv): [string, string] => {
      const i = kv.indexOf('=');
      if (i <= 0) fail(runMessages.badItem({}, text, `'${kv}' is not key=value`));
      return [kv.slice(0, i), kv.slice(i + 1)];
    });
    return { text, preset, params };
  });
}

/** Split a CLI `--set key=value` text. */
export function parseSetText(text: string): [string, string] {
  const i = text.indexOf('=');
  if (i <= 0) fail(runMessages.badSet({}, text));
  return [text.slice(0, i).trim(), text.slice(i + 1).trim()];
}

/** `set` as ordered [key, value] pairs (CLI texts parsed; later entries win when applied in order). */
export function setEntries(set: RunSpec['set']): Array<[string, ParamValue | FieldValue]> {
  if (set === undefined) return [];
  if (Array.isArray(set)) return (set as readonly string[]).map(parseSetText);
  return Object.entries(set as Record<string, ParamValue | FieldValue>);
}
