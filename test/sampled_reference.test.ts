import { test } from 'uvu';
import { conv2dBackwardInputAt, conv2dBackwardWeightAt, conv2dForwardAt } from '../bench/sampled_reference.ts';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dForward } from '../src/reference/mod.ts';
import { type Conv2dShape, conv2dOutputSize } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { testRandom } from './support/seed.ts';

// The bench's single-element conv references (which check each kernel at the size it is timed at) against
// the whole float64 convolutions, at every element, with strides and uneven padding.

const random = testRandom('sampled_reference');

const SHAPES: Array<[string, Conv2dShape]> = [
  ['3×3 stride 1, pad 1', { n: 2, c: 3, h: 6, w: 7, k: 4, size: 3, pad: 1 }],
  ['7×7 stride 2, pad 3 (a ResNet stem)', { n: 1, c: 3, h: 13, w: 11, k: 2, size: 7, pad: 3, stride: 2, pads: [3, 3, 3, 3] }],
  ['3×3 stride 2, uneven pads', { n: 2, c: 2, h: 9, w: 8, k: 3, size: 3, pad: 1, stride: 2, pads: [0, 1, 1, 0] }],
];

for (const [name, s] of SHAPES) {
  test(`the sampled conv references equal the float64 convolutions at every element: ${name}`, () => {
    const [oh, ow] = conv2dOutputSize(s);
    const x = random.uniformArray(s.n * s.c * s.h * s.w);
    const w = random.uniformArray(s.k * s.c * s.size * s.size);
    const b = random.uniformArray(s.k);
    const dy = random.uniformArray(s.n * s.k * oh * ow);
    const all = (length: number, at: (i: number) => number) => Array.from({ length }, (_, i) => at(i));
    const y = conv2dForward(s, x, w, b);
    assertClose('forward', all(y.length, (i) => conv2dForwardAt(s, x, w, b, i)), y, { random });
    const dx = conv2dBackwardInput(s, dy, w);
    assertClose('gradient to the input', all(dx.length, (i) => conv2dBackwardInputAt(s, dy, w, i)), dx, { random });
    const { dWeight } = conv2dBackwardWeight(s, x, dy);
    assertClose('gradient to the weight', all(dWeight.length, (i) => conv2dBackwardWeightAt(s, x, dy, i)), dWeight, { random });
  });
}

test.run();
