/**
 * Reading model and data files into typed arrays, in Node and the browser alike: everything works on
 * `Uint8Array`s, and fetching or reading the bytes is left to the caller.
 * @module
 */
export { bfloat16ToFloat32, float32ToBfloat16 } from './bfloat16.ts';
export { float16ToFloat32, float32ToFloat16 } from './float16.ts';
export { type IdxArray, readIdx } from './idx.ts';
export { readSafetensors, type SafetensorsFile, type SafetensorsTensor } from './safetensors_read.ts';
export { type Float32Tensor, writeSafetensors } from './safetensors_write.ts';
