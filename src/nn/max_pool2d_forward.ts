import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import { type MaxPool2dShape, maxPool2dOutputSize, maxPool2dWindow } from '../shapes/mod.ts';
import code from '../../shaders/max_pool2d_forward.wgsl';
import v2 from '../../shaders/max_pool2d_forward_v2.wgsl';
import { checkPool, checkWindow } from './pool_check.ts';
import { countRuns, itemSlices } from './slices.ts';

const SHADER = { name: 'max_pool2d_forward', code };
const SHADER_V2 = { name: 'max_pool2d_forward_v2', code: v2 };
// A workgroup is 8 output columns (one 8-lane subgroup on lavapipe) × ROWS output rows; v2's columns are
// groups of 4 windows.
const ROWS = 16;

/**
 * 1 is max_pool2d_forward.wgsl, any window, stride and padding; 2 reads and writes four 2×2/2 windows in
 * vec4s, for unpadded 2×2/2 pools on rows of a multiple of 8 (`maxPool2dForwardVariant`).
 */
export type MaxPool2dForwardVariant = 1 | 2;

/**
 * Max-pool with the shape's window, stride and padding (default 2×2, stride 2, none; padding counts as
 * −∞), floor mode. x: (n, c, h, w)  y, switches: (n, c, oh, ow) (`maxPool2dOutputSize`); a switch is the
 * flat index into the whole of x of its window's maximum (the first, in row-major window order, on a tie).
 * `variant` defaults to `maxPool2dForwardVariant`'s; both give the same values (a window of the batch
 * whose binding starts off a vec4 would run by variant 1).
 */
export async function maxPool2dForward(
  gpu: Gpu,
  s: MaxPool2dShape,
  x: GpuTensor,
  y: GpuTensor,
  switches: GpuTensor,
  variant: MaxPool2dForwardVariant = maxPool2dForwardVariant(s),
): Promise<void> {
  const { size, stride, pads } = maxPool2dWindow(s);
  checkWindow('max_pool2d_forward', size, stride, pads);
  const [oh, ow] = maxPool2dOutputSize(s);
  checkPool('max_pool2d_forward', s, oh, ow, { x, y, switches });
  if (variant === 2 && maxPool2dForwardVariant(s) !== 2) {
    throw new RangeError(`max_pool2d_forward: variant 2 takes unpadded 2×2/2 windows on rows of a multiple of 8, not ${size}×${size}/${stride} on ${s.w}`);
  }
  const inImage = s.c * s.h * s.w;
  const outImage = s.c * oh * ow;
  const two = size === 2 && stride === 2 && pads.every((pad) => pad === 0);
  // Version 1 is compiled only where a window of the batch runs it.
  let pipeline: GPUComputePipeline | undefined;
  const quads = variant === 2 ? await gpu.pipeline(SHADER_V2, { ROWS }) : undefined;
  const most = gpu.limits.workgroupsPerDimension;
  if (Math.ceil(oh / ROWS) > most || Math.ceil(ow / 8) > most) throw new RangeError(`max_pool2d_forward: a ${oh}×${ow} output needs more than ${most} workgroups a dimension`);
  for (const [n0, n] of itemSlices(gpu, 'max_pool2d_forward', s.n, { x: inImage, y: outImage })) {
    const xw = gpu.window(x, n0 * inImage, n * inImage);
    const yw = gpu.window(y, n0 * outImage, n * outImage);
    const sw = gpu.window(switches, n0 * outImage, n * outImage);
    // y and the switches share one base: windows at the same element offset align alike. Variant 2's
    // shapes start every image on a group of 8, so this holds wherever bindings align to 16 bytes or more.
    const aligned = quads !== undefined && xw.base % 4 === 0 && yw.base % 4 === 0;
    for (const [plane0, planes] of countRuns(n * s.c, most)) {
      if (aligned) {
        const params = new Uint32Array([n, s.c, s.h, s.w, oh, ow, n0, xw.base, yw.base, plane0]);
        gpu.dispatch(quads, params, [xw.binding, yw.binding, sw.binding], [Math.ceil(ow / 4 / 8), Math.ceil(oh / ROWS), planes]);
        continue;
      }
      pipeline ??= await gpu.pipeline(SHADER, { ROWS, TWO: two ? 1 : 0 });
      const params = new Uint32Array([n, s.c, s.h, s.w, oh, ow, n0, xw.base, yw.base, size, stride, pads[0], pads[1], plane0]);
      gpu.dispatch(pipeline, params, [xw.binding, yw.binding, sw.binding], [Math.ceil(ow / 8), Math.ceil(oh / ROWS), planes]);
    }
  }
}

/** The variant maxPool2dForward picks for `s` when given none: 2 for unpadded 2×2/2 windows on rows of a multiple of 8, else 1. */
export function maxPool2dForwardVariant(s: MaxPool2dShape): MaxPool2dForwardVariant {
  const { size, stride, pads } = maxPool2dWindow(s);
  return size === 2 && stride === 2 && pads.every((pad) => pad === 0) && s.w % 8 === 0 ? 2 : 1;
}
