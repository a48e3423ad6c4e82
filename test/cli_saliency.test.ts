import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodePng, saliencyCommand } from '../src/cli/mod.ts';
import { readNpy } from '../src/io/mod.ts';
import { referenceClassScoreGradient, saliencyMap } from '../src/reference/mod.ts';
import { RELU_RULES } from '../src/shapes/mod.ts';
import { runCommand, temporaryFolder, writePng } from './support/cli_fixture.ts';
import { assertClose } from './support/compare.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, GREY_SPEC, normalised, randomImage, writeModel } from './support/test_models.ts';

const random = testRandom('cli_saliency');
const folder = temporaryFolder();
const colour = writeModel(folder, 'colour', COLOUR_SPEC, random);
const grey = writeModel(folder, 'grey', GREY_SPEC, random);

for (const rule of RELU_RULES) {
  test(`saliency --rule ${rule} --npy writes the float64 model's map maxᶜ |∂S_c/∂I| for the top class; the PNG is it scaled to its max`, async () => {
    const image = randomImage(random, 20, 24, 3);
    const path = writePng(join(folder, `cat-${rule}.png`), image);
    const [out, npy, overlay] = ['map.png', 'map.npy', 'overlay.png'].map((name) => join(folder, `${rule}-${name}`));
    const args = ['--model', colour.path, '--image', path, '--rule', rule, '--out', out, '--npy', npy, '--overlay', overlay, '--colormap', 'inferno'];
    const { code, context } = await runCommand(saliencyCommand, args);
    assert.is(code, 0);
    const input = normalised(COLOUR_SPEC, image);
    const logits = referenceClassScoreGradient(COLOUR_SPEC, colour.weights, input, 1, [0], rule).logits;
    const top = logits.indexOf(Math.max(...logits));
    const expected = saliencyMap({ n: 1, c: 3, h: 20, w: 24 }, referenceClassScoreGradient(COLOUR_SPEC, colour.weights, input, 1, [top], rule).dInput);
    const map = readNpy(readFileSync(npy));
    assert.equal(map.shape, [20, 24]);
    assertClose(`map (${rule})`, map.data, expected, { random });
    assert.match(context.printed[0], new RegExp(`class ${top} "${COLOUR_SPEC.labels[top]}" \\(S_c [^,]+, ${rule}\\) → ${out}, ${overlay}`));
    const png = decodePng(readFileSync(out), out);
    assert.equal([png.width, png.height, png.channels], [24, 20, 3]);
    const overlaid = decodePng(readFileSync(overlay), overlay);
    assert.equal([overlaid.width, overlaid.height, overlaid.channels], [24, 20, 3]);
  });
}

test('saliency of a grey model: the float64 map, and a grey PNG with 255 at the largest value, the rest in proportion', async () => {
  const image = randomImage(random, 12, 10, 1);
  const path = writePng(join(folder, 'digit.png'), image);
  const [out, npy] = [join(folder, 'digit-map.png'), join(folder, 'digit-map.npy')];
  await runCommand(saliencyCommand, ['--model', grey.path, '--image', path, '--class', 'two', '--out', out, '--npy', npy]);
  const map = readNpy(readFileSync(npy)).data;
  const expected = saliencyMap({ n: 1, c: 1, h: 12, w: 10 },
    referenceClassScoreGradient(GREY_SPEC, grey.weights, normalised(GREY_SPEC, image), 1, [2], 'gradient').dInput);
  assertClose('map', map, expected, { random });
  const png = decodePng(readFileSync(out), out);
  assert.is(png.channels, 1);
  // A small random net can be dead for an image (every path through a closed ReLU): then the map is 0.
  const largest = Math.max(...map);
  png.data.forEach((v, i) => assert.ok(Math.abs(v - (largest > 0 ? (255 * map[i]) / largest : 0)) <= 0.5 + 1e-3, `pixel ${i}: ${v}`));
  assert.is(Math.max(...png.data), largest > 0 ? 255 : 0);
});

test('saliency runs a folder and a file as one batch: --class by label, outputs numbered in order, .npy (N, H, W)', async () => {
  const batch = join(folder, 'batch');
  mkdirSync(batch);
  const images = [randomImage(random, 20, 24, 3), randomImage(random, 20, 24, 3), randomImage(random, 20, 24, 4)];
  writePng(join(batch, 'b.png'), images[1]);
  writePng(join(batch, 'a.png'), images[0]);
  const third = writePng(join(folder, 'third.png'), images[2]);
  const out = join(folder, 'batch-map.png');
  const npy = join(folder, 'batch.npy');
  const { context } = await runCommand(saliencyCommand, ['--model', colour.path, '--image', batch, '--image', third, '--class', 'goldfinch', '--out', out, '--npy', npy]);
  const input = new Float64Array(3 * 3 * 20 * 24);
  images.forEach((image, i) => input.set(normalised(COLOUR_SPEC, image), i * 3 * 20 * 24));
  const expected = saliencyMap({ n: 3, c: 3, h: 20, w: 24 }, referenceClassScoreGradient(COLOUR_SPEC, colour.weights, input, 3, [8, 8, 8], 'gradient').dInput);
  const maps = readNpy(readFileSync(npy));
  assert.equal(maps.shape, [3, 20, 24]);
  assertClose('maps', maps.data, expected, { random });
  for (const i of [0, 1, 2]) assert.ok(existsSync(join(folder, `batch-map-${i}.png`)), `batch-map-${i}.png`);
  assert.ok(!existsSync(out));
  assert.match(context.printed[0], /a\.png: class 8 "goldfinch".*batch-map-0\.png$/);
  assert.match(context.printed[2], /third\.png: class 8 "goldfinch".*batch-map-2\.png$/);
});

test.run();
