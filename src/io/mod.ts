/**
 * Reading model and data files into typed arrays, and writing them back (safetensors, .npy), in Node and
 * the browser alike: everything works on `Uint8Array`s, and fetching, reading or saving the bytes is left
 * to the caller.
 * @module
 */
export { bfloat16ToFloat32, float32ToBfloat16 } from './bfloat16.ts';
export { float16ToFloat32, float32ToFloat16 } from './float16.ts';
export { countNonFinite } from './count_non_finite.ts';
export { FormatError } from './format_error.ts';
export { type IdxArray, readIdx } from './idx.ts';
export { type NpyArray, readNpy } from './read_npy.ts';
export { readSafetensors, type SafetensorsFile, type SafetensorsTensor } from './safetensors_read.ts';
export { type Float32Tensor, writeSafetensors } from './safetensors_write.ts';
export { writeNpy } from './write_npy.ts';
