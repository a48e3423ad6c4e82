import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import { type MaxPool2dShape, maxPool2dOutputSize, maxPool2dWindow } from '../shapes/mod.ts';
import code from '../../shaders/max_pool2d_forward.wgsl';
import { checkPool, checkWindow } from './pool_check.ts';
import { countRuns, itemSlices } from './slices.ts';

const SHADER = { name: 'max_pool2d_forward', code };
// A workgroup is 8 output columns (one 8-lane subgroup on lavapipe) × ROWS output rows.
const ROWS = 16;

/**
 * Max-pool with the shape's window, stride and padding (default 2×2, stride 2, none; padding counts as
 * −∞), floor mode. x: (n, c, h, w)  y, switches: (n, c, oh, ow) (`maxPool2dOutputSize`); a switch is the
 * flat index into the whole of x of its window's maximum (the first, in row-major window order, on a tie).
 */
export async function maxPool2dForward(gpu: Gpu, s: MaxPool2dShape, x: GpuTensor, y: GpuTensor, switches: GpuTensor): Promise<void> {
  const { size, stride, pads } = maxPool2dWindow(s);
  checkWindow('max_pool2d_forward', size, stride, pads);
  const [oh, ow] = maxPool2dOutputSize(s);
  checkPool('max_pool2d_forward', s, oh, ow, { x, y, switches });
  const inImage = s.c * s.h * s.w;
  const outImage = s.c * oh * ow;
  const two = size === 2 && stride === 2 && pads.every((pad) => pad === 0);
  const pipeline = await gpu.pipeline(SHADER, { ROWS, TWO: two ? 1 : 0 });
  const most = gpu.limits.workgroupsPerDimension;
  if (Math.ceil(oh / ROWS) > most || Math.ceil(ow / 8) > most) throw new RangeError(`max_pool2d_forward: a ${oh}×${ow} output needs more than ${most} workgroups a dimension`);
  for (const [n0, n] of itemSlices(gpu, 'max_pool2d_forward', s.n, { x: inImage, y: outImage })) {
    const xw = gpu.window(x, n0 * inImage, n * inImage);
    const yw = gpu.window(y, n0 * outImage, n * outImage);
    const sw = gpu.window(switches, n0 * outImage, n * outImage);
    for (const [plane0, planes] of countRuns(n * s.c, most)) {
      const params = new Uint32Array([n, s.c, s.h, s.w, oh, ow, n0, xw.base, yw.base, size, stride, pads[0], pads[1], plane0]);
      gpu.dispatch(pipeline, params, [xw.binding, yw.binding, sw.binding], [Math.ceil(ow / 8), Math.ceil(oh / ROWS), planes]);
    }
  }
}
