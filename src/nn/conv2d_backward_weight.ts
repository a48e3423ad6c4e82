import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { Conv2dShape } from '../shapes/mod.ts';
import v1 from '../../shaders/conv2d_backward_weight_v1.wgsl';
import { checkConv2d } from './conv2d_check.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

/** The conv2d backward-to-weights kernels: 1 is the naive one. */
export const CONV2D_BACKWARD_WEIGHT_VARIANTS = [1] as const;
export type Conv2dBackwardWeightVariant = (typeof CONV2D_BACKWARD_WEIGHT_VARIANTS)[number];

const SHADER_V1 = { name: 'conv2d_backward_weight_v1', code: v1 };

/**
 * dWeight = ∂L/∂weight and dBias = ∂L/∂bias of a stride-1 zero-padded conv2d, summed over the batch.
 * x: (n, c, h, w)  dy: (n, k, oh, ow)  dWeight: (k, c, size, size)  dBias: (k); both are overwritten.
 */
export async function conv2dBackwardWeight(
  gpu: Gpu,
  s: Conv2dShape,
  x: GpuTensor,
  dy: GpuTensor,
  dWeight: GpuTensor,
  dBias: GpuTensor,
  variant: Conv2dBackwardWeightVariant = 1,
): Promise<void> {
  const [oh, ow] = checkConv2d('conv2d_backward_weight', s, { x, dy, dWeight, dBias });
  const inImage = s.c * s.h * s.w;
  const outImage = s.k * oh * ow;
  const slices = itemSlices(gpu, 'conv2d_backward_weight', s.n, { x: inImage, dy: outImage });
  if (variant !== 1) throw new RangeError(`conv2d_backward_weight: no variant ${variant}; known: ${CONV2D_BACKWARD_WEIGHT_VARIANTS.join(', ')}`);
  const pipeline = await gpu.pipeline(SHADER_V1, { WG: ELEMENTWISE_WORKGROUP });
  const invocations = dWeight.length + s.k;
  slices.forEach(([n0, n], index) => {
    const xw = gpu.window(x, n0 * inImage, n * inImage);
    const dyw = gpu.window(dy, n0 * outImage, n * outImage);
    // Later runs of the batch add to what the first wrote.
    const params = new Uint32Array([n, s.c, s.h, s.w, s.k, oh, ow, s.size, s.pad, xw.base, dyw.base, index > 0 ? 1 : 0]);
    gpu.dispatch(pipeline, params, [xw.binding, dyw.binding, gpu.window(dWeight).binding, gpu.window(dBias).binding],
      gpu.grid(Math.ceil(invocations / ELEMENTWISE_WORKGROUP)));
  });
}
