import type { VggSpec } from '../../src/model/mod.ts';
import {
  bilinearUpsample,
  counterNormal,
  referenceClassScoreGradient,
  referenceVggBackward,
  referenceVggForward,
  saliencyMap,
} from '../../src/reference/mod.ts';

// The definitions of issue 16 in float64, written here from the float64 VGG and nothing of the engine's
// attribution code: x the normalised input, S_c the unnormalised score.

type Weights = ReadonlyMap<string, Float32Array>;
export const shapeOf = (spec: VggSpec) => ({ c: spec.input.channels, h: spec.input.height, w: spec.input.width, size: spec.input.channels * spec.input.height * spec.input.width });

/** ∂S_c/∂x of each image of a batch, and the scores. */
function gradients(spec: VggSpec, weights: Weights, x: ArrayLike<number>, n: number, classes: readonly number[]) {
  return referenceClassScoreGradient(spec, weights, x, n, classes, 'gradient');
}

/** maxᶜ |v| of (n, C, H, W). */
function channelMax(spec: VggSpec, n: number, v: ArrayLike<number>): Float64Array {
  const { c, h, w } = shapeOf(spec);
  return saliencyMap({ n, c, h, w }, v);
}

/** gradxinput: maxᶜ |x ⊙ ∂S_c/∂x|. */
export function refGradientTimesInput(spec: VggSpec, weights: Weights, x: Float32Array, n: number, classes: readonly number[]) {
  const { dInput } = gradients(spec, weights, x, n, classes);
  return channelMax(spec, n, dInput.map((g, i) => g * x[i]));
}

/** ig: IG = (x − x') ⊙ (1/m) Σ_k ∂S_c/∂x at x' + ((k − ½)/m)(x − x'); the map and the completeness gap. */
export function refIntegratedGradients(spec: VggSpec, weights: Weights, x: Float32Array, n: number, classes: readonly number[], m: number, b: number) {
  const { size } = shapeOf(spec);
  const ig = new Float64Array(n * size);
  for (let k = 1; k <= m; k++) {
    const point = Float64Array.from(x, (v) => b + ((k - 0.5) / m) * (v - b));
    const { dInput } = gradients(spec, weights, point, n, classes);
    for (let e = 0; e < ig.length; e++) ig[e] += ((x[e] - b) * dInput[e]) / m;
  }
  const scores = referenceVggForward(spec, weights, x, n).logits;
  const base = referenceVggForward(spec, weights, new Float64Array(size).fill(b), 1).logits;
  const completeness = classes.map((c, i) => {
    let total = 0;
    for (let e = i * size; e < (i + 1) * size; e++) total += ig[e];
    const difference = scores[i * spec.labels.length + c] - base[c];
    return Math.abs(total - difference) / Math.abs(difference);
  });
  return { map: channelMax(spec, n, ig), completeness };
}

/** smoothgrad: maxᶜ |mean over copies of ∂S_c/∂x at x + σε| (squared: maxᶜ mean of the squares), σ = noise·(max x − min x). */
export function refSmoothGrad(spec: VggSpec, weights: Weights, x: Float32Array, n: number, classes: readonly number[], samples: number, noise: number, seed: number, squared: boolean) {
  const { size } = shapeOf(spec);
  const mean = new Float64Array(n * size);
  for (let i = 0; i < n; i++) {
    const image = x.subarray(i * size, (i + 1) * size);
    const sigma = noise * (Math.max(...image) - Math.min(...image));
    for (let s = 0; s < samples; s++) {
      const t = i * samples + s;
      const copy = Float64Array.from(image, (v, e) => v + Math.fround(sigma) * counterNormal(seed, t, e));
      const { dInput } = gradients(spec, weights, copy, 1, [classes[i]]);
      for (let e = 0; e < size; e++) mean[i * size + e] += (squared ? dInput[e] * dInput[e] : dInput[e]) / samples;
    }
  }
  return channelMax(spec, n, mean);
}

/** gradcam: ReLU(Σ_k w_k A_k), w_k the spatial mean of ∂S_c/∂A_k, upsampled bilinearly (half-pixel centres). */
export function refGradCam(spec: VggSpec, weights: Weights, x: Float32Array, n: number, classes: readonly number[], layer: number, k: number, hh: number, ww: number) {
  const forward = referenceVggForward(spec, weights, x, n);
  const dLogits = new Float64Array(n * spec.labels.length);
  classes.forEach((c, i) => (dLogits[i * spec.labels.length + c] = 1));
  const backward = referenceVggBackward(spec, weights, forward, dLogits, 'gradient');
  const a = forward.activations[layer + 1];
  const dA = backward.layerGradients[layer + 1];
  const plane = hh * ww;
  const cam = new Float64Array(n * plane);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < k; ch++) {
      let wk = 0;
      for (let p = 0; p < plane; p++) wk += dA[(i * k + ch) * plane + p] / plane;
      for (let p = 0; p < plane; p++) cam[i * plane + p] += wk * a[(i * k + ch) * plane + p];
    }
  }
  return bilinearUpsample(cam.map((v) => Math.max(0, v)), n, hh, ww, spec.input.height, spec.input.width);
}

