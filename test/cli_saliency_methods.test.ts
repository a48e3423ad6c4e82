import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { saliencyCommand } from '../src/cli/mod.ts';
import { readNpy } from '../src/io/mod.ts';
import { referenceVggForward } from '../src/reference/mod.ts';
import { refGradCam, refGradientTimesInput, refIntegratedGradients, refSmoothGrad } from './support/attribution_reference.ts';
import { commandError, runCommand, temporaryFolder, writePng } from './support/cli_fixture.ts';
import { assertClose } from './support/compare.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, GREY_SPEC, normalised, randomImage, writeModel } from './support/test_models.ts';

const random = testRandom('cli_saliency_methods');
const folder = temporaryFolder();
const colour = writeModel(folder, 'colour', COLOUR_SPEC, random);
const grey = writeModel(folder, 'grey', GREY_SPEC, random);

/** Two colour images as a batch, their normalised input as the CLI makes it, and the top classes. */
function colourBatch(name: string) {
  const images = [randomImage(random, 20, 24, 3), randomImage(random, 20, 24, 3)];
  const paths = images.map((image, i) => writePng(join(folder, `${name}-${i}.png`), image));
  const x = new Float32Array(2 * 3 * 20 * 24);
  images.forEach((image, i) => x.set(normalised(COLOUR_SPEC, image), i * 3 * 20 * 24));
  const logits = referenceVggForward(COLOUR_SPEC, colour.weights, x, 2).logits;
  const top = [0, 1].map((i) => {
    const row = Array.from(logits.subarray(i * 10, (i + 1) * 10));
    return row.indexOf(Math.max(...row));
  });
  return { paths, x, top };
}

async function npyOf(method: string, paths: string[], extra: string[]) {
  const [out, npy] = [join(folder, `${method}.png`), join(folder, `${method}.npy`)];
  const args = ['--model', colour.path, ...paths.flatMap((p) => ['--image', p]), '--method', method, '--out', out, '--npy', npy, ...extra];
  const { code, context } = await runCommand(saliencyCommand, args);
  assert.is(code, 0);
  const map = readNpy(readFileSync(npy));
  assert.equal(map.shape, [paths.length, 20, 24]);
  return { map: map.data, printed: context.printed };
}

test('saliency --method gradxinput --npy writes maxᶜ |x ⊙ ∂S_c/∂x| of the float64 model for a batch of two', async () => {
  const { paths, x, top } = colourBatch('gxi');
  const { map } = await npyOf('gradxinput', paths, []);
  assertClose('gradxinput', map, refGradientTimesInput(COLOUR_SPEC, colour.weights, x, 2, top), { random });
});

test('saliency --method ig --steps 6 --baseline 0.2 --batch 4 writes the float64 IG map and prints each completeness gap', async () => {
  const { paths, x, top } = colourBatch('ig');
  const { map, printed } = await npyOf('ig', paths, ['--steps', '6', '--baseline', '0.2', '--batch', '4']);
  const expected = refIntegratedGradients(COLOUR_SPEC, colour.weights, x, 2, top, 6, 0.2);
  assertClose('ig', map, expected.map, { random });
  for (const i of [0, 1]) {
    const gap = Number(/completeness gap ([^)]+)\)/.exec(printed[i])![1]);
    assert.ok(Math.abs(gap - expected.completeness[i]) <= 1e-4 + 1e-2 * expected.completeness[i], `gap ${gap} vs ${expected.completeness[i]}`);
  }
});

test('saliency --method gradcam (default layer and --layer features.1) writes the float64 Grad-CAM map', async () => {
  const { paths, x, top } = colourBatch('cam');
  const { map } = await npyOf('gradcam', paths, []);
  assertClose('gradcam default', map, refGradCam(COLOUR_SPEC, colour.weights, x, 2, top, 4, 16, 10, 12), { random });
  const { map: early } = await npyOf('gradcam', paths, ['--layer', 'features.1']);
  assertClose('gradcam features.1', early, refGradCam(COLOUR_SPEC, colour.weights, x, 2, top, 1, 8, 20, 24), { random });
});

test('saliency --method smoothgrad --samples 5 --noise 0.1 --seed 3 (and --smooth-squared) writes the float64 SmoothGrad map on the same noise', async () => {
  const { paths, x, top } = colourBatch('sg');
  for (const squared of [false, true]) {
    const { map } = await npyOf('smoothgrad', paths, ['--samples', '5', '--noise', '0.1', '--seed', '3', ...(squared ? ['--smooth-squared'] : [])]);
    assertClose(`smoothgrad${squared ? ' squared' : ''}`, map, refSmoothGrad(COLOUR_SPEC, colour.weights, x, 2, top, 5, 0.1, 3, squared), { random });
  }
});

test('saliency --method smoothgrad --noise 0 writes the gradient map, on a grey model', async () => {
  const path = writePng(join(folder, 'digit.png'), randomImage(random, 12, 10, 1));
  const maps = [];
  for (const extra of [['--method', 'smoothgrad', '--noise', '0', '--samples', '3'], ['--rule', 'gradient']]) {
    const npy = join(folder, `digit-${extra[1]}.npy`);
    await runCommand(saliencyCommand, ['--model', grey.path, '--image', path, '--class', 'one', '--out', join(folder, 'digit.png.out.png'), '--npy', npy, ...extra]);
    maps.push(readNpy(readFileSync(npy)).data);
  }
  assertClose('smoothgrad at noise 0', maps[0], maps[1], { rtol: 1e-6, random });
});

const image = () => writePng(join(folder, 'bad.png'), randomImage(random, 20, 24, 3));
const BAD: Array<[string, string[], RegExp]> = [
  ['--samples 0', ['--method', 'smoothgrad', '--samples', '0'], /^--samples 0 must be a whole number ≥ 1$/],
  ['--steps 0', ['--method', 'ig', '--steps', '0'], /^--steps 0 must be a whole number ≥ 1$/],
  ['a negative noise', ['--method', 'smoothgrad', '--noise=-0.5'], /^--noise -0.5 must be a number ≥ 0$/],
  ['--layer naming no spatial output', ['--method', 'gradcam', '--layer', 'classifier.0'],
    /^gradcam: layer "classifier.0" is not a spatial output of the model; they are features.0, .*features.5$/],
  ['--rule with --method', ['--rule', 'guided', '--method', 'ig'], /^--rule and --method name the same choice: give one/],
  ['an unknown method', ['--method', 'lime'], /^--method lime is not one of gradient, deconvnet, guided, gradxinput, ig, smoothgrad, gradcam$/],
  ['a seed past 2³²', ['--method', 'smoothgrad', '--seed', '4294967296'], /^--seed 4294967296 must be a whole number ≤ 4294967295$/],
  ['--batch 0', ['--method', 'ig', '--batch', '0'], /^--batch 0 must be a whole number ≥ 1$/],
];
for (const [name, extra, pattern] of BAD) {
  test(`saliency refuses ${name} in one line and writes nothing`, async () => {
    const out = join(folder, `bad-${name.replace(/\W+/g, '-')}.png`);
    const npy = `${out}.npy`;
    const { error } = await commandError(saliencyCommand, ['--model', colour.path, '--image', image(), '--out', out, '--npy', npy, ...extra]);
    assert.instance(error, RangeError);
    assert.match(error.message, pattern);
    assert.not.match(error.message, /\n/);
    assert.ok(!existsSync(out) && !existsSync(npy), 'an output was written');
  });
}

test('saliency --help states each definition', async () => {
  const help = saliencyCommand.help;
  for (const phrase of ['|x ⊙ dS_c/dx|', "x' + ((k − ½)/m)(x − x')", 'σ = noise × (max x − min x)', 'ReLU(Σ_k w_k A_k)', 'align_corners=False', '|Σ IG − (S_c(x) − S_c(x\'))|']) {
    assert.ok(help.includes(phrase), `help lacks ${phrase}`);
  }
});

test.run();
