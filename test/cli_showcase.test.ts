import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classvizCommand, decodePng, saliencyCommand, showcaseCommand } from '../src/cli/mod.ts';
import { CLUTTERED_SEED, clutteredDataset } from '../src/data/mod.ts';
import { saveVgg, type VggSpec } from '../src/model/mod.ts';
import { commandError, runCommand, temporaryFolder, writePng } from './support/cli_fixture.ts';
import { fashionMnist } from './support/fashion_mnist.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, GREY_SPEC, randomImage, writeModel } from './support/test_models.ts';

const random = testRandom('cli_showcase');

/** A weights folder as the repository ships it, with tiny models: `models` names which of the two it holds. */
function weightsFolder(models: readonly ('fashion' | 'cluttered')[], { meanImage = true, colour = COLOUR_SPEC } = {}): string {
  const folder = join(temporaryFolder(), 'weights');
  const images = join(folder, 'images');
  mkdirSync(images, { recursive: true });
  if (models.includes('fashion')) {
    // As shipped, the Fashion-MNIST model carries its mean image (for the class models about it).
    const { path, weights } = writeModel(folder, 'vgg-fashion', GREY_SPEC, random);
    if (meanImage) writeFileSync(path, saveVgg({ spec: GREY_SPEC, weights, meanImage: random.uniformArray(120, 0, 1) }));
  }
  if (models.includes('cluttered')) writeModel(folder, 'vgg-cluttered', colour, random);
  for (const name of ['fashion-0-zero', 'fashion-1-one']) writePng(join(images, `${name}.png`), randomImage(random, 12, 10, 1));
  for (const name of ['cluttered-0-tench', 'cluttered-1-goldfish', 'cluttered-2-shark']) writePng(join(images, `${name}.png`), randomImage(random, 20, 24, 3));
  writeFileSync(join(images, 'README.md'), 'not an image');
  return folder;
}

// The image itself (a copy beside its maps, for the report page), then its maps.
const FILES_PER_IMAGE = ['', '-saliency', '-overlay', '-segment', '-deconvnet', '-guided'];

function pngSize(path: string): [number, number, number] {
  const png = decodePng(readFileSync(path), path);
  return [png.width, png.height, png.channels];
}

test('showcase writes each image\'s maps and overlay, each model\'s class-model grid and the contact sheet, printing every path, the sheet last', async () => {
  const weights = weightsFolder(['fashion', 'cluttered']);
  const out = join(temporaryFolder(), 'new', 'out');
  const { code, context } = await runCommand(showcaseCommand, ['--weights', weights, '--out', out, '--steps', '2', '--prior-steps', '2']);
  assert.is(code, 0);
  const expected = [
    ...['fashion-0-zero', 'fashion-1-one'].flatMap((stem) => FILES_PER_IMAGE.map((kind) => join(out, 'vgg-fashion', `${stem}${kind}.png`))),
    join(out, 'vgg-fashion', 'class-models.png'),
    join(out, 'vgg-fashion', 'class-models-priors.png'),
    ...['cluttered-0-tench', 'cluttered-1-goldfish', 'cluttered-2-shark'].flatMap((stem) => FILES_PER_IMAGE.map((kind) => join(out, 'vgg-cluttered', `${stem}${kind}.png`))),
    join(out, 'vgg-cluttered', 'class-models.png'),
    join(out, 'vgg-cluttered', 'class-models-priors.png'),
    join(out, 'contact-sheet.png'),
    join(out, 'timings.json'),
    join(out, 'index.html'),
  ];
  assert.equal(context.printed, expected);
  assert.equal(context.notes, [`the report: ${pathToFileURL(resolve(join(out, 'index.html'))).href} (open it in a browser; no server needed)`]);
  assert.equal(pngSize(join(out, 'vgg-fashion', 'fashion-1-one-saliency.png')), [10, 12, 1]);
  assert.equal(pngSize(join(out, 'vgg-fashion', 'fashion-1-one-overlay.png')), [10, 12, 3]);
  assert.equal(pngSize(join(out, 'vgg-fashion', 'fashion-1-one-guided.png')), [10, 12, 1]);
  assert.equal(pngSize(join(out, 'vgg-cluttered', 'cluttered-2-shark-saliency.png')), [24, 20, 1]);
  assert.equal(pngSize(join(out, 'vgg-cluttered', 'cluttered-2-shark-overlay.png')), [24, 20, 3]);
  assert.equal(pngSize(join(out, 'vgg-cluttered', 'cluttered-0-tench-deconvnet.png')), [24, 20, 1]);
  assert.equal(pngSize(join(out, 'vgg-fashion', 'fashion-0-zero-segment.png')), [10, 12, 3]);
  assert.equal(pngSize(join(out, 'vgg-cluttered', 'cluttered-1-goldfish-segment.png')), [24, 20, 3]);
  const [width, height, channels] = pngSize(join(out, 'contact-sheet.png'));
  assert.is(channels, 3);
  // The widest row: the colour model's ten class models side by side, 24 pixels enlarged 4×, 6 apart.
  assert.ok(width >= 6 + 10 * (4 * 24 + 6), `sheet width ${width}`);
  assert.ok(height > 2 * 6 * (4 * 20), `sheet height ${height}`);
});

test('showcase\'s saliency PNGs, overlays and class-model grid are what saliency and classviz write for the same images', async () => {
  const weights = weightsFolder(['fashion', 'cluttered']);
  const out = join(temporaryFolder(), 'out');
  await runCommand(showcaseCommand, ['--weights', weights, '--out', out, '--steps', '3', '--prior-steps', '5']);
  const cli = temporaryFolder();
  // showcase's class-model learning rates by default: classviz's 1, and 4 for the colour model; its priors
  // those of classviz --mean-prior (at its η) for the Fashion-MNIST model, --priors for the colour model.
  const cases = [['vgg-fashion', 'fashion-', '1', ['--mean-prior']], ['vgg-cluttered', 'cluttered-', '4', ['--priors', '--lr', '4']]] as const;
  for (const [model, prefix, lr, priorArgs] of cases) {
    const images = readdirSync(join(weights, 'images')).filter((name) => name.startsWith(prefix)).sort();
    const modelPath = join(weights, `${model}.safetensors`);
    // The same batch as showcase runs, so that the maps are the same floats.
    const args = ['--model', modelPath, ...images.flatMap((name) => ['--image', join(weights, 'images', name)])];
    await runCommand(saliencyCommand, [...args, '--winograd', '--out', join(cli, `${model}.png`), '--overlay', join(cli, `${model}-overlay.png`)]);
    await runCommand(saliencyCommand, [...args, '--winograd', '--rule', 'guided', '--out', join(cli, `${model}-guided.png`)]);
    for (const [i, name] of images.entries()) {
      const stem = name.slice(0, -'.png'.length);
      for (const [kind, file] of [['saliency', `${model}-${i}.png`], ['overlay', `${model}-overlay-${i}.png`], ['guided', `${model}-guided-${i}.png`]]) {
        const shown = readFileSync(join(out, model, `${stem}-${kind}.png`));
        assert.ok(shown.equals(readFileSync(join(cli, file))), `${model} ${stem}-${kind}.png differs from saliency's ${file}`);
      }
    }
    await runCommand(classvizCommand, ['--model', modelPath, '--class', 'all', '--winograd', '--steps', '3', '--lr', lr, '--out', join(cli, `${model}-classes.png`)]);
    const grid = readFileSync(join(out, model, 'class-models.png'));
    assert.ok(grid.equals(readFileSync(join(cli, `${model}-classes.png`))), `${model} class-models.png differs from classviz --class all`);
    await runCommand(classvizCommand, ['--model', modelPath, '--class', 'all', '--winograd', ...priorArgs, '--steps', '5', '--out', join(cli, `${model}-priors.png`)]);
    const priors = readFileSync(join(out, model, 'class-models-priors.png'));
    assert.ok(priors.equals(readFileSync(join(cli, `${model}-priors.png`))), `${model} class-models-priors.png differs from classviz ${priorArgs.join(' ')}`);
  }
});

test('showcase runs the 3×3 layers as saliency and classviz do with --winograd, and with --direct as they do without', async () => {
  // 64 → 64 channels at 20×24: a layer WINOGRAD_TABLE gives Winograd (the tiny COLOUR_SPEC's layers stay direct).
  const colour: VggSpec = { ...COLOUR_SPEC, features: [64, 64, 'M'], classifier: [16] };
  const weights = weightsFolder(['cluttered'], { colour });
  const modelPath = join(weights, 'vgg-cluttered.safetensors');
  const images = readdirSync(join(weights, 'images')).filter((name) => name.startsWith('cluttered-')).sort();
  const args = ['--model', modelPath, ...images.flatMap((name) => ['--image', join(weights, 'images', name)])];
  const cli = temporaryFolder();
  await runCommand(saliencyCommand, [...args, '--out', join(cli, 'direct.png'), '--npy', join(cli, 'direct.npy')]);
  await runCommand(saliencyCommand, [...args, '--winograd', '--out', join(cli, 'winograd.png'), '--npy', join(cli, 'winograd.npy')]);
  // Winograd ran: its rounding differs from the direct kernels' somewhere in the maps.
  assert.not.ok(readFileSync(join(cli, 'direct.npy')).equals(readFileSync(join(cli, 'winograd.npy'))), 'saliency --winograd wrote the direct kernels\' maps');
  for (const [flags, kind] of [[[], 'winograd'], [['--direct'], 'direct']] as const) {
    const out = join(temporaryFolder(), 'out');
    await runCommand(showcaseCommand, ['--weights', weights, '--out', out, '--steps', '2', '--prior-steps', '0', ...flags]);
    for (const [i, name] of images.entries()) {
      const shown = readFileSync(join(out, 'vgg-cluttered', `${name.slice(0, -'.png'.length)}-saliency.png`));
      assert.ok(shown.equals(readFileSync(join(cli, `${kind}-${i}.png`))), `showcase ${flags.join(' ')}: ${name}'s map differs from saliency's ${kind}-${i}.png`);
    }
    const kept = JSON.parse(readFileSync(join(out, 'timings.json'), 'utf8')).winogradWeightElements['vgg-cluttered'];
    assert.ok(kind === 'winograd' ? kept > 0 : kept === 0, `showcase ${flags.join(' ')} kept ${kept} Winograd weight elements`);
    const grid = join(cli, `${kind}-classes.png`);
    await runCommand(classvizCommand, ['--model', modelPath, '--class', 'all', '--steps', '2', '--lr', '4', '--out', grid, ...(kind === 'winograd' ? ['--winograd'] : [])]);
    assert.ok(readFileSync(join(out, 'vgg-cluttered', 'class-models.png')).equals(readFileSync(grid)), `showcase ${flags.join(' ')}: class-models.png differs from classviz's ${kind}`);
  }
});

test('showcase --lr sets every model\'s class-model learning rate, and refuses one that is not positive', async () => {
  const weights = weightsFolder(['cluttered']);
  const out = join(temporaryFolder(), 'out');
  await runCommand(showcaseCommand, ['--weights', weights, '--out', out, '--steps', '2', '--prior-steps', '0', '--lr', '0.5']);
  const cli = join(temporaryFolder(), 'classes.png');
  await runCommand(classvizCommand, ['--model', join(weights, 'vgg-cluttered.safetensors'), '--class', 'all', '--steps', '2', '--lr', '0.5', '--out', cli]);
  assert.ok(readFileSync(join(out, 'vgg-cluttered', 'class-models.png')).equals(readFileSync(cli)), 'class-models.png differs from classviz --lr 0.5');
  const { error } = await commandError(showcaseCommand, ['--weights', weights, '--out', out, '--lr', '0']);
  assert.match(error.message, /^--lr 0 must be/);
});

test('showcase gives a Fashion-MNIST model without a mean image the jitter and blur priors, in one note', async () => {
  const weights = weightsFolder(['fashion'], { meanImage: false });
  const out = join(temporaryFolder(), 'out');
  const { context } = await runCommand(showcaseCommand, ['--weights', weights, '--out', out, '--steps', '0', '--prior-steps', '3']);
  const modelPath = join(weights, 'vgg-fashion.safetensors');
  assert.ok(context.notes.includes(`${modelPath} carries no mean image: its class models with priors use jitter and blur`), context.notes.join('\n'));
  const cli = join(temporaryFolder(), 'priors.png');
  await runCommand(classvizCommand, ['--model', modelPath, '--class', 'all', '--priors', '--steps', '3', '--lr', '0.5', '--out', cli]);
  assert.ok(readFileSync(join(out, 'vgg-fashion', 'class-models-priors.png')).equals(readFileSync(cli)), 'class-models-priors.png differs from classviz --priors --lr 0.5');
});

test('showcase skips a missing model in one note and shows the other', async () => {
  const weights = weightsFolder(['fashion']);
  const out = join(temporaryFolder(), 'out');
  const { code, context } = await runCommand(showcaseCommand, ['--weights', weights, '--out', out, '--steps', '1', '--prior-steps', '1']);
  assert.is(code, 0);
  assert.equal(context.notes.slice(0, -1), [`${join(weights, 'vgg-cluttered.safetensors')} is not there yet: skipped`]);
  assert.ok(!existsSync(join(out, 'vgg-cluttered')));
  // Two images with five maps each and a copy of each, two class-model grids, the sheet, the timings and the page.
  assert.is(context.printed.length, 2 * FILES_PER_IMAGE.length + 5);
  assert.is(context.printed.at(-3), join(out, 'contact-sheet.png'));
  assert.is(context.printed.at(-1), join(out, 'index.html'));
});

test('showcase with no model stops before any work, in one line that says how to train one', async () => {
  const weights = weightsFolder([]);
  const out = join(temporaryFolder(), 'out');
  const { error, context } = await commandError(showcaseCommand, ['--weights', weights, '--out', out]);
  assert.instance(error, RangeError);
  const fashion = join(weights, 'vgg-fashion.safetensors');
  assert.is(
    error.message,
    `no model to show: ${fashion} and ${join(weights, 'vgg-cluttered.safetensors')} do not exist; ` +
      `train one with npx deepinside train --dataset fashion-mnist --epochs 5 --batch 128 --lr 2e-3 --out ${fashion}`,
  );
  assert.is(context.gpuRequests, 0);
  assert.ok(!existsSync(out));
});

test('showcase refuses, before any work, a model without images, images of the wrong size, and an --out that is a file', async () => {
  const bare = join(temporaryFolder(), 'weights');
  mkdirSync(bare);
  writeModel(bare, 'vgg-fashion', GREY_SPEC, random);
  const lonely = await commandError(showcaseCommand, ['--weights', bare, '--out', join(bare, 'out')]);
  assert.is(lonely.error.message, `${join(bare, 'vgg-fashion.safetensors')} has no images to explain: ${join(bare, 'images')} holds no fashion-*.png`);

  const wrong = weightsFolder(['fashion']);
  writePng(join(wrong, 'images', 'fashion-2-two.png'), randomImage(random, 28, 28, 1));
  const sized = await commandError(showcaseCommand, ['--weights', wrong, '--out', join(wrong, 'out')]);
  assert.match(sized.error.message, /fashion-2-two\.png is 28×28 pixels \(height×width\) but the model expects 12×10/);

  const file = join(temporaryFolder(), 'out.png');
  writeFileSync(file, '');
  const refused = await commandError(showcaseCommand, ['--weights', wrong, '--out', file]);
  assert.is(refused.error.message, `--out ${file} is a file; give a folder`);
  for (const { context } of [lonely, sized, refused]) assert.is(context.gpuRequests, 0);
});

test('the bundled images in weights/images are the first t10k item of each class, alone and in its cluttered test scene', () => {
  const t10k = fashionMnist('test');
  const cluttered = clutteredDataset(t10k, CLUTTERED_SEED + 1);
  const slug = (label: string) => label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  for (const [c, label] of t10k.classes.entries()) {
    let i = 0;
    while (t10k.label(i) !== c) i++;
    const grey = new Float32Array(28 * 28);
    t10k.pixels(i, grey);
    const fashion = decodePng(readFileSync(`weights/images/fashion-${c}-${slug(label)}.png`), 'fashion');
    assert.equal([fashion.width, fashion.height, fashion.channels], [28, 28, 1]);
    assert.equal(Array.from(fashion.data), Array.from(grey, (v) => Math.round(255 * v)), `fashion-${c}`);
    const scene = cluttered.item(i).image;
    const colour = decodePng(readFileSync(`weights/images/cluttered-${c}-${slug(label)}.png`), 'cluttered');
    assert.equal([colour.width, colour.height, colour.channels], [64, 64, 3]);
    // Rendered in float64 arithmetic through Math.sin and friends, whose last bit may differ between engines:
    // a byte may round the other way.
    for (let p = 0; p < 64 * 64; p++) {
      for (let k = 0; k < 3; k++) {
        const byte = Math.round(255 * Math.min(1, Math.max(0, scene[k * 64 * 64 + p])));
        assert.ok(Math.abs(colour.data[3 * p + k] - byte) <= 1, `cluttered-${c} pixel ${p} channel ${k}: ${colour.data[3 * p + k]} vs ${byte}`);
      }
    }
  }
});

test.run();
