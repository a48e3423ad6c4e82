import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type ImageDataset, makeBatch, shuffledBatches } from '../src/data/mod.ts';
import { Random } from '../src/random/mod.ts';
import { testRandom } from './support/seed.ts';
import { assertThrowsWith } from './support/throws_with.ts';

const random = testRandom('data_batches');

/** A dataset of `length` random C×H×W items with pixels k/255, labelled i mod 3. */
function randomDataset(length: number, channels: number, height: number, width: number): ImageDataset {
  const size = channels * height * width;
  const items = Array.from({ length }, () => Float32Array.from({ length: size }, () => random.int(256) / 255));
  return {
    name: 'random',
    length,
    input: { channels, height, width },
    classes: ['a', 'b', 'c'],
    normalize: { mean: new Array(channels).fill(0.5), std: new Array(channels).fill(0.25) },
    label: (i) => i % 3,
    pixels: (i, out, offset = 0) => out.set(items[i], offset),
  };
}

test('makeBatch normalises each channel by its own mean and std, in (n, C, H, W) order, with the labels', () => {
  const data = randomDataset(5, 2, 3, 4);
  const normalize = { mean: [0.25, 0.5], std: [0.5, 2] };
  const batch = makeBatch(data, [4, 1], normalize);
  assert.is(batch.n, 2);
  assert.equal([...batch.labels], [1, 1]);
  assert.equal(batch.indices, [4, 1]);
  const pixels = new Float32Array(24);
  [4, 1].forEach((item, b) => {
    data.pixels(item, pixels);
    for (let c = 0; c < 2; c++) {
      for (let p = 0; p < 12; p++) {
        const expected = (pixels[c * 12 + p] - normalize.mean[c]) / normalize.std[c];
        assert.ok(Math.abs(batch.input[b * 24 + c * 12 + p] - expected) < 1e-6, `item ${item} channel ${c} pixel ${p}`);
      }
    }
  });
});

test('augmented items are their original or its mirror, moved by at most the shift, the gap filled with pixel 0', () => {
  const [h, w, most] = [5, 7, 2];
  const data = randomDataset(40, 1, h, w);
  const normalize = { mean: [0], std: [1] };
  const seen = new Set<string>();
  const batch = makeBatch(data, Array.from({ length: 40 }, (_, i) => i), normalize, { random: new Random(random.int(2 ** 32)), flip: true, shift: most });
  const pixels = new Float32Array(h * w);
  for (let b = 0; b < 40; b++) {
    data.pixels(b, pixels);
    const out = batch.input.subarray(b * h * w, (b + 1) * h * w);
    const matches: string[] = [];
    for (const flip of [false, true]) {
      for (let dx = -most; dx <= most; dx++) {
        for (let dy = -most; dy <= most; dy++) {
          let same = true;
          for (let y = 0; y < h && same; y++) {
            for (let x = 0; x < w && same; x++) {
              const [sx, sy] = [x - dx, y - dy];
              const inside = sx >= 0 && sx < w && sy >= 0 && sy < h;
              same = out[y * w + x] === (inside ? pixels[sy * w + (flip ? w - 1 - sx : sx)] : 0);
            }
          }
          if (same) matches.push(`${flip} ${dx} ${dy}`);
        }
      }
    }
    assert.ok(matches.length > 0, `item ${b} is no flip and shift of its original`);
    seen.add(matches[0]);
  }
  assert.ok(seen.size >= 10, `only ${seen.size} different flips and shifts in 40 items`);
  const again = makeBatch(data, Array.from({ length: 40 }, (_, i) => i), normalize, { random: new Random(batch.n), flip: true, shift: most });
  const twice = makeBatch(data, Array.from({ length: 40 }, (_, i) => i), normalize, { random: new Random(batch.n), flip: true, shift: most });
  assert.equal(again.input, twice.input, 'the same seed gives the same augmentation');
});

test('shuffledBatches visits every item once per epoch, in an order its seed fixes', () => {
  const batches = shuffledBatches(103, 10, new Random(7));
  assert.equal(batches.map((b) => b.length), [...new Array(10).fill(10), 3]);
  assert.equal(batches.flat().sort((a, b) => a - b), Array.from({ length: 103 }, (_, i) => i));
  assert.equal(shuffledBatches(103, 10, new Random(7)), batches);
  assert.not.equal(shuffledBatches(103, 10, new Random(8)), batches);
  const shuffles = new Random(7);
  const first = shuffledBatches(20, 20, shuffles);
  assert.not.equal(shuffledBatches(20, 20, shuffles), first, 'each epoch draws a new order');
});

test('makeBatch and shuffledBatches refuse what cannot be a batch', () => {
  const data = randomDataset(3, 2, 2, 2);
  assertThrowsWith(() => makeBatch(data, [0], { mean: [0.5], std: [0.25] }), RangeError, /normalize.mean has 1 values but random has 2 channels/);
  assertThrowsWith(() => makeBatch(data, [], data.normalize), RangeError, /no items given/);
  assertThrowsWith(() => shuffledBatches(3, 0, new Random(1)), RangeError, /batch size 0/);
  assertThrowsWith(() => shuffledBatches(0, 2, new Random(1)), RangeError, /count 0/);
});

test.run();
