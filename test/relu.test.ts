import { test } from 'uvu';
import { Gpu } from '../src/gpu/mod.ts';
import { RELU_BACKWARD_VARIANTS, RELU_FORWARD_VARIANTS, reluBackward, reluForward, wholeVec4s } from '../src/nn/mod.ts';
import { reluBackward as refBackward, reluForward as refForward } from '../src/reference/mod.ts';
import { RELU_RULES, type ReluRule } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu, poisoned, upload } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('relu');

// 2000 bytes hold 436 elements after the alignment's slack: windows start at multiples of 436, which
// are not multiples of the 64-element alignment, so every window after the first has a nonzero base.
const SLICED_BYTES = 2000;
const sliced = new Gpu(gpu.device, gpu.adapterName, { maxBindingBytes: SLICED_BYTES });

/**
 * Uniform values in [−1, 1) with about one in five exactly 0 or −0: the kink, which every rule must
 * treat as closed (x > 0 and dy > 0 are strict).
 */
function withZeros(length: number): Float32Array {
  const data = random.uniformArray(length);
  for (let i = 0; i < length; i++) {
    const u = random.uniform();
    if (u < 0.15) data[i] = 0;
    else if (u < 0.2) data[i] = -0;
  }
  return data;
}

// Variant 2 takes vec4s, so it runs only where every slice is a whole number of them.
async function checkForward(device: Gpu, length: number): Promise<void> {
  const x = withZeros(length);
  for (const variant of RELU_FORWARD_VARIANTS) {
    if (variant === 2 && !wholeVec4s(device, length)) continue;
    const y = poisoned(length, 'y');
    await reluForward(device, upload(x, 'x'), y, variant);
    assertClose(`y (v${variant})`, await device.read(y), refForward(x), { random });
  }
}

async function checkBackward(device: Gpu, length: number, rule: ReluRule): Promise<void> {
  const x = withZeros(length);
  const dy = withZeros(length);
  for (const variant of RELU_BACKWARD_VARIANTS) {
    if (variant === 2 && !wholeVec4s(device, length)) continue;
    const dx = poisoned(length, 'dx');
    await reluBackward(device, upload(x, 'x'), upload(dy, 'dy'), dx, rule, variant);
    assertClose(`dx (${rule}, v${variant})`, await device.read(dx), refBackward(x, dy, rule), { random });
  }
}

// Lengths that divide no workgroup: relu sees only the element count, so the shapes name where such
// counts come from.
const SHAPES: Array<[string, number]> = [
  ['a single element', 1],
  ['1 channel, odd width (1, 1, 5, 7)', 35],
  ['3 channels, batch 2 (2, 3, 9, 11)', 594],
  ['a VGG-like 64-channel 17×19 map, batch 3', 3 * 64 * 17 * 19],
  ['whole vec4s, (1, 4, 5, 7)', 140],
];

for (const [name, length] of SHAPES) {
  test(`relu_forward matches the reference for ${name}`, () => checkForward(gpu, length));
  for (const rule of RELU_RULES) {
    test(`relu_backward (${rule}) matches the reference for ${name}, zeros in x and dy included`, () => checkBackward(gpu, length, rule));
  }
}

// One row of the workgroup grid holds workgroupsPerDimension × 256 elements; past that the kernels
// lay workgroups out in 2-D, which only a tensor this large (about 67 MB on lavapipe) exercises.
const GRID_LENGTH = gpu.limits.workgroupsPerDimension * 256 + 333;

test(`relu_forward matches the reference for ${GRID_LENGTH} elements, more than one row of workgroups`, () =>
  checkForward(gpu, GRID_LENGTH));

test(`relu_backward (guided) matches the reference for ${GRID_LENGTH} elements, more than one row of workgroups`, () =>
  checkBackward(gpu, GRID_LENGTH, 'guided'));

// (2, 3, 13, 17): 1326 elements in four windows; (2, 3, 12, 17), 1224, in whole vec4s.
const SLICED_LENGTH = 2 * 3 * 13 * 17;
const SLICED_VEC4_LENGTH = 2 * 3 * 12 * 17;

test(`relu forward and backward match the reference for (2, 3, 12, 17) in vec4s, bound in ${SLICED_BYTES}-byte windows`, async () => {
  if (!wholeVec4s(sliced, SLICED_VEC4_LENGTH) || SLICED_VEC4_LENGTH <= 2 * sliced.maxWindowElements) {
    throw new Error('the sliced vec4 case no longer needs several vec4 windows');
  }
  await checkForward(sliced, SLICED_VEC4_LENGTH);
  for (const rule of RELU_RULES) await checkBackward(sliced, SLICED_VEC4_LENGTH, rule);
});

test(`relu_forward matches the reference for (2, 3, 13, 17) bound in ${SLICED_BYTES}-byte windows at unaligned offsets`, async () => {
  if (SLICED_LENGTH <= 2 * sliced.maxWindowElements) throw new Error('the sliced case no longer needs several windows');
  await checkForward(sliced, SLICED_LENGTH);
});

for (const rule of RELU_RULES) {
  test(`relu_backward (${rule}) matches the reference for (2, 3, 13, 17) bound in ${SLICED_BYTES}-byte windows at unaligned offsets`, () =>
    checkBackward(sliced, SLICED_LENGTH, rule));
}

test('relu_backward rejects a rule it does not know', async () => {
  const x = upload([1, -1], 'x');
  let message = '';
  try {
    await reluBackward(gpu, x, upload([1, 1], 'dy'), poisoned(2, 'dx'), 'backprop' as ReluRule);
  } catch (error) {
    message = (error as Error).message;
  }
  if (!/relu_backward: rule "backprop" is not one of gradient, deconvnet, guided/.test(message)) {
    throw new Error(`unexpected message: ${message}`);
  }
});

test.run();
