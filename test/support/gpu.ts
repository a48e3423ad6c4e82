import { type Gpu, type GpuTensor, requestGpu } from '../../src/gpu/mod.ts';
import type { Random } from '../../src/random/mod.ts';

/** The GPU every test shares. */
export const gpu: Gpu = await requestGpu();
console.log(`  WebGPU adapter: ${gpu.adapterName}`);

/** Uploads `data` (float64 values are rounded to f32). */
export function upload(data: ArrayLike<number>, label = 'input'): GpuTensor {
  return gpu.tensorFrom(Float32Array.from(data), label);
}

/** A tensor of `length` uniform values in [-1, 1), and the same values as f32 on the CPU. */
export function randomTensor(random: Random, length: number, label = 'input'): { tensor: GpuTensor; data: Float32Array } {
  const data = random.uniformArray(length);
  return { tensor: gpu.tensorFrom(data, label), data };
}

/** An output tensor filled with NaN, so that an element the kernel never writes fails the comparison. */
export function poisoned(length: number, label = 'output'): GpuTensor {
  const tensor = gpu.tensor(length, label);
  gpu.poison(tensor);
  return tensor;
}
