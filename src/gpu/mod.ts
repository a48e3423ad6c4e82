/**
 * The GPU layer: one device per process or page, its limits, cached pipelines, tensors and binding
 * windows for tensors larger than one binding.
 * @module
 */
export type { BindingWindow } from './binding_window.ts';
export { f32Bits, formatBytes, Gpu, GPU_FILL_INVOCATIONS, type GpuLimits, type KernelSet } from './gpu.ts';
export type { GpuTensor } from './gpu_tensor.ts';
export { GpuFailureError } from './gpu_failure_error.ts';
export { NoWebGpuError } from './no_webgpu_error.ts';
export { requestGpu, webGpuInstance } from './request_gpu.ts';
export type { ShaderSource } from './shader_source.ts';
