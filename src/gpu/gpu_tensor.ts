/**
 * A GPU buffer of 4-byte elements (f32, or u32 for max-pool switches). Tensors may be larger than one
 * binding: kernels bind them in windows (see `Gpu.window`).
 */
export interface GpuTensor {
  readonly buffer: GPUBuffer;
  /** Number of 4-byte elements. */
  readonly length: number;
  readonly label: string;
}
