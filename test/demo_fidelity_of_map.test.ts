// The demo's fidelity view without a browser: what it computes for the map on show is what
// `deepinside fidelity --images … --labels … --method … --json` writes for the same image, class and method.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fidelityOfMap } from '../demo/fidelity_of_map.ts';
import { fidelityCommand } from '../src/cli/mod.ts';
import { attribute, type AttributionMethod, fidelityChartSpec, GraphModel, imageToInput, loadModel } from '../src/mod.ts';
import { runCommand, temporaryFolder, writePng } from './support/cli_fixture.ts';
import { gpu } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, randomImage, writeModel } from './support/test_models.ts';

const random = testRandom('demo_fidelity_of_map');
const folder = temporaryFolder();
const file = writeModel(folder, 'colour', COLOUR_SPEC, random);
const picture = randomImage(random, 20, 24, 3);
const path = writePng(join(folder, 'scene.png'), picture);
const { graph } = loadModel(readFileSync(file.path));

for (const [method, cliOptions] of [['gradient', []], ['ig', ['--ig-steps', '3']]] as Array<[AttributionMethod, string[]]>) {
  test(`fidelityOfMap's ${method} curves and AUCs are deepinside fidelity --json's to the bit, and its chart's legend carries them`, async () => {
    const model = GraphModel.create(gpu, graph);
    try {
      const input = imageToInput(model.info, picture, 'scene.png');
      const classIndex = random.int(10);
      const { maps } = await attribute(model, input, 1, [classIndex], method, method === 'ig' ? { steps: 3 } : {});
      const shown = { model: 'colour', image: 'scene.png', rule: method, classIndex, input, map: maps };
      const { report, result } = await fidelityOfMap(model, shown);
      const json = join(folder, `${method}.json`);
      const { code } = await runCommand(fidelityCommand, ['--model', file.path, '--images', path, '--labels', String(classIndex), '--method', method, '--json', json, ...cliOptions]);
      assert.is(code, 0);
      const cli = JSON.parse(readFileSync(json, 'utf8'));
      assert.equal(result.checkpoints, cli.run.checkpoints);
      assert.is(result.checkpoints.length, 11);
      assert.equal(result.deletion, cli[method].deletion.curves[0]);
      assert.equal(result.insertion, cli[method].insertion.curves[0]);
      assert.is(result.deletionAuc, cli[method].deletion.auc);
      assert.is(result.insertionAuc, cli[method].insertion.auc);
      const values = (fidelityChartSpec(report).data as { values: Array<{ series: string }> }).values;
      assert.is(values[0].series, `${method}: deletion ${result.deletionAuc.toFixed(4)}, insertion ${result.insertionAuc.toFixed(4)}`);
    } finally {
      model.destroy();
    }
  });
}

test.run();
