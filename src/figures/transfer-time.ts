import { responseCurveChart } from '../analysis/charts/response-curve';
import type { Cell } from '../analysis/table-input';
import { transferNs } from '../model/link';
import { resolvePlatform } from '../profiles/resolve';
import { hashOf } from '../io/hash';
import { comparedRow, standardFindings } from './compare';
import type { ComparedRow, FigureDef, FigureResult } from './types';

/** Tolerance of the transfer times (issue 8 default band; the measurements are nvprof times). */
export const TRANSFER_TOLERANCE = 0.25;
const PROFILE = 'gtx1080ti-pcie3';
const MODELS = ['affine', 'atan'] as const;
/**
 * The affine link's two values were fitted (least squares) on these very points, so the affine rows are
 * calibration rows: reported, not scored. The atan rows are reproductions (UVMSmart's own a, b constants).
 */
export const TRANSFER_CALIBRATION: Readonly<Record<(typeof MODELS)[number], string>> = {
  affine: `${PROFILE} link.latencyNs + link.h2dBytesPerNs (affine least-squares fit of these points)`,
  atan: '',
};

/**
 * The measured GTX 1080 Ti host-to-device copy time by size (4 KiB … 1 MiB, pageable cudaMemcpy, nvprof)
 * against the profile's transfer model, affine (`link.latencyNs + bytes / link.h2dBytesPerNs`, fitted to
 * these very points) and UVMSmart's atan curve. The one closed-form figure: a transfer time IS the model's
 * function `transferNs` of the resolved link; `specHash` is the hash of that resolved link profile.
 */
export const gtx1080tiTransfer: FigureDef = {
  id: 'gtx1080ti-transfer',
  title: 'GTX 1080 Ti host-to-device transfer time by size',
  summary: 'measured cudaMemcpy H2D time (4 KiB … 1 MiB) vs the gtx1080ti-pcie3 link model, affine and atan',
  async compute(ctx): Promise<FigureResult> {
    const id = this.id;
    const ref = ctx.reference('gtx1080ti-transfer-time').rows;
    const rows: ComparedRow[] = [];
    const data: Record<string, Cell>[] = [];
    const curve: Record<string, Cell>[] = [];
    for (const r of ref) curve.push({ model: 'measured (nvprof)', sizeKiB: r.size_bytes / 1024, timeUs: r.time_us });
    for (const model of MODELS) {
      const link = resolvePlatform(PROFILE, { 'link.model': model }).link;
      const hash = hashOf({ link, direction: 'h2d' });
      for (const r of ref) {
        const us = transferNs(link, r.size_bytes, 'h2d') / 1000;
        data.push({ model, sizeBytes: r.size_bytes, measuredUs: r.time_us, modelUs: us, modelGBps: r.size_bytes / (us * 1000), specHash: hash });
        curve.push({ model: `${model} model`, sizeKiB: r.size_bytes / 1024, timeUs: us });
        rows.push(comparedRow({
          figure: id, group: `${model} model`, series: `${r.size_bytes / 1024} KiB`, metric: 'H2D transfer time', unit: 'µs',
          published: r.time_us, reproduced: us, tolerance: TRANSFER_TOLERANCE, calibration: TRANSFER_CALIBRATION[model], specHash: hash, kind: r.kind,
          source: 'Ganguly et al. artifact, micro-benchmarks/transferBandwidth.cu',
        }));
      }
    }
    return {
      id,
      title: this.title,
      rows,
      orderings: [],
      charts: [{
        name: 'curves',
        spec: responseCurveChart(curve, {
          x: 'sizeKiB', y: 'timeUs', color: 'model', logX: true, logY: true, logBaseX: 2,
          title: 'GTX 1080 Ti H2D copy time: measured vs link models', xTitle: 'transfer size (KiB)', yTitle: 'time (µs)', width: 380, height: 260,
        }),
      }],
      data,
      findings: standardFindings(rows, [], TRANSFER_GAPS),
      method:
        `Closed form (allowed for this figure only): transferNs(link, size, 'h2d') of the resolved ${PROFILE} link with link.model=affine ` +
        `(1.35 µs + bytes / 12.2 GB/s, a least-squares fit of these nine points) and =atan (UVMSmart gpu-sim.cc get_ready_cycle / ` +
        `calculate_transfer_time: speed = (2a/π)·atan(b·KB) in GiB/s — the simulator divides by 1024^3 —, a = 12, b = 0.07292; ` +
        `time = bytes / speed). Tolerance ±${TRANSFER_TOLERANCE * 100} % of the measured time. The affine rows are calibration rows (the ` +
        `link's latency and bandwidth were fitted on them): reported, not in the pass rate; the atan rows are reproductions.`,
    };
  },
};

const TRANSFER_GAPS: ReadonlyArray<readonly [(m: readonly ComparedRow[]) => boolean, string]> = [
  [
    (m) => m.some((r) => r.group === 'atan model' && r.published < 3 && r.ratio !== null && r.ratio > 1 + TRANSFER_TOLERANCE),
    'Measured (atan, smallest copies too slow): the model is the simulator\'s formula (gpu-sim.cc get_ready_cycle, speed in GiB/s); ' +
      'UVMSmart\'s own curve gives 2.17 GiB/s at 4 KiB where the GTX 1080 Ti measured 3.22 GiB/s (1.76 vs 1.18 µs): the atan curve ' +
      'has no separate fixed cost and its slope at 0 (2ab/π = 0.557 GiB/s per KB) is too shallow for 4 KiB; from 8 KiB on it is within ' +
      '±25 % (0.82–1.20). The miss is the simulator\'s, not a modelling gap: no parameter was changed to meet it.',
  ],
];
