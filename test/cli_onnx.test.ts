import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import { FormatError } from '../src/io/mod.ts';
import * as assert from 'uvu/assert';
import type { PixelImage } from '../src/attribution/mod.ts';
import { predictCommand, saliencyCommand } from '../src/cli/mod.ts';
import type { ModelInfo } from '../src/graph/mod.ts';
import { readNpy } from '../src/io/mod.ts';
import { onnxToGraph } from '../src/model/mod.ts';
import { referenceGraphClassScoreGradient, referenceGraphForward, saliencyMap } from '../src/reference/mod.ts';
import { RELU_RULES } from '../src/shapes/mod.ts';
import { commandError, runCommand, temporaryFolder, writePng } from './support/cli_fixture.ts';
import { assertClose } from './support/compare.ts';
import { resnetOnnx } from './support/onnx_builder.ts';
import { testRandom } from './support/seed.ts';
import { randomImage } from './support/test_models.ts';

const random = testRandom('cli_onnx');
const folder = temporaryFolder();
// A miniature ResNet exported without deepinside metadata: its input size, ImageNet's normalisation and
// `class k` labels are the importer's defaults, each announced.
const bytes = resnetOnnx(random, { channels: 3, height: 21, width: 19, classes: 6, block: 'bottleneck' });
const model = join(folder, 'resnet.onnx');
writeFileSync(model, bytes);
const { graph } = onnxToGraph(bytes);

function normalised(info: ModelInfo, image: PixelImage): Float64Array {
  const plane = image.width * image.height;
  const out = new Float64Array(image.channels * plane);
  for (let c = 0; c < image.channels; c++) {
    for (let p = 0; p < plane; p++) out[c * plane + p] = (image.data[p * image.channels + c] / 255 - info.normalize.mean[c]) / info.normalize.std[c];
  }
  return out;
}

for (const rule of RELU_RULES) {
  test(`saliency --model x.onnx --rule ${rule} writes the float64 reference graph's map for the top class, announcing the importer's defaults`, async () => {
    const image = randomImage(random, 21, 19, 3);
    const path = writePng(join(folder, `image-${rule}.png`), image);
    const [out, npy] = [join(folder, `${rule}.png`), join(folder, `${rule}.npy`)];
    const { code, context } = await runCommand(saliencyCommand, ['--model', model, '--image', path, '--rule', rule, '--out', out, '--npy', npy]);
    assert.is(code, 0);
    const input = normalised(graph.info, image);
    const logits = referenceGraphForward(graph, input, 1).logits;
    const top = logits.indexOf(Math.max(...logits));
    const expected = saliencyMap({ n: 1, c: 3, h: 21, w: 19 }, referenceGraphClassScoreGradient(graph, input, 1, [top], rule).dInput);
    assertClose(`map (${rule})`, readNpy(readFileSync(npy)).data, expected, { random });
    assert.match(context.printed[0], new RegExp(`class ${top} "class ${top}" \\(S_c [^,]+, ${rule}\\) → ${out}`));
    assert.ok(context.notes.some((note) => /ImageNet/.test(note)), `notes: ${context.notes.join(' | ')}`);
  });
}

test('predict --model x.onnx takes --mean, --std and --labels in place of the defaults', async () => {
  const image = randomImage(random, 21, 19, 3);
  const path = writePng(join(folder, 'predict.png'), image);
  const labels = join(folder, 'labels.txt');
  writeFileSync(labels, 'ant\nbee\ncat\ndog\neel\nfox\n\n');
  const { code, context } = await runCommand(predictCommand, ['--model', model, '--image', path, '--json', '--mean', '0.5,0.4,0.3', '--std', '0.2, 0.25,0.3', '--labels', labels]);
  assert.is(code, 0);
  const result = JSON.parse(context.printed[0]);
  assert.equal(result.labels, ['ant', 'bee', 'cat', 'dog', 'eel', 'fox']);
  const info = { ...graph.info, normalize: { mean: [0.5, 0.4, 0.3], std: [0.2, 0.25, 0.3] } };
  assertClose('logits', result.logits, referenceGraphForward(graph, normalised(info, image), 1).logits, { random });
  assert.not.ok(context.notes.some((note) => /normali[sz]/i.test(note) && /ImageNet/.test(note)), 'no note for a default that was overridden');
});

test('a truncated ONNX file, labels that do not fit and a bad --std are refused in one line naming the file, before the GPU, writing nothing', async () => {
  const image = writePng(join(folder, 'refused.png'), randomImage(random, 21, 19, 3));
  const truncated = join(folder, 'truncated.onnx');
  writeFileSync(truncated, bytes.subarray(0, bytes.length - 1000));
  const few = join(folder, 'few.txt');
  writeFileSync(few, 'one\ntwo\n');
  const out = join(folder, 'never.png');
  const cases: Array<[readonly string[], RegExp, new (...args: never[]) => Error]> = [
    [['--model', truncated], /^.*truncated\.onnx: onnx: (?!onnx: )/, FormatError],
    [['--model', model, '--labels', few], /^.*resnet\.onnx: .*2 labels .*6 (classes|outputs)$/, FormatError],
    [['--model', model, '--std', '1,0,1'], /^--std 0 must be a number > 0$/, RangeError],
    [['--model', model, '--labels', join(folder, 'nowhere.txt')], /^--labels .*nowhere\.txt does not exist$/, RangeError],
  ];
  for (const [args, pattern, type] of cases) {
    const { error, context } = await commandError(saliencyCommand, [...args, '--image', image, '--out', out]);
    assert.instance(error, type);
    assert.match(error.message, pattern);
    assert.not.match(error.message, /\n/);
    assert.is(context.gpuRequests, 0, `${args.join(' ')} asked for the GPU`);
    assert.not.ok(existsSync(out));
  }
});

test.run();
