import type { GpuTensor } from '../gpu/mod.ts';

/** Throws a RangeError naming the kernel and tensor unless `tensor` holds exactly `length` elements. */
export function checkTensor(kernel: string, name: string, tensor: GpuTensor, length: number, shape: readonly number[]): void {
  if (tensor.length !== length) {
    throw new RangeError(
      `${kernel}: ${name} (${tensor.label}) has ${tensor.length} elements but shape (${shape.join(', ')}) needs ${length}`,
    );
  }
}

/** Throws a RangeError unless every named dimension is a positive integer. */
export function checkDimensions(kernel: string, dimensions: Readonly<Record<string, number>>): void {
  for (const [name, value] of Object.entries(dimensions)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`${kernel}: ${name} must be a positive integer, got ${value}`);
    }
  }
}
