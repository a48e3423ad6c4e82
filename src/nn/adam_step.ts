import type { AdamOptions } from '../shapes/mod.ts';
import { f32Bits, type Gpu, type GpuTensor } from '../gpu/mod.ts';
import code from '../../shaders/adam_step.wgsl';
import { checkTensor } from './check_tensor.ts';
import { dispatchElementwise, ELEMENTWISE_WORKGROUP } from './slices.ts';

const SHADER = { name: 'adam_step', code };

/** One Adam step (PyTorch's), in place on param, m and v; `step` counts from 1. */
export async function adamStep(gpu: Gpu, param: GpuTensor, grad: GpuTensor, m: GpuTensor, v: GpuTensor, step: number, o: AdamOptions): Promise<void> {
  if (!Number.isInteger(step) || step < 1) throw new RangeError(`adam_step: step ${step} must be an integer ≥ 1`);
  for (const [name, tensor] of [['grad', grad], ['m', m], ['v', v]] as const) {
    checkTensor('adam_step', name, tensor, param.length, [param.length]);
  }
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  const correction1 = 1 - o.beta1 ** step;
  const correction2 = 1 - o.beta2 ** step;
  dispatchElementwise(gpu, pipeline, [param, grad, m, v], param.length, [
    f32Bits(o.learningRate), f32Bits(o.beta1), f32Bits(o.beta2), f32Bits(o.epsilon),
    f32Bits(o.weightDecay ?? 0), f32Bits(correction1), f32Bits(correction2),
  ]);
}
