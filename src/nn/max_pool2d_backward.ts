import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import { type MaxPool2dShape, maxPool2dOutputSize, maxPool2dWindow } from '../shapes/mod.ts';
import code from '../../shaders/max_pool2d_backward.wgsl';
import v2 from '../../shaders/max_pool2d_backward_v2.wgsl';
import v3 from '../../shaders/max_pool2d_backward_v3.wgsl';
import { checkPool, checkWindow } from './pool_check.ts';
import { countRuns, ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';
import { checkEpilogue, type Epilogue, epilogueCode, epilogueWindow } from './epilogue.ts';

const SHADER = { name: 'max_pool2d_backward', code };
const SHADER_V2 = { name: 'max_pool2d_backward_v2', code: v2 };
const SHADER_V3 = { name: 'max_pool2d_backward_v3', code: v3 };
// v2's workgroups: 8 window columns (one 8-lane subgroup on lavapipe) × this many window rows; v3's
// columns are groups of 4 windows.
const V2_ROWS = 16;

/**
 * 1 gathers per input element (any window); 2 scatters per window, for windows that tile without overlap
 * or padding; 3 scatters four unpadded 2×2/2 windows in vec4s, for an even height and rows of a multiple of 8.
 */
export type MaxPool2dBackwardVariant = 1 | 2 | 3;

/**
 * Max-pool backward: dx[i] is the sum of dy over the windows whose switch names element i, zero where
 * none does. Overlapping windows (3×3/2) are gathered, not scattered: no atomics.
 * dy, switches: (n, c, oh, ow)  dx: (n, c, h, w), written whole. `variant` defaults to
 * `maxPool2dBackwardVariant`'s. `epilogue` (variants 2 and 3) applies the backward
 * rule of a ReLU below the pool to what each switch's element gets: its mask is the pool's output
 * (n, c, oh, ow), which at the switch's element is that ReLU's output there.
 */
export async function maxPool2dBackward(
  gpu: Gpu,
  s: MaxPool2dShape,
  dy: GpuTensor,
  switches: GpuTensor,
  dx: GpuTensor,
  variant?: MaxPool2dBackwardVariant,
  epilogue?: Epilogue,
): Promise<void> {
  const { size, stride, pads } = maxPool2dWindow(s);
  checkWindow('max_pool2d_backward', size, stride, pads);
  const [oh, ow] = maxPool2dOutputSize(s);
  checkPool('max_pool2d_backward', s, oh, ow, { dy, switches, dx });
  const tiling = stride === size && pads.every((pad) => pad === 0);
  if (variant === 2 && !tiling) throw new RangeError(`max_pool2d_backward: variant 2 needs windows that tile (stride = size, no padding), got ${size}×${size}/${stride}`);
  if (variant === 3 && maxPool2dBackwardVariant(s) !== 3) {
    throw new RangeError(`max_pool2d_backward: variant 3 takes unpadded 2×2/2 windows on an even height and rows of a multiple of 8, not ${size}×${size}/${stride} on ${s.h}×${s.w}`);
  }
  variant ??= maxPool2dBackwardVariant(s);
  if (epilogue !== undefined && (variant === 1 || epilogue.kind === 'relu')) {
    throw new RangeError(`max_pool2d_backward: only variants 2 and 3 take an epilogue, and a ReLU rule (gradient, deconvnet, guided); got variant ${variant}, ${epilogue.kind}`);
  }
  checkEpilogue('max_pool2d_backward', epilogue, dy.length);
  const inImage = s.c * s.h * s.w;
  const outImage = s.c * oh * ow;
  if (variant !== 1) {
    // Version 2 is compiled only where a window of the batch runs it.
    let pipeline: GPUComputePipeline | undefined;
    const quads = variant === 3 ? await gpu.pipeline(SHADER_V3, { ROWS: V2_ROWS, EPILOGUE: epilogueCode(epilogue) }) : undefined;
    const most = gpu.limits.workgroupsPerDimension;
    if (Math.ceil(oh / V2_ROWS) > most || Math.ceil(ow / 8) > most) throw new RangeError(`max_pool2d_backward: a ${oh}×${ow} output needs more than ${most} workgroups a dimension`);
    for (const [n0, n] of itemSlices(gpu, 'max_pool2d_backward', s.n, { dx: inImage, dy: outImage })) {
      const dyw = gpu.window(dy, n0 * outImage, n * outImage);
      const sw = gpu.window(switches, n0 * outImage, n * outImage);
      const dxw = gpu.window(dx, n0 * inImage, n * inImage);
      // Without a mask to read, the mask binding takes dy (read-only, never read through it).
      const mw = epilogueWindow(gpu, epilogue, n0 * outImage, n * outImage);
      // Variant 3's shapes start every image on a group of 8: the bases are on vec4s wherever bindings align to 16 bytes or more.
      const aligned = quads !== undefined && dyw.base % 4 === 0 && dxw.base % 4 === 0 && (mw?.base ?? 0) % 4 === 0;
      for (const [plane0, planes] of countRuns(n * s.c, most)) {
        if (aligned) {
          const params = new Uint32Array([n, s.c, s.h, s.w, oh, ow, n0, dyw.base, dxw.base, mw?.base ?? 0, plane0]);
          gpu.dispatch(quads, params, [dyw.binding, sw.binding, dxw.binding, (mw ?? dyw).binding], [Math.ceil(ow / 4 / 8), Math.ceil(oh / V2_ROWS), planes]);
          continue;
        }
        const params = new Uint32Array([n, s.c, s.h, s.w, oh, ow, n0, dyw.base, dxw.base, size, mw?.base ?? 0, plane0]);
        pipeline ??= await gpu.pipeline(SHADER_V2, { ROWS: V2_ROWS, TWO: size === 2 ? 1 : 0, EPILOGUE: epilogueCode(epilogue) });
        gpu.dispatch(pipeline, params, [dyw.binding, sw.binding, dxw.binding, (mw ?? dyw).binding], [Math.ceil(ow / 8), Math.ceil(oh / V2_ROWS), planes]);
      }
    }
    return;
  }
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  for (const [n0, n] of itemSlices(gpu, 'max_pool2d_backward', s.n, { dx: inImage, dy: outImage })) {
    const dyw = gpu.window(dy, n0 * outImage, n * outImage);
    const sw = gpu.window(switches, n0 * outImage, n * outImage);
    const dxw = gpu.window(dx, n0 * inImage, n * inImage);
    // dy and switches share one base: windows at the same element offset align alike.
    const params = new Uint32Array([n, s.c, s.h, s.w, oh, ow, n0, dyw.base, dxw.base, size, stride, pads[0], pads[1]]);
    gpu.dispatch(pipeline, params, [dyw.binding, sw.binding, dxw.binding], gpu.grid(Math.ceil((n * inImage) / ELEMENTWISE_WORKGROUP)));
  }
}

/**
 * The variant maxPool2dBackward picks for `s` when given none: 3 for unpadded 2×2/2 windows on an even
 * height and rows of a multiple of 8, else 2 for windows that tile (stride = size, no padding), else 1.
 */
export function maxPool2dBackwardVariant(s: MaxPool2dShape): MaxPool2dBackwardVariant {
  const { size, stride, pads } = maxPool2dWindow(s);
  if (stride !== size || !pads.every((pad) => pad === 0)) return 1;
  return size === 2 && s.h % 2 === 0 && s.w % 8 === 0 ? 3 : 2;
}
