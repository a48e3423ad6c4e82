import type { Gpu } from '../gpu/mod.ts';

/**
 * Refuses a kernel variant that passes values between the lanes of 8-lane subgroups on an adapter that
 * does not run subgroups of 8 (see `Gpu.subgroupSize`).
 */
export function checkSubgroups(kernel: string, gpu: Gpu, variant: number): void {
  if (gpu.subgroupSize !== 8) {
    const has = gpu.subgroupSize === undefined ? 'no fixed subgroup size' : `subgroups of ${gpu.subgroupSize}`;
    throw new RangeError(`${kernel}: variant ${variant} needs an adapter that runs subgroups of 8 invocations (this one has ${has})`);
  }
}
