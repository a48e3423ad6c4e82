import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { saliencyMap } from '../src/reference/mod.ts';

const isRangeError = (e: unknown) => e instanceof RangeError;

test('saliency takes the largest absolute gradient over the channels of each pixel', () => {
  // g: (1, 2, 1, 2), channel 0 = [1, −3], channel 1 = [−2, 2].
  assert.equal(Array.from(saliencyMap({ n: 1, c: 2, h: 1, w: 2 }, [1, -3, -2, 2])), [2, 3]);
});

test('saliency keeps images apart and reads channels a plane apart', () => {
  // g[n, c, i, j] = 100n + 10c + j·(−1)^c on a 1×3 image with 3 channels: channel 2 always wins.
  const s = { n: 2, c: 3, h: 1, w: 3 };
  const g = Array.from({ length: 18 }, (_, i) => {
    const n = Math.floor(i / 9);
    const c = Math.floor(i / 3) % 3;
    const j = i % 3;
    return (c % 2 ? -1 : 1) * (100 * n + 10 * c + j);
  });
  assert.equal(Array.from(saliencyMap(s, g)), [20, 21, 22, 120, 121, 122]);
});

test('saliency of a one-channel gradient is its absolute value', () => {
  assert.equal(Array.from(saliencyMap({ n: 1, c: 1, h: 2, w: 2 }, [-1, 0, 0.5, -0.25])), [1, 0, 0.5, 0.25]);
});

test('saliency rejects a gradient of the wrong size', () => {
  assert.throws(() => saliencyMap({ n: 1, c: 3, h: 2, w: 2 }, new Float64Array(8)), isRangeError);
});

test.run();
