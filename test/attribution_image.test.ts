import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { imageToInput, inputToImage, type PixelImage } from '../src/attribution/mod.ts';
import { assertClose, assertEqual } from './support/compare.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, GREY_SPEC, normalised, randomImage } from './support/test_models.ts';
import { assertThrowsWith } from './support/throws_with.ts';

const random = testRandom('attribution_image');

test('imageToInput scales a 2×2 RGB image to [0, 1] and normalises each channel: planes in C, H, W order', () => {
  const spec = { ...COLOUR_SPEC, input: { channels: 3, height: 2, width: 2 }, normalize: { mean: [0.5, 0, 1], std: [0.5, 1, 2] } };
  // pixels (r, g, b): (0, 255, 51), (255, 0, 102), (102, 51, 255), (51, 102, 0)
  const image: PixelImage = { width: 2, height: 2, channels: 3, data: new Uint8Array([0, 255, 51, 255, 0, 102, 102, 51, 255, 51, 102, 0]) };
  const expected = [
    [-1, 1, -0.2, -0.6], // r: (p − 0.5) / 0.5
    [1, 0, 0.2, 0.4], // g: p
    [-0.4, -0.3, 0, -0.5], // b: (p − 1) / 2
  ].flat();
  assertClose('input', imageToInput(spec, image), expected, { rel: 1e-6 });
});

test('imageToInput reads RGBA (a canvas Uint8ClampedArray too), ignoring alpha, as the by-hand normalisation does', () => {
  const image = randomImage(random, 20, 24, 4);
  assertClose('input', imageToInput(COLOUR_SPEC, image), normalised(COLOUR_SPEC, image), { random, rel: 1e-6 });
  const canvas = { ...image, data: new Uint8ClampedArray(image.data) };
  assertClose('canvas input', imageToInput(COLOUR_SPEC, canvas), normalised(COLOUR_SPEC, image), { random, rel: 1e-6 });
});

test('imageToInput gives a grey model its one channel, and takes an RGB image that is grey in every pixel', () => {
  const grey = randomImage(random, 12, 10, 1);
  const expected = normalised(GREY_SPEC, grey);
  assertClose('grey', imageToInput(GREY_SPEC, grey), expected, { random, rel: 1e-6 });
  const rgb: PixelImage = { ...grey, channels: 3, data: Uint8Array.from(Array.from(grey.data).flatMap((v) => [v, v, v])) };
  assertClose('grey RGB', imageToInput(GREY_SPEC, rgb), expected, { random, rel: 1e-6 });
});

test('imageToInput refuses a wrong size, a grey image for a colour model and a colour image for a grey model', () => {
  assertThrowsWith(() => imageToInput(COLOUR_SPEC, randomImage(random, 24, 20, 3), 'cat.png'), RangeError,
    /^cat\.png is 24×20 pixels \(height×width\) but the model expects 20×24; resize it first, e\.g\. magick in\.png -resize 24x20! out\.png$/);
  assertThrowsWith(() => imageToInput(COLOUR_SPEC, randomImage(random, 20, 24, 1), 'grey.png'), RangeError,
    /^grey\.png is a grey image but the model expects colour \(3 channels, RGB\)/);
  const colour = randomImage(random, 12, 10, 3);
  colour.data[0] = 1;
  colour.data[1] = 2;
  assertThrowsWith(() => imageToInput(GREY_SPEC, colour, 'colour.png'), RangeError, /^colour\.png is a colour image but the model expects grey \(1 channel\)/);
});

test('inputToImage undoes imageToInput exactly (clip); stretch scales the difference from the mean image until 99% of values fit in 0…255', () => {
  const image = randomImage(random, 20, 24, 3);
  assertEqual('round trip', inputToImage(COLOUR_SPEC, imageToInput(COLOUR_SPEC, image)).data, image.data, { random });
  // The zero input is the mean image, (0.485, 0.456, 0.406) · 255 rounded, everywhere: nothing to stretch.
  const mean = inputToImage(COLOUR_SPEC, new Float32Array(3 * 20 * 24), 'stretch');
  assert.equal([...mean.data.subarray(0, 6)], [124, 116, 104, 124, 116, 104]);
  // Red of pixel 0 at +10 std: its deviation 2.29 is scaled by s = (1 − 0.485) / 2.29 to reach 255;
  // red of pixel 1 at −1 std: 0.485 − 0.229 s = 0.4335 → 110.5 → 111. The rest stays the mean image.
  const input = new Float32Array(3 * 20 * 24);
  input[0] = 10;
  input[1] = -1;
  const stretched = inputToImage(COLOUR_SPEC, input, 'stretch');
  assert.equal([...stretched.data.subarray(0, 9)], [255, 116, 104, 111, 116, 104, 124, 116, 104]);
  // Grey, mean 0.5, std 0.25: 119 pixels at +1 (limit s = 2) and one at +10 (limit 0.2). The 1st percentile
  // of the limits is 2: the 119 reach 255 and the outlier clips, instead of all 119 dimmed to 140.
  const many = new Float32Array(120).fill(1);
  many[7] = 10;
  const robust = inputToImage(GREY_SPEC, many, 'stretch');
  assert.equal([robust.data[0], robust.data[7], robust.data[119]], [255, 255, 255]);
});

test.run();
