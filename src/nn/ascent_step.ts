import { f32Bits, type Gpu, type GpuTensor } from '../gpu/mod.ts';
import code from '../../shaders/ascent_step.wgsl';
import { checkTensor } from './check_tensor.ts';
import { dispatchElementwise, ELEMENTWISE_WORKGROUP } from './slices.ts';

const SHADER = { name: 'ascent_step', code };

/**
 * One step of class-model visualisation, in place: image ← image + η (gradient − 2λ image), the
 * ascent on S_c(I) − λ‖I‖² of Simonyan et al. 2014, section 2.
 */
export async function ascentStep(gpu: Gpu, image: GpuTensor, gradient: GpuTensor, learningRate: number, l2: number): Promise<void> {
  checkTensor('ascent_step', 'gradient', gradient, image.length, [image.length]);
  if (!Number.isFinite(learningRate) || !Number.isFinite(l2) || l2 < 0) {
    throw new RangeError(`ascent_step: learning rate ${learningRate} must be finite and λ ${l2} finite and ≥ 0`);
  }
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  dispatchElementwise(gpu, pipeline, [image, gradient], image.length, [f32Bits(learningRate), f32Bits(l2)]);
}
