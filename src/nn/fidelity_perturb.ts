import type { Gpu, GpuTensor } from '../gpu/mod.ts';
import code from '../../shaders/fidelity_perturb.wgsl';
import { checkDimensions, checkTensor } from './check_tensor.ts';
import { ELEMENTWISE_WORKGROUP, itemSlices } from './slices.ts';

const SHADER = { name: 'fidelity_perturb', code };

/** The shape of a fidelity perturbation: n images (C, H, W) and K = steps + 1 checkpoints. */
export interface FidelityPerturbShape {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly checkpoints: number;
}

/** What the changed pixels become: deletion sets them to a constant, insertion starts from a constant or a tensor. */
export interface FidelitySubstrates {
  /** The value, in normalised units, of a deleted pixel in every channel. */
  readonly deletion: number;
  /** The all-empty image that insertion starts from: a constant in normalised units, or (n, C, H, W) values (a blurred copy). */
  readonly insertion: number | GpuTensor;
}

/**
 * The 2K perturbed copies of each of n images for insertion/deletion fidelity, built on the GPU from the
 * images, the rank of every pixel and the checkpoints: y (n, 2K, C, H, W) holds, for image i, the deletion
 * copies j < K (the pixels of rank < k_j set to `substrates.deletion`, all channels together) and then the
 * insertion copies (the pixels of rank < k_j kept, the rest the insertion start).
 * x: (n, C, H, W) f32; ranks: (n, H·W) u32, a permutation of 0 … H·W − 1 per image; checkpoints: (K) u32,
 * each ≤ H·W. x and y may be larger than one binding: the images are taken in runs that fit.
 * @throws RangeError for a tensor of the wrong length, an empty dimension or y aliasing an input.
 */
export async function fidelityPerturb(
  gpu: Gpu,
  s: FidelityPerturbShape,
  x: GpuTensor,
  ranks: GpuTensor,
  checkpoints: GpuTensor,
  substrates: FidelitySubstrates,
  y: GpuTensor,
): Promise<void> {
  checkDimensions('fidelity_perturb', { n: s.n, c: s.c, h: s.h, w: s.w, checkpoints: s.checkpoints });
  const pixels = s.h * s.w;
  const image = s.c * pixels;
  const copies = 2 * s.checkpoints;
  for (const input of [x, ranks, checkpoints, typeof substrates.insertion === 'number' ? undefined : substrates.insertion]) {
    if (input === y) throw new RangeError('fidelity_perturb: y must not be one of its inputs');
  }
  checkTensor('fidelity_perturb', 'x', x, s.n * image, [s.n, s.c, s.h, s.w]);
  checkTensor('fidelity_perturb', 'ranks', ranks, s.n * pixels, [s.n, pixels]);
  checkTensor('fidelity_perturb', 'checkpoints', checkpoints, s.checkpoints, [s.checkpoints]);
  checkTensor('fidelity_perturb', 'y', y, s.n * copies * image, [s.n, copies, s.c, s.h, s.w]);
  const start = typeof substrates.insertion === 'number' ? undefined : substrates.insertion;
  if (start) checkTensor('fidelity_perturb', 'insertion start', start, s.n * image, [s.n, s.c, s.h, s.w]);
  const pipeline = await gpu.pipeline(SHADER, { WG: ELEMENTWISE_WORKGROUP });
  const params = new Uint32Array(12);
  const floats = new Float32Array(params.buffer);
  const ck = gpu.window(checkpoints);
  const perItem = { y: copies * image, x: image, ranks: pixels };
  for (const [first, count] of itemSlices(gpu, 'fidelity_perturb', s.n, perItem)) {
    const xw = gpu.window(x, first * image, count * image);
    const rw = gpu.window(ranks, first * pixels, count * pixels);
    // Without a start tensor the shader reads none; x stands in for the binding (two read-only bindings may alias).
    const sw = start ? gpu.window(start, first * image, count * image) : xw;
    const yw = gpu.window(y, first * copies * image, count * copies * image);
    const elements = count * copies * image;
    params.set([elements, xw.base, rw.base, ck.base, sw.base, yw.base, pixels, s.c, s.checkpoints, start ? 1 : 0]);
    floats[10] = substrates.deletion;
    floats[11] = typeof substrates.insertion === 'number' ? substrates.insertion : 0;
    gpu.dispatch(pipeline, params, [xw.binding, rw.binding, ck.binding, sw.binding, yw.binding], gpu.grid(Math.ceil(elements / ELEMENTWISE_WORKGROUP)));
  }
}
