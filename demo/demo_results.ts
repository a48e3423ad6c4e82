import type { AttributionMethod, KernelSet } from '../src/mod.ts';
import type { FidelityResult } from './fidelity_of_map.ts';

/**
 * What the page last computed, kept on `globalThis.deepinsideDemo` so that a test (or a curious reader in
 * the console) can compare it with `deepinside saliency … --npy` and `deepinside classviz … --npy`.
 */
export interface DemoResults {
  adapter?: string;
  /** The kernel set the page's engine runs (`Gpu.kernels`), for the CLI to run the same. */
  kernels?: KernelSet;
  timing?: string;
  saliency?: {
    readonly model: string;
    /** The bundled example's file name, or the dropped file's. */
    readonly image: string;
    /** The method (named `rule` from when the page had only the three ReLU rules). */
    readonly rule: AttributionMethod;
    readonly classIndex: number;
    /** (H, W), unscaled, as the CLI's `--npy` holds it. */
    readonly map: Float32Array;
    readonly logits: Float32Array;
    readonly ms: number;
  };
  /** The last segmentation of the map on show (the segment control), as `deepinside segment --npy --json`. */
  segmentation?: {
    readonly model: string;
    readonly image: string;
    readonly rule: string;
    readonly classIndex: number;
    /** (H, W) of 0/1. */
    readonly mask: Uint8Array;
    readonly box: readonly number[];
    readonly area: number;
  };
  /** The deletion and insertion curves of the map on show (the fidelity view), as `deepinside fidelity --json` holds them. */
  fidelity?: FidelityResult;
  classModel?: {
    readonly model: string;
    readonly classIndex: number;
    readonly steps: number;
    readonly learningRate: number;
    readonly l2: number;
    /** Whether the image priors of `classviz --priors` (jitter, blur) were on. */
    readonly priors: boolean;
    /** Whether the ascent ran about the model's mean image, as `classviz --mean-prior`. */
    readonly meanPrior: boolean;
    /** (C, H, W) in normalised units, as `classviz --npy` holds it. */
    readonly input: Float32Array;
    readonly scores: Float32Array;
    /** Each step's time in ms (step 1 onwards). */
    readonly stepMs: readonly number[];
  };
}
