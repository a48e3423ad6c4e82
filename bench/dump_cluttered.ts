// Writes a split of the project's cluttered scenes (3×64×64, seed CLUTTERED_SEED for train, + 1 for test; see
// src/cli/read_dataset.ts) to NumPy files for training outside the engine (weights/train_resnet.py):
//   PREFIX-images.npy  float16 (N, 3, 64, 64), pixels in [0, 1], not normalised
//   PREFIX-labels.npy  uint8 (N,)
// float16 keeps the 60,000 training scenes at 1.5 GB (float32 would be 2.9 GB); its rounding (< 2^-11 of a
// pixel) is far below anything a classifier sees.
//
// usage: node .ci/build.mjs dump-cluttered && node .build/bench/dump-cluttered.mjs train|test COUNT PREFIX
import { openSync, writeSync, closeSync } from 'node:fs';
import { float32ToFloat16 } from '../src/io/mod.ts';
import { readClutteredDataset } from '../src/cli/mod.ts';

const [split, countText, prefix] = process.argv.slice(2);
if ((split !== 'train' && split !== 'test') || !countText || !prefix) {
  console.error('usage: dump-cluttered train|test COUNT PREFIX');
  process.exit(2);
}
const dataset = readClutteredDataset(split);
const count = Math.min(Number(countText), dataset.length);
if (!Number.isInteger(count) || count <= 0) throw new RangeError(`dump-cluttered: COUNT ${countText} must be a positive integer`);
const { channels, height, width } = dataset.input;
const size = channels * height * width;

/** The header of a version 1.0 .npy file of `descr` and `shape`, padded so that the data starts on 64 bytes. */
function npyHeader(descr: string, shape: readonly number[]): Uint8Array {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${tuple}, }`;
  const length = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10;
  const out = new Uint8Array(10 + length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, length, true);
  const text = dict.padEnd(length - 1, ' ') + '\n';
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

const images = openSync(`${prefix}-images.npy`, 'w');
writeSync(images, npyHeader('<f2', [count, channels, height, width]));
const labels = new Uint8Array(count);
const pixels = new Float32Array(size);
const half = new Uint16Array(size);
const started = performance.now();
for (let i = 0; i < count; i++) {
  dataset.pixels(i, pixels);
  for (let j = 0; j < size; j++) half[j] = float32ToFloat16(pixels[j]);
  writeSync(images, new Uint8Array(half.buffer));
  labels[i] = dataset.label(i);
}
closeSync(images);
const labelFile = openSync(`${prefix}-labels.npy`, 'w');
writeSync(labelFile, npyHeader('|u1', [count]));
writeSync(labelFile, labels);
closeSync(labelFile);
console.log(`dump-cluttered: ${count} ${split} scenes to ${prefix}-images.npy and ${prefix}-labels.npy in ${((performance.now() - started) / 1000).toFixed(1)} s`);
