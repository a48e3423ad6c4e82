import { f32Bits, type Gpu, type GpuTensor } from '../gpu/mod.ts';
import type { ImageShape } from '../shapes/mod.ts';
import code from '../../shaders/input_product_map.wgsl';
import { checkDimensions, checkTensor } from './check_tensor.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

const SHADER = { name: 'input_product_map', code };

/**
 * map[n, i, j] = maxᶜ |scale · (x[n, c, i, j] − baseline) · g[n, c, i, j]|: gradient × input with the
 * defaults (baseline 0, scale 1), Integrated Gradients' map with g the sum of the m midpoint gradients
 * and scale 1/m. x, g: (n, c, h, w)  map: (n, h, w).
 */
export async function inputProductMap(
  gpu: Gpu,
  s: ImageShape,
  x: GpuTensor,
  g: GpuTensor,
  map: GpuTensor,
  options: { readonly baseline?: number; readonly scale?: number } = {},
): Promise<void> {
  checkDimensions('input_product_map', { n: s.n, c: s.c, h: s.h, w: s.w });
  const { baseline = 0, scale = 1 } = options;
  if (!Number.isFinite(baseline) || !Number.isFinite(scale)) {
    throw new RangeError(`input_product_map: baseline ${baseline} and scale ${scale} must be finite`);
  }
  const pixels = s.h * s.w;
  checkTensor('input_product_map', 'x', x, s.n * s.c * pixels, [s.n, s.c, s.h, s.w]);
  checkTensor('input_product_map', 'g', g, s.n * s.c * pixels, [s.n, s.c, s.h, s.w]);
  checkTensor('input_product_map', 'map', map, s.n * pixels, [s.n, s.h, s.w]);
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  for (const [n0, n] of itemSlices(gpu, 'input_product_map', s.n, { x: s.c * pixels, g: s.c * pixels })) {
    const xw = gpu.window(x, n0 * s.c * pixels, n * s.c * pixels);
    const gw = gpu.window(g, n0 * s.c * pixels, n * s.c * pixels);
    const mw = gpu.window(map, n0 * pixels, n * pixels);
    gpu.dispatch(pipeline, new Uint32Array([n, s.c, pixels, xw.base, gw.base, mw.base, f32Bits(baseline), f32Bits(scale)]),
      [xw.binding, gw.binding, mw.binding], gpu.grid(Math.ceil((n * pixels) / ELEMENTWISE_WORKGROUP)));
  }
}
