import type { GpuTensor } from '../gpu/mod.ts';
import type { LinearShape } from '../shapes/mod.ts';
import { checkDimensions, checkTensor } from './check_tensor.ts';

/** Validates a fully connected layer's shape and the tensors given for it. */
export function checkLinear(kernel: string, s: LinearShape, tensors: Readonly<Record<string, GpuTensor>>): void {
  checkDimensions(kernel, { n: s.n, inFeatures: s.inFeatures, outFeatures: s.outFeatures });
  const shapes: Record<string, number[]> = {
    x: [s.n, s.inFeatures],
    dx: [s.n, s.inFeatures],
    y: [s.n, s.outFeatures],
    dy: [s.n, s.outFeatures],
    weight: [s.outFeatures, s.inFeatures],
    dWeight: [s.outFeatures, s.inFeatures],
    bias: [s.outFeatures],
    dBias: [s.outFeatures],
  };
  for (const [name, tensor] of Object.entries(tensors)) {
    const shape = shapes[name];
    checkTensor(kernel, name, tensor, shape.reduce((a, b) => a * b, 1), shape);
  }
}
