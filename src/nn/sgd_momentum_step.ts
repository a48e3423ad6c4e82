import type { SgdMomentumOptions } from '../shapes/mod.ts';
import { f32Bits, type Gpu, type GpuTensor } from '../gpu/mod.ts';
import code from '../../shaders/sgd_momentum_step.wgsl';
import { checkTensor } from './check_tensor.ts';
import { dispatchElementwise, ELEMENTWISE_WORKGROUP } from './slices.ts';

const SHADER = { name: 'sgd_momentum_step', code };

/** One step of SGD with momentum (PyTorch's), in place on param and velocity. */
export async function sgdMomentumStep(gpu: Gpu, param: GpuTensor, grad: GpuTensor, velocity: GpuTensor, o: SgdMomentumOptions): Promise<void> {
  checkTensor('sgd_momentum_step', 'grad', grad, param.length, [param.length]);
  checkTensor('sgd_momentum_step', 'velocity', velocity, param.length, [param.length]);
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  dispatchElementwise(gpu, pipeline, [param, grad, velocity], param.length,
    [f32Bits(o.learningRate), f32Bits(o.momentum), f32Bits(o.weightDecay ?? 0)]);
}
