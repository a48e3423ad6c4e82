import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import type { ImageShape } from '../shapes/mod.ts';
import code from '../../shaders/roll2d.wgsl';
import { checkDimensions, checkTensor } from './check_tensor.ts';
import { ELEMENTWISE_WORKGROUP, planeSlices } from './slices.ts';

const SHADER = { name: 'roll2d', code };

/**
 * A circular shift of every (h, w) plane: y[n, c, i, j] = x[n, c, (i − dy) mod h, (j − dx) mod w], so that
 * what was at (0, 0) lands at (dy, dx); `roll2d(y, −dy, −dx)` undoes it. Any whole shifts, negative or past
 * the size. x, y: (n, c, h, w), distinct tensors.
 */
export async function roll2d(gpu: Gpu, s: ImageShape, x: GpuTensor, y: GpuTensor, dy: number, dx: number): Promise<void> {
  checkDimensions('roll2d', { n: s.n, c: s.c, h: s.h, w: s.w });
  if (!Number.isInteger(dy) || !Number.isInteger(dx)) throw new RangeError(`roll2d: shifts must be whole numbers, got ${dy}, ${dx}`);
  if (x === y) throw new RangeError('roll2d: x and y must be different tensors');
  const pixels = s.h * s.w;
  checkTensor('roll2d', 'x', x, s.n * s.c * pixels, [s.n, s.c, s.h, s.w]);
  checkTensor('roll2d', 'y', y, s.n * s.c * pixels, [s.n, s.c, s.h, s.w]);
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  const wrap = (v: number, size: number) => ((v % size) + size) % size;
  const most = gpu.limits.workgroupsPerDimension;
  for (const [p0, planes] of planeSlices(gpu, 'roll2d', s, most)) {
    const xw = gpu.window(x, p0 * pixels, planes * pixels);
    const yw = gpu.window(y, p0 * pixels, planes * pixels);
    gpu.dispatch(pipeline, new Uint32Array([s.h, s.w, xw.base, yw.base, wrap(dy, s.h), wrap(dx, s.w)]),
      [xw.binding, yw.binding], [Math.ceil(pixels / ELEMENTWISE_WORKGROUP), planes]);
  }
}
