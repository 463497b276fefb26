import { MiB, roundUp } from '../../units';

/** The size parameters of the layer stack (fp32 everywhere, 4 bytes per value). */
export type TransformerShape = {
  layers: number;
  hidden: number;
  seqLen: number;
  batch: number;
  heads: number;
};

const F32 = 4;

/** Parameters of one layer: QKV 3d² + 3d, output projection d² + d, MLP 4d² + 4d and 4d² + d, two LayerNorms 4d. */
export function layerParams(d: number): number {
  return 12 * d * d + 13 * d;
}

/** Bytes of every tensor of one layer and of the per-step buffers. */
export function tensorBytes(s: Readonly<TransformerShape>) {
  const P = layerParams(s.hidden);
  const tokens = s.batch * s.seqLen;
  return {
    /** weights of one layer */
    weights: F32 * P,
    /** gradients of one layer */
    grads: F32 * P,
    /** Adam first and second moments of one layer */
    optimizer: 2 * F32 * P,
    /**
     * activations one layer saves for the backward pass: ≈ 16·d values per token (LayerNorm inputs, Q/K/V,
     * attention context, MLP pre- and post-activation, residual) plus 2·heads·seqLen per token (attention
     * scores and probabilities); the first B·S·d values are the layer's output.
     */
    activations: F32 * tokens * (16 * s.hidden + 2 * s.heads * s.seqLen),
    /** the input batch the CPU writes each step, and each of the two activation-gradient buffers */
    tokenBuffer: F32 * tokens * s.hidden,
  };
}

/**
 * Footprint (docs/cli.md §3: every allocation rounded up to 2 MiB, all live at once):
 * `layers · (r(4P) + r(4P) + r(8P) + r(A)) + 3 · r(4·B·S·d)`, P = 12d² + 13d, A = 4·B·S·(16d + 2·h·S).
 */
export function mlTrainFootprint(s: Readonly<TransformerShape>): number {
  const t = tensorBytes(s);
  const r = (b: number): number => roundUp(b, 2 * MiB);
  return s.layers * (r(t.weights) + r(t.grads) + r(t.optimizer) + r(t.activations)) + 3 * r(t.tokenBuffer);
}

/** Layers (≥ 1) whose footprint is closest to `targetBytes` from below, for the other sizes of `s`. */
export function layersForFootprint(s: Readonly<TransformerShape>, targetBytes: number): number {
  const fixed = mlTrainFootprint({ ...s, layers: 0 });
  const perLayer = mlTrainFootprint({ ...s, layers: 1 }) - fixed;
  return Math.max(1, Math.floor((targetBytes - fixed) / perLayer));
}

/** FLOPs of one layer's forward pass: 2 per parameter per token plus attention 4·B·S²·d. */
export function forwardFlops(s: Readonly<TransformerShape>): number {
  return 2 * s.batch * s.seqLen * layerParams(s.hidden) + 4 * s.batch * s.seqLen * s.seqLen * s.hidden;
}
