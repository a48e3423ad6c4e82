import { attribute, type AttributionMethod, type AttributionOptions, colorizeMap, type PixelImage } from '../attribution/mod.ts';
import type { Classifier } from '../graph/mod.ts';

/**
 * The methods beyond the paper's rules that showcase adds a row for, each with its row's title and options:
 * IG and SmoothGrad at 8 steps and 8 samples (a quarter and a sixth of saliency's defaults), so that the
 * copies of every bundled image keep the showcase within minutes on a CPU.
 */
export const SHOWCASE_METHODS: readonly { readonly method: AttributionMethod; readonly title: string; readonly options?: AttributionOptions }[] = [
  { method: 'gradxinput', title: 'gradient x input: max over channels of |x * dS_c/dx|' },
  { method: 'ig', title: "Integrated Gradients: max over channels of |(x - x') * mean dS_c/dx on the path|, 8 midpoints, x' = 0", options: { steps: 8 } },
  { method: 'smoothgrad', title: 'SmoothGrad: max over channels of |mean dS_c/dx at x + noise|, 8 samples, sigma 0.15 of the range', options: { samples: 8 } },
  { method: 'gradcam', title: 'Grad-CAM: ReLU(sum_k w_k A_k) of the last convolutional stage, upsampled bilinearly' },
];

/**
 * Each of `SHOWCASE_METHODS`' maps of the n images in `input` for their `classes`, as grey images (white =
 * the map's largest value), in the methods' order: one row of the contact sheet per method.
 */
export async function methodRows(model: Classifier, input: Float32Array, n: number, classes: readonly number[]): Promise<{ title: string; images: PixelImage[] }[]> {
  const { height: h, width: w } = model.info.input;
  const rows = [];
  for (const { method, title, options } of SHOWCASE_METHODS) {
    const { maps } = await attribute(model, input, n, classes, method, options);
    rows.push({ title, images: Array.from({ length: n }, (_, i) => colorizeMap(maps.subarray(i * h * w, (i + 1) * h * w), w, h, 'grey')) });
  }
  return rows;
}
