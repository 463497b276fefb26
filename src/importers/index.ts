import type { InputFile } from '../io/input';
import { fail } from '../log/diagnostic';
import { importMessages } from '../log/messages/trace';
import { arrowImporter } from './arrow/index';
import { csvImporter } from './canonical-csv/index';
import { gfxrJsonlImporter } from './gfxr-jsonl/index';
import { kinetoImporter } from './kineto/index';
import { nsysSqliteImporter } from './nsys-sqlite/index';
import { pytorchSnapshotImporter } from './pytorch-snapshot/index';
import { pytorchTimelineImporter } from './pytorch-timeline/index';
import { rocprofv3Importer } from './rocprofv3-csv/index';
import { rocprofv3ScratchImporter } from './rocprofv3-scratch/index';
import { uvmFaultLogImporter } from './uvm-fault-log/index';
import { vmaJsonImporter } from './vma-json/index';
import { vmaRecordingImporter } from './vma-recording/index';
import type { FormatId, ImporterDef } from './types';

/**
 * The importer registry: one entry per input format, keyed by its `FormatId` (the compiler checks that every
 * `FormatId` has an entry and that each key matches its importer's `name`). Adding a format is one line here
 * (plus its folder). Order is the sniffing order of `--from auto`: specific signatures first, the canonical
 * CSV (a loose check) last.
 */
export const importers = {
  arrow: arrowImporter,
  'pytorch-snapshot': pytorchSnapshotImporter,
  kineto: kinetoImporter,
  'pytorch-timeline': pytorchTimelineImporter,
  'nsys-sqlite': nsysSqliteImporter,
  'uvm-fault-log': uvmFaultLogImporter,
  'rocprofv3-csv': rocprofv3Importer,
  'rocprofv3-scratch': rocprofv3ScratchImporter,
  'gfxr-jsonl': gfxrJsonlImporter,
  'vma-json': vmaJsonImporter,
  'vma-recording': vmaRecordingImporter,
  csv: csvImporter,
} satisfies { readonly [K in FormatId]: ImporterDef<any> & { readonly name: K } };

const extra = new Map<FormatId, ImporterDef<any>>();

/** Every registered importer, in sniffing order (notebook registrations first). */
export function importerList(): ImporterDef<any>[] {
  return [...extra.values(), ...Object.values(importers)];
}

/** Format ids with an importer. */
export function knownFormats(): FormatId[] {
  return importerList().map((d) => d.name);
}

/** The importer for `id`; `import.unsupported-format` when none is registered. */
export function getImporter(id: string): ImporterDef<any> {
  // own properties only: `--from constructor` / `__proto__` name no format
  const def = extra.get(id as FormatId) ?? (Object.hasOwn(importers, id) ? (importers as Partial<Record<string, ImporterDef<any>>>)[id] : undefined);
  if (!def) fail(importMessages.unsupportedFormat({}, id, knownFormats()));
  return def;
}

/**
 * Register an importer from a notebook (e.g. a format under development). Refuses to replace an existing
 * format unless `override` is set.
 */
export function registerImporter(def: ImporterDef<any>, opts: { override?: boolean } = {}): void {
  const exists = extra.has(def.name) || Object.hasOwn(importers, def.name);
  if (exists && !opts.override) throw new Error(`importer ${def.name} is already registered (pass { override: true } to replace it)`);
  extra.set(def.name, def);
}

/**
 * `--from auto`: the first importer whose `sniff` accepts the file's first bytes; otherwise
 * `import.unknown-format` listing the known formats.
 */
export function detectFormat(input: InputFile): ImporterDef<any> {
  if (input.head.length === 0) fail(importMessages.emptyFile({ file: input.path, offset: 0 }));
  const name = input.path.split(/[\\/]/).pop() ?? input.path;
  for (const def of importerList()) {
    let ok = false;
    try {
      ok = def.sniff(input.head, name);
    } catch {
      ok = false;
    }
    if (ok) return def;
  }
  return fail(importMessages.unknownFormat({ file: input.path, offset: 0 }, knownFormats(), csvHint(input.head) ?? firstBytes(input.head)));
}

/** What the file starts with, for the unknown-format message: its first 16 bytes, escaped. */
function firstBytes(head: Uint8Array): string {
  const n = Math.min(16, head.length);
  let s = '';
  for (let i = 0; i < n; i++) {
    const c = head[i]!;
    s += c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `first bytes "${s}${head.length > n ? '…' : ''}", which no importer recognises`;
}

/** For a CSV that is not canonical: name its first columns and point to --map. */
function csvHint(head: Uint8Array): string | undefined {
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString('utf8').replace(/^\ufeff/, '');
  const line = text.split('\n').find((l) => l.trim() !== '' && !l.startsWith('#'));
  if (line === undefined || /[\u0000-\u0008]/.test(line)) return undefined;
  const cols = line.replace(/\r$/, '').split(/[,;\t|]/);
  if (cols.length < 2) return undefined;
  const shown = cols.slice(0, 4).map((c) => c.trim()).join(', ');
  return `a CSV header (${shown}${cols.length > 4 ? ', …' : ''}) without the canonical t_ns and op columns: translate it with --map`;
}
