import { test } from 'uvu';
import { GraphModel } from '../src/graph/mod.ts';
import { onnxToGraph } from '../src/model/mod.ts';
import { referenceGraphBackward, referenceGraphForward } from '../src/reference/mod.ts';
import { RELU_RULES } from '../src/shapes/mod.ts';
import { assertClose } from './support/compare.ts';
import { gpu } from './support/gpu.ts';
import { resnetOnnx, vggOnnx } from './support/onnx_builder.ts';
import { runOnnxRuntime } from './support/onnx_runtime.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('onnx_resnet');

// ONNX models built in TypeScript, loaded by onnxToGraph and run by GraphModel on the GPU: the logits
// held to ONNX Runtime's (an independent runtime, batch norm unfolded), the input gradients under every
// rule to the float64 reference graph.
const CASES: Array<[string, () => Uint8Array, number, boolean]> = [
  ['a basic-block ResNet on 3×29×23 (batch norm folded), batch 2', () => resnetOnnx(random, { channels: 3, height: 29, width: 23, classes: 10, block: 'basic' }), 2, true],
  ['a bottleneck ResNet on 1×21×25 (batch norm as nodes), batch 1', () => resnetOnnx(random, { channels: 1, height: 21, width: 25, classes: 6, block: 'bottleneck', widths: [6, 3, 4] }), 1, false],
  ['a VGG-shaped model on 3×20×18 (AveragePool, Dropout, MatMul + Add), batch 3', () => vggOnnx(random, { channels: 3, height: 20, width: 18, classes: 5 }), 3, true],
];

for (const [name, build, n, fold] of CASES) {
  test(`ONNX ${name}: GPU logits match ONNX Runtime's and input gradients match the reference graph under every rule`, async () => {
    const bytes = build();
    const { graph } = onnxToGraph(bytes, {}, { foldBatchNorm: fold });
    const { channels, height, width } = graph.info.input;
    const input = random.uniformArray(n * channels * height * width, -2, 2);
    const model = GraphModel.create(gpu, graph);
    try {
      await model.forward(input, n);
      const logits = await gpu.read(model.logits);
      assertClose('logits vs ONNX Runtime', logits, await runOnnxRuntime(bytes, input, [n, channels, height, width]), { rel: 1e-4, random });
      const reference = referenceGraphForward(graph, input, n);
      assertClose('logits vs the reference graph', logits, reference.logits, { rel: 1e-4, random });
      const dLogits = random.uniformArray(n * graph.info.labels.length);
      for (const rule of RELU_RULES) {
        gpu.poison(model.inputGradient);
        await model.backward(dLogits, rule);
        const expected = referenceGraphBackward(graph, reference, dLogits, rule).dInput;
        assertClose(`∂input (${rule})`, await gpu.read(model.inputGradient), expected, { rel: 1e-4, random });
      }
    } finally {
      model.destroy();
    }
  });
}

test.run();
