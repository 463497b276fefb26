import type { ImporterDef } from './types';
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

/**
 * The real-format importers (issue 6), in docs/cli.md `--from` order. The registry (`./index.ts`) lists each of
 * them; this array lets tests, the `formats` command and notebooks iterate over exactly the real formats.
 */
export const REAL_IMPORTERS: readonly ImporterDef<any>[] = [
  pytorchSnapshotImporter,
  kinetoImporter,
  pytorchTimelineImporter,
  nsysSqliteImporter,
  uvmFaultLogImporter,
  rocprofv3Importer,
  rocprofv3ScratchImporter,
  gfxrJsonlImporter,
  vmaJsonImporter,
  vmaRecordingImporter,
];

/**
 * The real importers whose `sniff` accepts `head`, in registry order. `--from auto` takes the first; a test
 * checks that every shared sample is claimed by exactly one.
 */
export function sniffRealFormat(head: Uint8Array, fileName: string): ImporterDef<any>[] {
  return REAL_IMPORTERS.filter((d) => {
    try {
      return d.sniff(head, fileName);
    } catch {
      return false;
    }
  });
}
