import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { saliencyMap } from '../src/nn/mod.ts';
import { saliencyMap as refSaliencyMap } from '../src/reference/mod.ts';
import type { ImageShape } from '../src/shapes/mod.ts';
import { assertEqual } from './support/compare.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('saliency_map');

const SLICED_BYTES = 2048;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

/**
 * A gradient of both signs, so that |·| matters, with one pixel in ten zero in every channel (its map
 * value is 0) and some single zeros and −0s besides.
 */
function randomGradient(s: ImageShape): Float32Array {
  const pixels = s.h * s.w;
  const g = random.uniformArray(s.n * s.c * pixels);
  for (let n = 0; n < s.n; n++) {
    for (let p = 0; p < pixels; p++) {
      const u = random.uniform();
      for (let c = 0; c < s.c; c++) {
        const at = (n * s.c + c) * pixels + p;
        if (u < 0.1) g[at] = 0;
        else if (random.uniform() < 0.1) g[at] = random.uniform() < 0.5 ? 0 : -0;
      }
    }
  }
  return g;
}

async function check(device: Gpu, s: ImageShape): Promise<void> {
  const gradient = randomGradient(s);
  const map = poisoned(s.n * s.h * s.w, 'map');
  await saliencyMap(device, s, upload(gradient, 'gradient'), map);
  // A maximum of absolute values is one of the inputs, unrounded: the map must match exactly.
  assertEqual('map', await device.read(map), refSaliencyMap(s, gradient), { random });
}

const SHAPES: Array<[string, ImageShape]> = [
  ['1 channel, odd width', { n: 1, c: 1, h: 5, w: 7 }],
  ['3 channels, batch 2', { n: 2, c: 3, h: 9, w: 11 }],
  ['3 channels at 1×1, batch 3', { n: 3, c: 3, h: 1, w: 1 }],
  ['a 224×224 RGB image', { n: 1, c: 3, h: 224, w: 224 }],
];

for (const [name, s] of SHAPES) {
  test(`saliency_map matches the reference for ${name}`, () => check(gpu, s));
}

test('saliency_map takes the largest absolute value over the channels of a hand-made gradient', async () => {
  const s: ImageShape = { n: 1, c: 3, h: 1, w: 3 };
  // Per pixel, channels (R, G, B): (1, −5, 2), (−0.5, 0, 0.25), (0, −0, 0).
  const map = poisoned(3, 'map');
  await saliencyMap(gpu, s, upload([1, -0.5, 0, -5, 0, -0, 2, 0.25, 0], 'gradient'), map);
  assertEqual('map', await gpu.read(map), [5, 0.5, 0]);
});

// (7, 3, 5, 9): 135 gradient values per image, three images to a 2048-byte window: three dispatches
// whose windows start at unaligned offsets.
const SLICED: ImageShape = { n: 7, c: 3, h: 5, w: 9 };

test(`saliency_map matches the reference for (7, 3, 5, 9) bound in ${SLICED_BYTES}-byte windows`, async () => {
  if (SLICED.n * SLICED.c * SLICED.h * SLICED.w <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await check(sliced, SLICED);
});

test.run();
