import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { Conv2dShape } from '../shapes/mod.ts';
import v1 from '../../shaders/conv2d_forward_v1.wgsl';
import { checkConv2d } from './conv2d_check.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

/** The conv2d forward kernels: 1 is the naive one. */
export const CONV2D_FORWARD_VARIANTS = [1] as const;
export type Conv2dForwardVariant = (typeof CONV2D_FORWARD_VARIANTS)[number];

const SHADER_V1 = { name: 'conv2d_forward_v1', code: v1 };

/**
 * y = conv(x, weight) + bias, stride 1, zero padding.
 * x: (n, c, h, w)  weight: (k, c, size, size)  bias: (k)  y: (n, k, oh, ow). The batch is dispatched
 * in runs of images that fit one binding, so x and y may exceed it.
 */
export async function conv2dForward(
  gpu: Gpu,
  s: Conv2dShape,
  x: GpuTensor,
  weight: GpuTensor,
  bias: GpuTensor,
  y: GpuTensor,
  variant: Conv2dForwardVariant = 1,
): Promise<void> {
  const [oh, ow] = checkConv2d('conv2d_forward', s, { x, weight, bias, y });
  const inImage = s.c * s.h * s.w;
  const outImage = s.k * oh * ow;
  const slices = itemSlices(gpu, 'conv2d_forward', s.n, { x: inImage, y: outImage });
  if (variant !== 1) throw new RangeError(`conv2d_forward: no variant ${variant}; known: ${CONV2D_FORWARD_VARIANTS.join(', ')}`);
  const pipeline = await gpu.pipeline(SHADER_V1, { WG: ELEMENTWISE_WORKGROUP });
  for (const [n0, n] of slices) {
    const xw = gpu.window(x, n0 * inImage, n * inImage);
    const yw = gpu.window(y, n0 * outImage, n * outImage);
    const params = new Uint32Array([n, s.c, s.h, s.w, s.k, oh, ow, s.size, s.pad, xw.base, yw.base]);
    gpu.dispatch(pipeline, params, [xw.binding, gpu.window(weight).binding, gpu.window(bias).binding, yw.binding],
      gpu.grid(Math.ceil((n * outImage) / ELEMENTWISE_WORKGROUP)));
  }
}
