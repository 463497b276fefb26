import type { ParamDoc } from '../../params';

/** Agent code of `dev0`, the simulated x97 device. */
export const X97_DEV = 1;

/** x97 device memory: 26,214 frames of 4 KiB (`mad_cdev/pm_cdev.c`, "100MB"). */
export const X97_CAPACITY_BYTES = 26214 * 4096;

/** Documentation of the parameters both x97 programs share. */
export const X97_COMMON_DOCS = {
  pageBytes: { summary: 'page size of the recorded access rows (x97 PTEs map 4 KiB)', unit: 'bytes' },
  stepIterations: {
    summary: 'loop iterations coalesced into one step of page-granular rows (flushed at inner-loop ends)',
    unit: 'count',
  },
  nsPerIteration: {
    summary: 'trace time per loop iteration (placeholder: the x97 emulator has no timing, it counts faults)',
    unit: 'ns',
  },
} as const satisfies Record<string, ParamDoc>;
