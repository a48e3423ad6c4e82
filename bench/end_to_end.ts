// End-to-end passes of the paper on a whole network (VGG16 or ResNet-50 at 224×224 with random weights,
// which are enough for timing, or a shipped model), any graph the executor runs: optionally the forward
// pass alone, one image-specific saliency map (forward, backward to the input, the max over channels), and
// one step of class-model visualisation (forward, backward, the ascent step in place).

import type { Gpu } from '../src/gpu/mod.ts';
import { type Graph, GraphModel } from '../src/graph/mod.ts';
import { ascentStep } from '../src/nn/mod.ts';
import type { Random } from '../src/random/mod.ts';

export interface EndToEnd {
  readonly name: string;
  readonly batch: number;
  run(): Promise<void>;
  release(): void;
}

/**
 * The passes of `graph` at each batch size, on random inputs (with `forward`, the forward pass alone
 * first; with `classModel` false, no class-model step; with `winograd`, the 3×3 layers by Winograd where
 * WINOGRAD_TABLE picks it, as `--winograd` runs them); the last case releases the model.
 */
export function endToEndCases(
  gpu: Gpu,
  graph: Graph,
  random: Random,
  batches: readonly number[],
  options: { readonly forward?: boolean; readonly classModel?: boolean; readonly winograd?: boolean } = {},
): EndToEnd[] {
  const model = GraphModel.create(gpu, graph, { winograd: options.winograd === true });
  const { height, width } = graph.info.input;
  const cases: EndToEnd[] = [];
  for (const n of batches) {
    const input = random.uniformArray(n * model.inputSize);
    const classes = Array.from({ length: n }, (_, i) => i % model.classes);
    const dLogits = model.oneHot(n, classes);
    const map = gpu.tensor(n * height * width, 'saliency map');
    if (options.forward) {
      cases.push({
        name: 'forward (logits)',
        batch: n,
        run: async () => {
          await model.forward(input, n);
        },
        release: () => undefined,
      });
    }
    cases.push({
      name: 'saliency map (forward + backward to the input + max over channels)',
      batch: n,
      run: async () => {
        await model.forward(input, n);
        await model.backward(dLogits, 'gradient', { saliencyMap: map });
      },
      release: () => map.buffer.destroy(),
    });
    if (options.classModel === false) continue;
    cases.push({
      name: 'class-model step (forward + backward + ascent step)',
      batch: n,
      run: async () => {
        await model.forward(input, n);
        await model.backward(dLogits, 'gradient');
        await ascentStep(gpu, model.input, model.inputGradient, 0, 0);
      },
      release: () => undefined,
    });
  }
  cases.push({ name: 'release', batch: 0, run: async () => undefined, release: () => model.destroy() });
  return cases;
}
