import type { ImporterDef } from './types';
import { gfxrJsonlImporter } from './gfxr-jsonl/index';
import { vmaJsonImporter } from './vma-json/index';
import { vmaRecordingImporter } from './vma-recording/index';
import { rocprofv3Importer } from './rocprofv3-csv/index';
import { uvmFaultLogImporter } from './uvm-fault-log/index';
import { kinetoImporter } from './kineto/index';
import { pytorchSnapshotImporter } from './pytorch-snapshot/index';
import { pytorchTimelineImporter } from './pytorch-timeline/index';

/**
 * The real-format importers (issue 6), in `gmemlab formats` order. The registry in `./index.ts` lists each
 * of them; this array lets tests and the `formats` command iterate over exactly the real formats.
 */
export const REAL_IMPORTERS: readonly ImporterDef<any>[] = [pytorchSnapshotImporter, kinetoImporter, pytorchTimelineImporter, uvmFaultLogImporter, rocprofv3Importer, vmaRecordingImporter, vmaJsonImporter, gfxrJsonlImporter];
