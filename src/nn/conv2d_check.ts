import type { GpuTensor } from '../gpu/mod.ts';
import { type Conv2dShape, conv2dOutputSize, conv2dPads } from '../shapes/mod.ts';
import { checkDimensions, checkTensor } from './check_tensor.ts';

/**
 * Validates a conv2d shape (positive dimensions and stride; `pad` and each of `pads` in [0, size − 1]) and
 * the tensors given for it; returns the output height and width.
 */
export function checkConv2d(kernel: string, s: Conv2dShape, tensors: Readonly<Record<string, GpuTensor>>): readonly [number, number] {
  checkDimensions(kernel, { n: s.n, c: s.c, h: s.h, w: s.w, k: s.k, size: s.size });
  if (!Number.isInteger(s.pad) || s.pad < 0 || s.pad >= s.size) {
    throw new RangeError(`${kernel}: pad ${s.pad} must be an integer in [0, size − 1 = ${s.size - 1}]`);
  }
  const stride = s.stride ?? 1;
  if (!Number.isInteger(stride) || stride < 1) throw new RangeError(`${kernel}: stride ${stride} must be a positive integer`);
  const pads = conv2dPads(s);
  if (pads.length !== 4 || !pads.every((p) => Number.isInteger(p) && p >= 0 && p < s.size)) {
    throw new RangeError(`${kernel}: pads (${pads.join(', ')}) must be 4 integers [top, left, bottom, right] in [0, size − 1 = ${s.size - 1}]`);
  }
  const [oh, ow] = conv2dOutputSize(s);
  if (oh < 1 || ow < 1) {
    throw new RangeError(
      `${kernel}: a ${s.size}×${s.size} kernel with stride ${stride} and pads (${pads.join(', ')}) leaves no output of a ${s.h}×${s.w} input`,
    );
  }
  const shapes: Record<string, number[]> = {
    x: [s.n, s.c, s.h, s.w],
    dx: [s.n, s.c, s.h, s.w],
    y: [s.n, s.k, oh, ow],
    dy: [s.n, s.k, oh, ow],
    weight: [s.k, s.c, s.size, s.size],
    dWeight: [s.k, s.c, s.size, s.size],
    bias: [s.k],
    dBias: [s.k],
  };
  for (const [name, tensor] of Object.entries(tensors)) {
    const shape = shapes[name];
    checkTensor(kernel, name, tensor, shape.reduce((a, b) => a * b, 1), shape);
  }
  return [oh, ow];
}
