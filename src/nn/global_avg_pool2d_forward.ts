import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { ImageShape } from '../shapes/mod.ts';
import code from '../../shaders/global_avg_pool2d_forward.wgsl';
import { checkDimensions, checkTensor } from './check_tensor.ts';
import { planeSlices } from './slices.ts';

const SHADER = { name: 'global_avg_pool2d_forward', code };
// Invocations sharing one plane's sum: ResNet-50's 7×7 planes take one value each, larger ones loop.
const WORKGROUP = 64;

/**
 * Global average pool (ONNX GlobalAveragePool): y[n, c] = the mean of x[n, c, :, :], a parallel
 * reduction of each plane in one workgroup. x: (n, c, h, w)  y: (n, c). x may exceed one binding.
 */
export async function globalAvgPool2dForward(gpu: Gpu, s: ImageShape, x: GpuTensor, y: GpuTensor): Promise<void> {
  checkGlobalAvgPool('global_avg_pool2d_forward', s, { x, y });
  const plane = s.h * s.w;
  const pipeline = await gpu.pipeline(SHADER, { WG: WORKGROUP });
  for (const [p0, planes] of planeSlices(gpu, 'global_avg_pool2d_forward', s, Number.MAX_SAFE_INTEGER)) {
    const xw = gpu.window(x, p0 * plane, planes * plane);
    const yw = gpu.window(y, p0, planes);
    gpu.dispatch(pipeline, new Uint32Array([planes, plane, xw.base, yw.base]), [xw.binding, yw.binding], gpu.grid(planes));
  }
}

/** Validates a global pool's shape and its tensors: x and dx (n, c, h, w), y and dy (n, c). */
export function checkGlobalAvgPool(kernel: string, s: ImageShape, tensors: Readonly<Record<string, GpuTensor>>): void {
  checkDimensions(kernel, { n: s.n, c: s.c, h: s.h, w: s.w });
  for (const [name, tensor] of Object.entries(tensors)) {
    const shape = name === 'x' || name === 'dx' ? [s.n, s.c, s.h, s.w] : [s.n, s.c];
    checkTensor(kernel, name, tensor, shape.reduce((a, b) => a * b, 1), shape);
  }
}
