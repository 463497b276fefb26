import type { ColumnTable } from 'arquero';
import { FIELDS, type FieldKind } from '../profiles/fields';
import { fieldValue } from '../profiles/resolve';
import type { Platform } from '../profiles/types';
import { formatBytes, formatNs } from '../units';
import { tableFromRows, type FlatRow } from './table-input';

const KIND_BY_KEY = new Map<string, FieldKind>(FIELDS.map((f) => [f.key, f.kind]));

/**
 * The profile values a study depends on, with their provenance, as a table to show beside its results: one
 * row per key (`device.map.bindNs`, …) with `field`, `value` (base units), `shown` (with its unit: `744 ns`,
 * `24.8 GB/s`, `64 KiB`), `status` (M measured, D from source code, S specification, 2 second-hand, U
 * unverified, P placeholder, O overridden; docs/profiles.md) and `source` (citation or reasoning). Unknown
 * keys are errors naming the valid ones (the profile schema's rule).
 */
export function profileFieldsTable(platform: Platform, keys: readonly string[]): ColumnTable {
  const rows: FlatRow[] = keys.map((key) => {
    const value = fieldValue(platform, key);
    const dot = key.indexOf('.');
    const part = key.slice(0, dot) as 'device' | 'link' | 'host';
    const source = platform[part].sources[key.slice(dot + 1)];
    return {
      field: key,
      value: Array.isArray(value) ? value.join(',') : (value as number | string | boolean),
      shown: show(value, KIND_BY_KEY.get(key)),
      status: source?.status ?? null,
      source: source?.ref ?? null,
    };
  });
  return tableFromRows(rows, ['field', 'value', 'shown', 'status', 'source']);
}

function show(v: unknown, kind: FieldKind | undefined): string {
  if (Array.isArray(v)) return v.map((x) => (kind === 'bytesList' ? formatBytes(x as number) : String(x))).join(', ');
  if (typeof v !== 'number') return String(v);
  if (kind === 'bytes') return formatBytes(v);
  if (kind === 'ns') return formatNs(v);
  if (kind === 'rate') return `${v} GB/s`;
  return v.toLocaleString('en-US');
}
