import type { BindingWindow, Gpu } from '../gpu/mod.ts';
import code from '../../shaders/conv2d_split_sum.wgsl';
import { type Epilogue, epilogueCode } from './epilogue.ts';
import { ELEMENTWISE_WORKGROUP } from './slices.ts';

const SHADER = { name: 'conv2d_split_sum', code };

/**
 * y = epilogue(Σ_s partial[s]) over `count` elements: the second pass of a direct convolution split over its
 * input channels (conv2dForwardDirect). partial: `splits` × count sums, split 0's with the bias; y and the
 * epilogue's mask `mw` (where it reads one): count elements.
 */
export async function conv2dSplitSum(gpu: Gpu, partial: BindingWindow, splits: number, count: number, y: BindingWindow, epilogue?: Epilogue, mw?: BindingWindow): Promise<void> {
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP, EPILOGUE: epilogueCode(epilogue) });
  // Without a mask to read, the mask binding takes the partial sums (read-only, never read there).
  gpu.dispatch(pipeline, new Uint32Array([count, splits, partial.base, y.base, mw?.base ?? 0]), [partial.binding, y.binding, (mw ?? partial).binding],
    gpu.grid(Math.ceil(count / ELEMENTWISE_WORKGROUP)));
}
