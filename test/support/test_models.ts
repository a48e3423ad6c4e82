import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PixelImage } from '../../src/attribution/mod.ts';
import { initVggWeights, saveVgg, type VggSpec } from '../../src/model/mod.ts';
import type { Random } from '../../src/random/mod.ts';

/** A small colour VGG, 3×20×24 → [8, M, 16, M] → [32] → 10 classes, with ImageNet's normalisation. */
export const COLOUR_SPEC: VggSpec = {
  format: 1,
  architecture: 'vgg',
  features: [8, 'M', 16, 'M'],
  classifier: [32],
  input: { channels: 3, height: 20, width: 24 },
  normalize: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  labels: ['tench, Tinca tinca', 'goldfish', 'great white shark', 'Goldfish', 'cock', 'hen', 'ostrich', 'brambling', 'goldfinch', 'robin'],
};

/** A small grey VGG, 1×12×10 → [4, M, 6] → [8] → 3 classes. */
export const GREY_SPEC: VggSpec = {
  format: 1,
  architecture: 'vgg',
  features: [4, 'M', 6],
  classifier: [8],
  input: { channels: 1, height: 12, width: 10 },
  normalize: { mean: [0.5], std: [0.25] },
  labels: ['zero', 'one', 'two'],
};

/** A model saved to `folder` as `name`.safetensors: the spec, random He weights with biases in ±0.1, and the path. */
export function writeModel(folder: string, name: string, spec: VggSpec, random: Random) {
  return saveModel(folder, name, spec, initVggWeights(spec, random, { bias: 0.1 }));
}

/** Given weights saved to `folder` as `name`.safetensors; the spec, the weights and the path. */
export function saveModel(folder: string, name: string, spec: VggSpec, weights: Map<string, Float32Array>) {
  const path = join(folder, `${name}.safetensors`);
  writeFileSync(path, saveVgg({ spec, weights }));
  return { spec, weights, path };
}

/** A random 8-bit image. */
export function randomImage(random: Random, height: number, width: number, channels: PixelImage['channels']): PixelImage {
  return { width, height, channels, data: Uint8Array.from({ length: width * height * channels }, () => random.int(256)) };
}

/** The float64 network input of an image, normalised by hand from its bytes: (p / 255 − mean) / std. */
export function normalised(spec: VggSpec, image: PixelImage): Float64Array {
  const plane = image.width * image.height;
  const out = new Float64Array(spec.input.channels * plane);
  for (let c = 0; c < spec.input.channels; c++) {
    for (let p = 0; p < plane; p++) {
      out[c * plane + p] = (image.data[p * image.channels + c] / 255 - spec.normalize.mean[c]) / spec.normalize.std[c];
    }
  }
  return out;
}

