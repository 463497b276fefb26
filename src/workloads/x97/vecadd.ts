import { CPU, Flag } from '../../trace/event';
import type { StringTable } from '../../trace/strings';
import { TraceEmitter } from '../emit/emitter';
import { PageRecorder } from '../emit/page-recorder';
import { HEAP_BASE_VA, VaArena } from '../emit/va-arena';
import { intIn, powerOfTwo, problems, workloadMeta } from '../params';
import type { WorkloadDef } from '../types';
import { X97_COMMON_DOCS, X97_DEV } from './common';

/**
 * `x97-vecadd`: the vector-add program of the GMEM paper's simulated device
 * (github.com/WeixiZhu94/device_simulation_freebsd, `madtest/prepare_kernel.cpp` + `mad_cdev/emulator.c`).
 * The CPU mallocs three uint64 arrays (peer-shared: the process's memory is shared with the device under
 * GMEM) and initialises `a[i] = (13i + 9689) mod 10007`, `b[i] = (7i + 9689) mod 10007`; the device kernel
 * translates `&a[i]`, `&b[i]`, `&c[i]` for every element (3 translations per element) and stores
 * `c[i] = a[i] + b[i]`; the CPU then validates every element (`validate_test`).
 *
 * The loops have no data-dependent control flow, so the page stream is derived from the loop bounds (the
 * arrays are not materialised, which keeps 1e8-element instances cheap).
 */
export type VecAddParams = {
  length: number;
  validate: boolean;
  pageBytes: number;
  stepIterations: number;
  nsPerIteration: number;
};

/** The `x97-vecadd` workload. */
export const x97VecAdd: WorkloadDef<VecAddParams> = {
  name: 'x97-vecadd',
  summary: 'x97 vector add: 3 × 40 MiB uint64 peer-shared arrays, 1.17× the 100 MB x97 device (footprint 120 MiB)',
  defaults: { length: 5242880, validate: true, pageBytes: 4096, stepIterations: 65536, nsPerIteration: 1 },
  params: {
    length: { summary: 'elements per array (uint64); the x97 source uses 100 Mi', unit: 'count' },
    validate: { summary: 'CPU reads a, b and c after the kernel to check c = a + b (validate_test)' },
    ...X97_COMMON_DOCS,
  },
  validate: (p) =>
    problems<keyof VecAddParams>({
      length: intIn(p.length, 1, 2 ** 40),
      pageBytes: powerOfTwo(p.pageBytes, 4096),
      stepIterations: intIn(p.stepIterations, 1, 2 ** 40),
      nsPerIteration: intIn(p.nsPerIteration, 0, 1e6),
    }),
  *generate(p, _seed, strings?: StringTable) {
    const em = new TraceEmitter(strings);
    const rec = new PageRecorder(em, p.pageBytes);
    const arena = new VaArena(HEAP_BASE_VA);
    const bytes = p.length * 8;
    const arrays = ['a', 'b', 'c'].map((name) => {
      const va = arena.take(bytes);
      em.alloc(0, CPU, va, bytes, Flag.peer_shared, em.id(name));
      return { va, id: rec.addArray(va, bytes, 8) };
    });
    const [a, b, c] = arrays as [(typeof arrays)[0], (typeof arrays)[0], (typeof arrays)[0]];
    let t = 0;
    const chunk = p.stepIterations;
    // generate_test: a[i], b[i] = … for every i
    for (let i = 0; i < p.length; i += chunk) {
      const n = Math.min(chunk, p.length - i);
      rec.range(a.id, i, n, true);
      rec.range(b.id, i, n, true);
      rec.flush(t, CPU);
      t += n * p.nsPerIteration;
      yield* em.drain();
    }
    // clLaunchKernel(SUM): for every i, translate &a[i], &b[i], &c[i]; *kc = *ka + *kb
    const label = em.id('vector_add');
    em.kernelBegin(t, X97_DEV, label, p.length * p.nsPerIteration);
    const t0 = t;
    for (let i = 0; i < p.length; i += chunk) {
      const n = Math.min(chunk, p.length - i);
      rec.range(a.id, i, n, false);
      rec.range(b.id, i, n, false);
      rec.range(c.id, i, n, true);
      rec.flush(t, X97_DEV);
      t += n * p.nsPerIteration;
      yield* em.drain();
    }
    t = t0 + p.length * p.nsPerIteration;
    em.kernelEnd(t, X97_DEV, label);
    if (p.validate) {
      for (let i = 0; i < p.length; i += chunk) {
        const n = Math.min(chunk, p.length - i);
        rec.range(c.id, i, n, false);
        rec.range(a.id, i, n, false);
        rec.range(b.id, i, n, false);
        rec.flush(t, CPU);
        t += n * p.nsPerIteration;
        yield* em.drain();
      }
    }
    for (const arr of arrays) em.free(t, CPU, arr.va, bytes);
    yield* em.finish();
  },
  meta: (p, seed) => workloadMeta('x97-vecadd', p, seed, ['dev0']),
};
