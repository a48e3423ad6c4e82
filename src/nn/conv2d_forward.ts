import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { Conv2dShape } from '../shapes/mod.ts';
import v1 from '../../shaders/conv2d_forward_v1.wgsl';
import v2 from '../../shaders/conv2d_forward_v2.wgsl';
import { checkConv2d } from './conv2d_check.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

/** The conv2d forward kernels: 1 is the naive one, 2 the tiled implicit GEMM (the default). */
export const CONV2D_FORWARD_VARIANTS = [1, 2] as const;
export type Conv2dForwardVariant = (typeof CONV2D_FORWARD_VARIANTS)[number];

const SHADER_V1 = { name: 'conv2d_forward_v1', code: v1 };
const SHADER_V2 = { name: 'conv2d_forward_v2', code: v2 };
// v2's tile: 64 output channels × 64 pixels, in reduction slabs of TK.
const V2_TILE = 64;
const V2_SLAB = 16;

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
  variant: Conv2dForwardVariant = 2,
): Promise<void> {
  const [oh, ow] = checkConv2d('conv2d_forward', s, { x, weight, bias, y });
  const inImage = s.c * s.h * s.w;
  const outImage = s.k * oh * ow;
  const slices = itemSlices(gpu, 'conv2d_forward', s.n, { x: inImage, y: outImage });
  if (!CONV2D_FORWARD_VARIANTS.includes(variant)) {
    throw new RangeError(`conv2d_forward: no variant ${variant}; known: ${CONV2D_FORWARD_VARIANTS.join(', ')}`);
  }
  const pipeline = variant === 1
    ? await gpu.pipeline(SHADER_V1, { WG: ELEMENTWISE_WORKGROUP })
    : await gpu.pipeline(SHADER_V2, { TK: V2_SLAB });
  for (const [n0, n] of slices) {
    const xw = gpu.window(x, n0 * inImage, n * inImage);
    const yw = gpu.window(y, n0 * outImage, n * outImage);
    const params = new Uint32Array([n, s.c, s.h, s.w, s.k, oh, ow, s.size, s.pad, xw.base, yw.base]);
    const bindings = [xw.binding, gpu.window(weight).binding, gpu.window(bias).binding, yw.binding];
    const workgroups = variant === 1
      ? gpu.grid(Math.ceil((n * outImage) / ELEMENTWISE_WORKGROUP))
      : ([Math.ceil((oh * ow) / V2_TILE), Math.ceil(s.k / V2_TILE), n] as const);
    gpu.dispatch(pipeline, params, bindings, workgroups);
  }
}
