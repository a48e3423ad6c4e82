import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ascentStep } from '../src/reference/mod.ts';
import { assertClose } from './support/compare.ts';

const isRangeError = (e: unknown) => e instanceof RangeError;

test('ascent_step moves along the gradient and decays the image by 2λ, on paper', () => {
  // I + η (g − 2λ I) with η = 0.1, λ = 0.25: [1 + 0.1·(0.5 − 0.5), −2 + 0.1·(0 + 1)].
  assertClose('image', ascentStep([1, -2], [0.5, 0], 0.1, 0.25), [1, -1.9], { atol: 1e-15, rtol: 0, rel: 1e-15 });
});

test('ascent_step without the L2 term adds η·g', () => {
  assert.equal(Array.from(ascentStep([1, 2, 3], [1, -1, 0.5], 2, 0)), [3, 0, 4]);
});

test('ascent_step rejects a gradient of another length', () => {
  assert.throws(() => ascentStep([1, 2], [1], 0.1, 0), isRangeError);
});

test.run();
