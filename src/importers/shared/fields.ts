import type { Location } from '../../log/diagnostic';
import { importerMessages } from '../../log/messages/importers';
import type { ImportContext } from '../types';
import { structural } from './context';

/**
 * Typed field access for decoded records (JSON objects, pickle dicts, CSV cells) with located errors:
 * each getter returns the value or, for a missing or ill-typed field, reports `import.bad-field` (thrown in
 * strict mode) and returns `undefined` so the caller can skip the record in lenient mode.
 */
export class FieldReader {
  constructor(
    private readonly ctx: ImportContext,
    private readonly where: Location,
    private readonly prefix = '',
  ) {}

  private bad(field: string, expected: string, found: unknown): undefined {
    structural(this.ctx, importerMessages.badField({ ...this.where, field: this.prefix + field }, expected, show(found)));
    return undefined;
  }

  /** A finite number (integers as numbers; exact-integer check with `int`). */
  num(o: Record<string, unknown>, field: string): number | undefined {
    const v = o[field];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    return this.bad(field, 'a number', v);
  }

  /** An integer in [min, 2^53). bigint values (pickle LONG1) are range-checked and converted. */
  int(o: Record<string, unknown>, field: string, min = 0): number | undefined {
    let v = o[field];
    if (typeof v === 'bigint' && v >= BigInt(min) && v < 2n ** 53n) v = Number(v);
    if (typeof v === 'number' && Number.isInteger(v) && v >= min && v < 2 ** 53) return v;
    if ((typeof v === 'number' && Number.isInteger(v) && v >= 2 ** 53) || (typeof v === 'bigint' && v >= 2n ** 53n)) {
      structural(this.ctx, importerMessages.tooLarge({ ...this.where, field: this.prefix + field }, field, String(v)));
      return undefined;
    }
    return this.bad(field, `an integer >= ${min}`, v);
  }

  /** Like `int`, but a missing field gives `fallback` instead of an error. */
  optInt(o: Record<string, unknown>, field: string, fallback: number, min = 0): number | undefined {
    return o[field] === undefined || o[field] === null ? fallback : this.int(o, field, min);
  }

  str(o: Record<string, unknown>, field: string): string | undefined {
    const v = o[field];
    if (typeof v === 'string') return v;
    return this.bad(field, 'a string', v);
  }

  obj(o: Record<string, unknown>, field: string): Record<string, unknown> | undefined {
    const v = o[field];
    if (isRecord(v)) return v;
    return this.bad(field, 'an object', v);
  }

  arr(o: Record<string, unknown>, field: string): unknown[] | undefined {
    const v = o[field];
    if (Array.isArray(v)) return v;
    return this.bad(field, 'a list', v);
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A short text for a found value in messages. */
export function show(v: unknown): string {
  if (v === undefined) return 'nothing (field missing)';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return String(v);
}
