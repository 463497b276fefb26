import { fail } from '../../log/diagnostic';
import { arrowMessages } from '../../log/messages/trace';
import { isArrowFile, readArrowBatches, readArrowInfo, restoreLog } from '../../trace/arrow/read';
import type { ImporterDef } from '../types';

/**
 * `arrow`: a gmemlab Arrow trace (`gmemlab import … -o out.arrow`, the same format as the import cache).
 * Loads at disk speed with zero-copy columns; every block is checked against its SHA-256 first. The
 * metadata lines and the diagnostics of the import that wrote the file are restored.
 */
export const arrowImporter = {
  name: 'arrow' as const,
  summary: 'gmemlab Arrow IPC trace (import -o out.arrow; the import cache format)',
  version: 1,
  defaults: {},
  options: {},
  sniff: (head) => isArrowFile(head),
  async *read(input, _opts, ctx) {
    if (input.gzip) fail(arrowMessages.notGmemlab({ file: ctx.file, offset: 0 }, 'a gzip-compressed file (decompress Arrow traces first)'));
    const info = readArrowInfo(input.path);
    Object.assign(ctx.meta, info.meta);
    yield* readArrowBatches(input.path, info, ctx.strings);
    restoreLog(info, ctx.log);
  },
} satisfies ImporterDef<Record<string, never>>;
