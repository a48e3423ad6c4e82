import type { GpuTensor } from '../gpu/mod.ts';
import type { ImageShape } from '../shapes/mod.ts';
import { checkDimensions, checkTensor } from './check_tensor.ts';

const INPUT_NAMES = new Set(['x', 'dx']);

/** Validates a pooling shape with output oh×ow, and its tensors (x/dx at the input size, the rest at the output's). */
export function checkPool(kernel: string, s: ImageShape, oh: number, ow: number, tensors: Readonly<Record<string, GpuTensor>>): void {
  checkDimensions(kernel, { n: s.n, c: s.c, h: s.h, w: s.w });
  if (oh < 1 || ow < 1) throw new RangeError(`${kernel}: a ${s.h}×${s.w} input leaves no output (${oh}×${ow})`);
  for (const [name, tensor] of Object.entries(tensors)) {
    const shape = INPUT_NAMES.has(name) ? [s.n, s.c, s.h, s.w] : [s.n, s.c, oh, ow];
    checkTensor(kernel, name, tensor, shape[0] * shape[1] * shape[2] * shape[3], shape);
  }
}

/**
 * Validates a pooling window: `size` and `stride` positive integers, each of `pads` an integer in
 * [0, size − 1], so that every window holds at least one element of x.
 */
export function checkWindow(kernel: string, size: number, stride: number, pads: readonly number[]): void {
  checkDimensions(kernel, { size, stride });
  if (pads.length !== 4 || !pads.every((p) => Number.isInteger(p) && p >= 0 && p < size)) {
    throw new RangeError(`${kernel}: pads (${pads.join(', ')}) must be 4 integers [top, left, bottom, right] in [0, size − 1 = ${size - 1}]`);
  }
}
