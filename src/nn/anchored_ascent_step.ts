import { f32Bits, type Gpu, type GpuTensor } from '../gpu/mod.ts';
import code from '../../shaders/anchored_ascent_step.wgsl';
import { checkDimensions, checkTensor } from './check_tensor.ts';
import { ELEMENTWISE_WORKGROUP, elementSlices } from './slices.ts';

const SHADER = { name: 'anchored_ascent_step', code };

/**
 * One step of class-model visualisation about an anchor image, in place on the batch `image`
 * (n, c, h, w): image ← clamp(image + η (gradient − 2λ (image − anchor)), lower_c, upper_c), the ascent on
 * S_c(I) − λ‖I − I₀‖² kept inside the pixel range. `anchor` is one (c, h, w) image, I₀, shared by the
 * batch; `bounds` holds (lower_c, upper_c) for each channel, 2c values.
 */
export async function anchoredAscentStep(
  gpu: Gpu,
  shape: { readonly n: number; readonly c: number; readonly h: number; readonly w: number },
  image: GpuTensor,
  gradient: GpuTensor,
  anchor: GpuTensor,
  bounds: GpuTensor,
  learningRate: number,
  l2: number,
): Promise<void> {
  const { n, c, h, w } = shape;
  checkDimensions('anchored_ascent_step', { n, c, h, w });
  const count = n * c * h * w;
  const dims = [n, c, h, w];
  checkTensor('anchored_ascent_step', 'image', image, count, dims);
  checkTensor('anchored_ascent_step', 'gradient', gradient, count, dims);
  checkTensor('anchored_ascent_step', 'anchor', anchor, c * h * w, [c, h, w]);
  checkTensor('anchored_ascent_step', 'bounds', bounds, 2 * c, [c, 2]);
  if (!Number.isFinite(learningRate) || !Number.isFinite(l2) || l2 < 0) {
    throw new RangeError(`anchored_ascent_step: learning rate ${learningRate} must be finite and λ ${l2} finite and ≥ 0`);
  }
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  const fixed = [gpu.window(anchor).binding, gpu.window(bounds).binding];
  for (const [start, length] of elementSlices(gpu, count)) {
    const [imageWindow, gradientWindow] = [gpu.window(image, start, length), gpu.window(gradient, start, length)];
    const params = new Uint32Array([length, imageWindow.base, gradientWindow.base, start, h * w, c, f32Bits(learningRate), f32Bits(l2)]);
    gpu.dispatch(pipeline, params, [imageWindow.binding, gradientWindow.binding, ...fixed], gpu.grid(Math.ceil(length / ELEMENTWISE_WORKGROUP)));
  }
}
