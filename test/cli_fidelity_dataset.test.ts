import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodePng, fidelityCommand } from '../src/cli/mod.ts';
import { makeBatch } from '../src/data/mod.ts';
import { fidelityBaselineMap, fidelityProtocol, pixelRanks } from '../src/evaluation/mod.ts';
import type { VggSpec } from '../src/model/mod.ts';
import { fidelityPerturb as refFidelityPerturb, referenceVggForward } from '../src/reference/mod.ts';
import { runCommand, temporaryFolder } from './support/cli_fixture.ts';
import { assertClose } from './support/compare.ts';
import { fashionMnist } from './support/fashion_mnist.ts';
import { testRandom } from './support/seed.ts';
import { writeModel } from './support/test_models.ts';

const random = testRandom('cli_fidelity_dataset');
const folder = temporaryFolder();

/** A small random model that takes Fashion-MNIST's 1×28×28 images. */
const SPEC: VggSpec = {
  format: 1,
  architecture: 'vgg',
  features: [4, 'M', 'M'],
  classifier: [8],
  input: { channels: 1, height: 28, width: 28 },
  normalize: { mean: [0.286], std: [0.353] },
  labels: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
};

test('fidelity --dataset fashion-mnist --limit 4 --shard 1/2: the random baseline scores items 1 and 3 by their true labels; --plot draws SVG and PNG, --gallery the first item\'s deletion sequence', async () => {
  const model = writeModel(folder, 'fashion', SPEC, random);
  const json = join(folder, 'f.json');
  const [svg, png] = [join(folder, 'curves.svg'), join(folder, 'curves.png')];
  const args = ['--model', model.path, '--dataset', 'fashion-mnist', '--limit', '4', '--shard', '1/2', '--method', 'random,centre', '--steps', '4', '--seed', '9', '--json', json];
  const { code, context } = await runCommand(fidelityCommand, [...args, '--plot', svg]);
  assert.is(code, 0);
  assert.ok(context.progressLines.some((line) => /images\/s, .* left/.test(line)), 'a progress line with a rate and the time left');
  const report = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal([report.run.source, report.run.items, report.run.count, report.run.target], ['fashion-mnist test (first 4)', [1, 3], 4, 'true']);
  // The same items by hand: normalised, the seeded random map, ranks, every copy through the float64 network.
  const test = fashionMnist('test');
  const batch = makeBatch(test, [1, 3], SPEC.normalize);
  const protocol = fidelityProtocol(28, 28, { steps: 4 });
  [1, 3].forEach((item, i) => {
    const ranks = pixelRanks(fidelityBaselineMap('random', item, 28, 28, 9));
    const x = batch.input.subarray(i * 784, (i + 1) * 784);
    const copies = refFidelityPerturb({ n: 1, c: 1, h: 28, w: 28 }, x, ranks, [...protocol.checkpoints], 0, 0);
    const logits = referenceVggForward(SPEC, model.weights, copies, 10).logits;
    const probs = Array.from({ length: 10 }, (_, j) => {
      const row = Array.from(logits.subarray(j * 10, (j + 1) * 10));
      const top = Math.max(...row);
      const total = row.reduce((s, v) => s + Math.exp(v - top), 0);
      return Math.exp(row[batch.labels[i]] - top) / total;
    });
    assertClose(`item ${item} deletion`, report.random.deletion.curves[i], probs.slice(0, 5), { atol: 1e-4, random });
    assertClose(`item ${item} insertion`, report.random.insertion.curves[i], probs.slice(5), { atol: 1e-4, random });
  });
  const text = readFileSync(svg, 'utf8');
  assert.match(text, /^<svg/);
  assert.match(text, /fraction of pixels deleted \/ inserted/);
  assert.match(text, new RegExp(`random: deletion ${report.random.deletion.auc.toFixed(4)}, insertion ${report.random.insertion.auc.toFixed(4)}`));
  const gallery = join(folder, 'gallery.png');
  await runCommand(fidelityCommand, [...args, '--plot', png, '--gallery', gallery]);
  const image = decodePng(readFileSync(png), png);
  assert.ok(image.width > 500 && image.height > 300, `a PNG of ${image.width}×${image.height}`);
  // Two methods × five checkpoints of 28×28 tiles, enlarged 4× (to ≥ 96 px) with 6 px gaps and a label line.
  const sequence = decodePng(readFileSync(gallery), gallery);
  assert.equal([sequence.width, sequence.channels], [5 * (4 * 28 + 6) + 6, 3]);
  assert.ok(sequence.height > 2 * 4 * 28 && sequence.height < 3 * 4 * 28, `two rows, got ${sequence.height} px`);
});

test.run();
