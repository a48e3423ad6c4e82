import type { Gpu } from '../src/gpu/mod.ts';

/** The first `stamps` timestamps of `querySet` (ns), after the work recorded so far on `gpu` has run. */
export async function readTimestamps(gpu: Gpu, querySet: GPUQuerySet, stamps: number): Promise<BigUint64Array> {
  const resolve = gpu.device.createBuffer({ size: 8 * stamps, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const staging = gpu.device.createBuffer({ size: 8 * stamps, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = gpu.encoder();
  encoder.resolveQuerySet(querySet, 0, stamps, resolve, 0);
  encoder.copyBufferToBuffer(resolve, 0, staging, 0, 8 * stamps);
  await gpu.sync();
  await staging.mapAsync(GPUMapMode.READ);
  const times = new BigUint64Array(staging.getMappedRange().slice(0));
  staging.destroy();
  resolve.destroy();
  return times;
}
