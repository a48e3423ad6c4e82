import { formatBytes, type Gpu, type GpuTensor } from '../gpu/mod.ts';

/** The workgroup size of the one-invocation-per-element kernels. */
export const ELEMENTWISE_WORKGROUP = 256;

/**
 * Splits `n` items (images, or rows) into runs whose tensors each fit one binding, given each
 * tensor's elements per item. Throws a RangeError, with the fix, when a single item cannot fit.
 */
export function itemSlices(gpu: Gpu, kernel: string, n: number, perItem: Readonly<Record<string, number>>): Array<readonly [start: number, count: number]> {
  const limit = gpu.maxWindowElements;
  let widest = 1;
  for (const [name, elements] of Object.entries(perItem)) {
    if (elements > limit) {
      throw new RangeError(
        `${kernel}: one item of ${name} needs ${formatBytes(elements * 4)} but this adapter binds at most ` +
          `${formatBytes(gpu.limits.maxBindingBytes)} (maxStorageBufferBindingSize); use a smaller input`,
      );
    }
    widest = Math.max(widest, elements);
  }
  const step = Math.max(1, Math.floor(limit / widest));
  const slices: Array<readonly [number, number]> = [];
  for (let start = 0; start < n; start += step) slices.push([start, Math.min(step, n - start)]);
  return slices;
}

/**
 * Splits the n·c planes of an (n, c, h, w) image into runs that fit one binding and at most `most` planes
 * each (a dispatch's workgroups per dimension, for kernels that run over planes in y).
 */
export function planeSlices(gpu: Gpu, kernel: string, s: { n: number; c: number; h: number; w: number }, most: number): Array<readonly [start: number, count: number]> {
  return itemSlices(gpu, kernel, s.n * s.c, { plane: s.h * s.w })
    .flatMap(([start, count]) => countRuns(count, most).map(([at, planes]) => [start + at, planes] as const));
}

/** [start, count] runs of `count` items, at most `most` a run (a dispatch's workgroups in one dimension). */
export function countRuns(count: number, most: number): Array<readonly [start: number, count: number]> {
  const runs: Array<readonly [number, number]> = [];
  for (let start = 0; start < count; start += most) runs.push([start, Math.min(most, count - start)]);
  return runs;
}

/** Splits `count` elements into runs that fit one binding. */
export function elementSlices(gpu: Gpu, count: number): Array<readonly [start: number, count: number]> {
  return itemSlices(gpu, 'elementwise', count, { element: 1 });
}

/**
 * Records an elementwise kernel over `count` elements of each of `tensors` (bound at 1, 2, … in
 * order), slice by slice; its params are the count, each tensor's window base, then `extra` words. A
 * kernel that takes `perInvocation` elements per invocation gets that many times fewer invocations.
 */
export function dispatchElementwise(
  gpu: Gpu,
  pipeline: GPUComputePipeline,
  tensors: readonly GpuTensor[],
  count: number,
  extra: readonly number[] = [],
  perInvocation = 1,
): void {
  for (const [start, n] of elementSlices(gpu, count)) {
    const windows = tensors.map((tensor) => gpu.window(tensor, start, n));
    const params = new Uint32Array([n, ...windows.map((w) => w.base), ...extra]);
    gpu.dispatch(pipeline, params, windows.map((w) => w.binding), gpu.grid(Math.ceil(n / perInvocation / ELEMENTWISE_WORKGROUP)));
  }
}

/**
 * Whether an elementwise kernel over `count` elements can take them as vec4s: a whole number of them,
 * in slices that start on a vec4 (slices start at multiples of their length, a multiple of 4 here).
 */
export function wholeVec4s(gpu: Gpu, count: number): boolean {
  return count % 4 === 0 && elementSlices(gpu, count).every(([start, n]) => start % 4 === 0 && n % 4 === 0);
}
