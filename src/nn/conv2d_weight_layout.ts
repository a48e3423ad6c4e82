import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import code from '../../shaders/conv2d_weight_layout.wgsl';
import { ELEMENTWISE_WORKGROUP } from './slices.ts';

const SHADER = { name: 'conv2d_weight_layout', code };

/**
 * Channel counts are padded to a multiple of this in the rearranged weight: conv2d_forward_v3 computes 8
 * channels at a time (v6 and v7 16 and 32, reading past the padding for channels they never store).
 */
export const CHANNEL_BLOCK = 8;

/** A rearranged weight: the tensor and its padded channel count. */
export interface WeightLayout {
  readonly wt: GpuTensor;
  readonly padded: number;
}

/** Elements of conv2dWeightLayout's rearrangement of weight (k, c, size, size) for these arguments. */
export function conv2dWeightLayoutLength(k: number, c: number, size: number, flip: boolean, block = CHANNEL_BLOCK): number {
  return (flip ? k : c) * size * size * Math.ceil((flip ? c : k) / block) * block;
}

/**
 * Rearranges weight (k, c, size, size) for the direct kernels: (c, size, size, kp) for the forward pass,
 * or with `flip` the transposed convolution's (k, size, size, cp), turned 180°, for the gradient to the
 * input. The channels are padded to a multiple of `block` (a multiple of 4; conv2d_forward_v9 reads 16 at
 * a time). Written into `into` (at least `conv2dWeightLayoutLength` elements; ConvWeightCache keeps one
 * per weight so that a model lays each out once), or else into a scratch tensor that the next call reuses.
 */
export async function conv2dWeightLayout(
  gpu: Gpu,
  weight: GpuTensor,
  k: number,
  c: number,
  size: number,
  flip: boolean,
  block = CHANNEL_BLOCK,
  into?: GpuTensor,
): Promise<WeightLayout> {
  const taps = size * size;
  const padded = Math.ceil((flip ? c : k) / block) * block;
  const count = conv2dWeightLayoutLength(k, c, size, flip, block);
  if (into && into.length < count) throw new RangeError(`conv2d_weight_layout: ${into.label} holds ${into.length} elements, not the ${count} needed`);
  const wt = into ?? gpu.scratch('conv2d weight layout', count);
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP, FLIP: flip ? 1 : 0 });
  gpu.dispatch(pipeline, new Uint32Array([k, c, taps, padded]), [gpu.window(weight).binding, gpu.window(wt, 0, count).binding],
    gpu.grid(Math.ceil(count / taps / 4 / ELEMENTWISE_WORKGROUP)));
  return { wt, padded };
}
