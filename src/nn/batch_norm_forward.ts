import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { ImageShape } from '../shapes/mod.ts';
import code from '../../shaders/batch_norm_forward.wgsl';
import { checkDimensions, checkTensor } from './check_tensor.ts';
import { ELEMENTWISE_WORKGROUP, planeSlices } from './slices.ts';

const SHADER = { name: 'batch_norm_forward', code };

/**
 * Batch normalisation in inference form, where it was not folded into the conv before it:
 * y[n, c, i, j] = x[n, c, i, j]·scale[c] + shift[c], with scale = γ/√(var + ε) and shift = β − mean·scale
 * (the importer computes both at load). x, y: (n, c, h, w)  scale, shift: (c). x and y may exceed one binding.
 */
export async function batchNormForward(gpu: Gpu, s: ImageShape, x: GpuTensor, scale: GpuTensor, shift: GpuTensor, y: GpuTensor): Promise<void> {
  checkBatchNorm('batch_norm_forward', s, { x, scale, shift, y });
  const plane = s.h * s.w;
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  for (const [p0, planes] of planeSlices(gpu, 'batch_norm_forward', s, Number.MAX_SAFE_INTEGER)) {
    const xw = gpu.window(x, p0 * plane, planes * plane);
    const yw = gpu.window(y, p0 * plane, planes * plane);
    const params = new Uint32Array([planes * plane, plane, s.c, p0, xw.base, yw.base]);
    const bindings = [xw.binding, gpu.window(scale).binding, gpu.window(shift).binding, yw.binding];
    gpu.dispatch(pipeline, params, bindings, gpu.grid(Math.ceil((planes * plane) / ELEMENTWISE_WORKGROUP)));
  }
}

/** Validates a batch norm's shape and tensors: x, y, dy, dx (n, c, h, w), scale and shift (c). */
export function checkBatchNorm(kernel: string, s: ImageShape, tensors: Readonly<Record<string, GpuTensor>>): void {
  checkDimensions(kernel, { n: s.n, c: s.c, h: s.h, w: s.w });
  for (const [name, tensor] of Object.entries(tensors)) {
    const shape = name === 'scale' || name === 'shift' ? [s.c] : [s.n, s.c, s.h, s.w];
    checkTensor(kernel, name, tensor, shape.reduce((a, b) => a * b, 1), shape);
  }
}
