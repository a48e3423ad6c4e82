import type { BindingWindow, Gpu } from '../gpu/mod.ts';
import code from '../../shaders/conv2d_split_sum.wgsl';
import { type Epilogue, epilogueCode } from './epilogue.ts';
import { ELEMENTWISE_WORKGROUP } from './slices.ts';

const SHADER = { name: 'conv2d_split_sum', code };

/**
 * y = epilogue(Σ_s partial[s] + bias) for `images` images of `k` planes of `plane` elements: the second pass
 * of a direct convolution split over its input channels (conv2dForwardDirect). partial: (images · splits, k,
 * plane), image i's split s at i · splits + s; bias: (k); y and the epilogue's mask `mw` (where it reads
 * one): (images, k, plane).
 */
export async function conv2dSplitSum(
  gpu: Gpu,
  shape: { readonly images: number; readonly splits: number; readonly k: number; readonly plane: number },
  partial: BindingWindow,
  bias: BindingWindow,
  y: BindingWindow,
  epilogue?: Epilogue,
  mw?: BindingWindow,
): Promise<void> {
  const count = shape.k * shape.plane;
  const total = shape.images * count;
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP, EPILOGUE: epilogueCode(epilogue) });
  // Without a mask to read, the mask binding takes the bias (read-only, never read there).
  gpu.dispatch(pipeline, new Uint32Array([count, shape.plane, total, shape.splits, partial.base, y.base, mw?.base ?? 0]),
    [partial.binding, bias.binding, y.binding, (mw ?? bias).binding], gpu.grid(Math.ceil(total / ELEMENTWISE_WORKGROUP)));
}
