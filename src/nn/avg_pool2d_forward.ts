import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import { type AvgPool2dShape, avgPool2dOutputSize } from '../shapes/mod.ts';
import code from '../../shaders/avg_pool2d_forward.wgsl';
import { checkPool, checkWindow } from './pool_check.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

const SHADER = { name: 'avg_pool2d_forward', code };

/**
 * Average pool (ONNX AveragePool, floor mode): each output is its window's sum over the elements inside
 * x, divided by size² where `countIncludePad`, else by their count.
 * x: (n, c, h, w)  y: (n, c, oh, ow) (`avgPool2dOutputSize`). x and y may exceed one binding.
 */
export async function avgPool2dForward(gpu: Gpu, s: AvgPool2dShape, x: GpuTensor, y: GpuTensor): Promise<void> {
  const [oh, ow] = checkAvgPool('avg_pool2d_forward', s, { x, y });
  const inImage = s.c * s.h * s.w;
  const outImage = s.c * oh * ow;
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  for (const [n0, n] of itemSlices(gpu, 'avg_pool2d_forward', s.n, { x: inImage, y: outImage })) {
    const xw = gpu.window(x, n0 * inImage, n * inImage);
    const yw = gpu.window(y, n0 * outImage, n * outImage);
    const params = new Uint32Array([n, s.c, s.h, s.w, oh, ow, xw.base, yw.base, s.size, s.stride, s.pads[0], s.pads[1], s.countIncludePad ? 1 : 0]);
    gpu.dispatch(pipeline, params, [xw.binding, yw.binding], gpu.grid(Math.ceil((n * outImage) / ELEMENTWISE_WORKGROUP)));
  }
}

/** Validates an average pool's window and tensors; returns the output height and width. */
export function checkAvgPool(kernel: string, s: AvgPool2dShape, tensors: Readonly<Record<string, GpuTensor>>): readonly [number, number] {
  checkWindow(kernel, s.size, s.stride, s.pads);
  const [oh, ow] = avgPool2dOutputSize(s);
  checkPool(kernel, s, oh, ow, tensors);
  return [oh, ow];
}
