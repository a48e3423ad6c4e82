import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { evaluateCommand, meanImageCommand, trainCommand } from '../src/cli/mod.ts';
import { meanImage } from '../src/data/mod.ts';
import { loadVgg } from '../src/model/mod.ts';
import { commandError, runCommand, temporaryFolder } from './support/cli_fixture.ts';
import { assertClose } from './support/compare.ts';
import { fashionMnist } from './support/fashion_mnist.ts';

const folder = temporaryFolder();

test('train --limit writes a loadable Fashion-MNIST model with its labels and normalisation, and prints the test accuracy', async () => {
  fashionMnist('test');
  const out = join(folder, 'fashion.safetensors');
  const { code, context } = await runCommand(trainCommand, ['--dataset', 'fashion-mnist', '--limit', '48', '--epochs', '1', '--batch', '16', '--test-limit', '20', '--out', out]);
  assert.is(code, 0);
  const model = loadVgg(readFileSync(out));
  assert.equal(model.spec.features, [32, 32, 'M', 64, 64, 'M']);
  assert.equal(model.spec.input, { channels: 1, height: 28, width: 28 });
  assert.is(model.spec.labels[9], 'Ankle boot');
  assert.equal(model.spec.normalize, { mean: [0.286], std: [0.353] });
  // The mean of the 48 items trained on, pixel by pixel.
  const expected = new Float64Array(28 * 28);
  const pixels = new Float32Array(28 * 28);
  for (let i = 0; i < 48; i++) {
    fashionMnist('train').pixels(i, pixels);
    pixels.forEach((p, j) => void (expected[j] += p / 48));
  }
  assertClose('mean image', model.meanImage!, expected);
  assert.match(context.printed.at(-1)!, /^test accuracy: \d+\.\d\d% \(\d+\/20 of fashion-mnist test \(first 20\)\), loss \d/);
  assert.ok(context.progressLines.some((line) => /^epoch 1\/1 \[#+\] 3\/3 loss \d\.\d{4} accuracy \d+\.\d% \d+ images\/s/.test(line)), context.progressLines.join('\n'));
  assert.ok(context.notes.some((line) => /^epoch 1: loss \d\.\d{4}, train accuracy/.test(line)));
  assert.equal(readdirSync(folder).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
});

test('evaluate prints the accuracy and a confusion matrix over the split, or one JSON object', async () => {
  const model = join(folder, 'fashion.safetensors');
  const { code, context } = await runCommand(evaluateCommand, ['--model', model, '--dataset', 'fashion-mnist', '--limit', '30', '--batch', '16']);
  assert.is(code, 0);
  assert.match(context.printed[0], /^fashion-mnist test \(first 30\): accuracy \d+\.\d\d% \(\d+\/30\), loss \d/);
  const table = context.printed[1].split('\n');
  assert.is(table.length, 11);
  assert.match(table[10], /^9 Ankle boot/);
  const json = await runCommand(evaluateCommand, ['--model', model, '--dataset', 'fashion-mnist', '--split', 'train', '--limit', '12', '--json']);
  const result = JSON.parse(json.context.printed[0]);
  assert.is(result.count, 12);
  assert.is(result.split, 'train');
  assert.is(result.confusion.flat().reduce((a: number, b: number) => a + b, 0), 12);
  assert.is(result.accuracy, result.correct / 12);
  assert.is(result.labels.length, 10);
});

test('train --dataset cluttered writes a 3×64×64 model that evaluate takes on cluttered and refuses on fashion-mnist', async () => {
  const out = join(folder, 'cluttered.safetensors');
  const { code } = await runCommand(trainCommand, ['--dataset', 'cluttered', '--limit', '8', '--epochs', '1', '--batch', '8', '--test-limit', '8', '--out', out, '--optimizer', 'sgd', '--schedule', 'constant']);
  assert.is(code, 0);
  const model = loadVgg(readFileSync(out));
  assert.equal(model.spec.input, { channels: 3, height: 64, width: 64 });
  assert.equal(model.spec.features, [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 256, 'M']);
  assert.equal(model.spec.classifier, [128]);
  assert.ok(readFileSync(out).length < 10e6);
  const { context } = await runCommand(evaluateCommand, ['--model', out, '--dataset', 'cluttered', '--limit', '4']);
  assert.match(context.printed[0], /^cluttered test \(first 4\): accuracy/);
  const { error } = await commandError(evaluateCommand, ['--model', out, '--dataset', 'fashion-mnist']);
  assert.match(error.message, /does not fit fashion-mnist: the model takes 3×64×64 images but fashion-mnist test has 1×28×28/);
});

test('train --avgpool puts an adaptive average pool before the classifier, and the model keeps it', async () => {
  const out = join(folder, 'pooled.safetensors');
  const args = ['--dataset', 'cluttered', '--features', '4,M,4,M', '--avgpool', '1,1', '--classifier', '8', '--limit', '4', '--epochs', '1', '--batch', '4', '--test-limit', '4', '--out', out];
  const { code, context } = await runCommand(trainCommand, args);
  assert.is(code, 0);
  assert.ok(context.notes.some((line) => line.startsWith('VGG features [4,"M",4,"M"], avgpool [1,1], classifier [8];')), context.notes.join('\n'));
  const model = loadVgg(readFileSync(out));
  assert.equal(model.spec.avgpool, [1, 1]);
  assert.equal(model.weights.get('classifier.0.weight')!.length, 8 * 4);
});

test('train --init starts from a model: a negligible step keeps its weights; --save-each-epoch writes it after each epoch', async () => {
  const start = join(folder, 'fashion.safetensors');
  const out = join(folder, 'continued.safetensors');
  const args = ['--dataset', 'fashion-mnist', '--init', start, '--limit', '16', '--epochs', '2', '--batch', '16', '--lr', '1e-20', '--test-limit', '4'];
  const { code, context } = await runCommand(trainCommand, [...args, '--save-each-epoch', '--out', out]);
  assert.is(code, 0);
  assert.ok(context.notes.includes(`starting from the weights of ${start}`), context.notes.join('\n'));
  assert.ok(context.notes.includes(`wrote ${out} (after epoch 1)`), context.notes.join('\n'));
  const before = loadVgg(readFileSync(start));
  const after = loadVgg(readFileSync(out));
  assert.equal(after.spec, before.spec);
  for (const [name, values] of before.weights) {
    const moved = after.weights.get(name)!;
    for (let i = 0; i < values.length; i++) assert.ok(Math.abs(moved[i] - values[i]) <= 1e-6 * Math.max(1, Math.abs(values[i])), `${name}[${i}] moved`);
  }
});

test('train --init --freeze 4 fine-tunes the classifier alone: every conv layer keeps its weights bit for bit', async () => {
  const start = join(folder, 'fashion.safetensors');
  const out = join(folder, 'top.safetensors');
  const args = ['--dataset', 'fashion-mnist', '--init', start, '--freeze', '4', '--limit', '16', '--epochs', '1', '--batch', '16', '--lr', '1e-2', '--test-limit', '4'];
  const { code, context } = await runCommand(trainCommand, [...args, '--out', out]);
  assert.is(code, 0);
  assert.ok(context.notes.some((line) => line.endsWith('seed 1, the first 4 conv layer(s) frozen')), context.notes.join('\n'));
  const before = loadVgg(readFileSync(start));
  const after = loadVgg(readFileSync(out));
  for (const [name, values] of before.weights) {
    const moved = after.weights.get(name)!;
    if (name.startsWith('features.')) assert.equal(moved, values, `${name} moved`);
    else assert.ok(moved.some((value, i) => value !== values[i]), `${name} did not move`);
  }
});

test('mean-image writes the model again with the whole training split\'s mean image, its weights as they were', async () => {
  const start = join(folder, 'fashion.safetensors');
  const out = join(folder, 'with-mean.safetensors');
  const { code, context } = await runCommand(meanImageCommand, ['--model', start, '--dataset', 'fashion-mnist', '--out', out]);
  assert.is(code, 0);
  assert.equal(context.printed, [`wrote ${out} with the mean image of fashion-mnist train (60000 images)`]);
  const before = loadVgg(readFileSync(start));
  const after = loadVgg(readFileSync(out));
  assert.equal(after.spec, before.spec);
  for (const [name, values] of before.weights) assert.equal(after.weights.get(name), values, name);
  assertClose('mean image', after.meanImage!, meanImage(fashionMnist('train')));
  // Fashion-MNIST's items sit on a black ground: its corners are near 0, its centre is not.
  assert.ok(after.meanImage![0] < 0.01 && after.meanImage![14 * 28 + 14] > 0.3, 'not a Fashion-MNIST mean image');
});

test('train, evaluate and mean-image refuse bad input in one line, before any GPU work', async () => {
  const out = join(folder, 'never.safetensors');
  const cases: Array<[typeof trainCommand, string[], RegExp]> = [
    [trainCommand, ['--dataset', 'mnist', '--out', out], /^train: unknown dataset "mnist"; known: fashion-mnist, cluttered$/],
    [trainCommand, ['--out', out], /^train: --dataset is required/],
    [trainCommand, ['--dataset', 'cluttered'], /^train: --out is required/],
    [trainCommand, ['--dataset', 'cluttered', '--out', join(folder, 'missing', 'm.safetensors')], /^train: cannot write .*: the folder .*missing does not exist$/],
    [trainCommand, ['--dataset', 'cluttered', '--out', out, '--epochs', '0'], /^--epochs 0 must be a whole number ≥ 1$/],
    [trainCommand, ['--dataset', 'cluttered', '--out', out, '--lr', 'fast'], /^--lr fast is not a number$/],
    [trainCommand, ['--dataset', 'cluttered', '--out', out, '--optimizer', 'rmsprop'], /^--optimizer rmsprop is not one of adam, sgd$/],
    [trainCommand, ['--dataset', 'cluttered', '--out', out, '--data', folder], /train-images-idx3-ubyte\.gz is missing; install Debian's package dataset-fashion-mnist/],
    [trainCommand, ['--dataset', 'cluttered', '--out', out, '--frobnicate'], /^train: Unknown option '--frobnicate'/],
    [trainCommand, ['--dataset', 'fashion-mnist', '--out', out, '--init', join(folder, 'cluttered.safetensors')], /^train: --init .*cluttered\.safetensors does not fit fashion-mnist: the model takes 3×64×64 images/],
    [trainCommand, ['--dataset', 'fashion-mnist', '--out', out, '--init', join(folder, 'fashion.safetensors'), '--features', '8,M'], /^train: --init takes its architecture from the model; leave out --features, --classifier and --avgpool$/],
    [trainCommand, ['--dataset', 'fashion-mnist', '--out', out, '--init', join(folder, 'none.safetensors')], /none\.safetensors does not exist/],
    [trainCommand, ['--dataset', 'fashion-mnist', '--out', out, '--freeze', '1.5'], /^--freeze 1.5 is not a whole number$/],
    [trainCommand, ['--dataset', 'fashion-mnist', '--out', out, '--init', join(folder, 'fashion.safetensors'), '--freeze', '5'], /^train: --freeze 5 is more than the model's 4 conv layers$/],
    [trainCommand, ['--dataset', 'cluttered', '--out', out, '--avgpool', '2'], /^--avgpool 2 must be two whole numbers, height,width/],
    [trainCommand, ['--dataset', 'cluttered', '--out', out, '--avgpool', '0,1'], /^--avgpool 0 must be a whole number ≥ 1$/],
    [evaluateCommand, ['--model', join(folder, 'none.safetensors'), '--dataset', 'fashion-mnist'], /none\.safetensors does not exist/],
    [meanImageCommand, ['--model', join(folder, 'fashion.safetensors'), '--dataset', 'fashion-mnist'], /^mean-image: --out is required/],
    [meanImageCommand, ['--model', join(folder, 'fashion.safetensors'), '--dataset', 'fashion-mnist', '--out', join(folder, 'missing', 'm.safetensors')], /^--out .*: the folder .*missing does not exist$/],
    [meanImageCommand, ['--model', join(folder, 'fashion.safetensors'), '--dataset', 'cluttered', '--out', out], /^mean-image: .*fashion\.safetensors does not fit cluttered: /],
    [meanImageCommand, ['--model', join(folder, 'none.safetensors'), '--dataset', 'fashion-mnist', '--out', out], /none\.safetensors does not exist/],
    [evaluateCommand, ['--model', out, '--dataset', 'imagenet'], /^evaluate: unknown dataset "imagenet"/],
    [evaluateCommand, ['--model', out, '--dataset', 'cluttered', '--split', 'val'], /^--split val is not one of test, train$/],
  ];
  for (const [command, args, pattern] of cases) {
    const { error, context } = await commandError(command, args);
    assert.ok(error instanceof RangeError || error instanceof TypeError, `${args.join(' ')}: ${error.stack}`);
    assert.match(error.message, pattern, args.join(' '));
    assert.not.match(error.message, /\n/, 'one line');
    assert.is(context.gpuRequests, 0, `${args.join(' ')} asked for the GPU`);
  }
  assert.not.ok(existsSync(out));
});

test.run();
