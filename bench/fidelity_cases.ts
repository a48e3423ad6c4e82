// Fidelity's throughput on a model: the forward pass alone at batch 1, 8 and 32 (images/s), and one
// fidelity pass as `deepinside fidelity` runs it: an image's 2·(steps + 1) perturbed copies built on the
// GPU by fidelity_perturb straight into the model's input, then one forward pass of them all.

import { DEFAULT_FIDELITY_STEPS, fidelityCheckpoints } from '../src/evaluation/mod.ts';
import type { Gpu } from '../src/gpu/mod.ts';
import { type Graph, GraphModel } from '../src/graph/mod.ts';
import { fidelityPerturb } from '../src/nn/mod.ts';
import type { Random } from '../src/random/mod.ts';
import type { EndToEnd } from './end_to_end.ts';

/** Forward passes at `batches`, then a fidelity pass of one image (10 steps); the last case releases the model. */
export function fidelityCases(gpu: Gpu, graph: Graph, random: Random, batches: readonly number[] = [1, 8, 32]): EndToEnd[] {
  const model = GraphModel.create(gpu, graph);
  const { channels, height, width } = graph.info.input;
  const cases: EndToEnd[] = batches.map((n) => {
    const input = random.uniformArray(n * model.inputSize);
    return { name: 'fidelity: forward pass', batch: n, run: () => model.forward(input, n), release: () => undefined };
  });
  const checkpoints = fidelityCheckpoints(height * width, DEFAULT_FIDELITY_STEPS);
  const copies = 2 * checkpoints.length;
  const x = gpu.tensorFrom(random.uniformArray(model.inputSize), 'fidelity image');
  const ranks = gpu.tensorFrom(Uint32Array.from(random.shuffle(Array.from({ length: height * width }, (_, p) => p))), 'fidelity ranks');
  const ck = gpu.tensorFrom(Uint32Array.from(checkpoints), 'fidelity checkpoints');
  const zeros = new Float32Array(copies * model.inputSize);
  cases.push({
    // `batch` counts images; each is 22 forward inputs.
    name: `fidelity: perturb + forward of one image's ${copies} copies (${DEFAULT_FIDELITY_STEPS} steps)`,
    batch: 1,
    run: async () => {
      if (model.batch !== copies) await model.forward(zeros, copies);
      await fidelityPerturb(gpu, { n: 1, c: channels, h: height, w: width, checkpoints: checkpoints.length }, x, ranks, ck, { deletion: 0, insertion: 0 }, model.input);
      await model.forward();
    },
    release: () => undefined,
  });
  cases.push({
    name: 'release',
    batch: 0,
    run: async () => undefined,
    release: () => {
      for (const t of [x, ranks, ck]) t.buffer.destroy();
      model.destroy();
    },
  });
  return cases;
}
