import { GraphModel } from '../graph/mod.ts';
import { initVggWeights, vggGraph, vggPreset } from '../model/mod.ts';
import { Random } from '../random/mod.ts';
import type { Command } from './command.ts';

/**
 * `deepinside check`: names the adapter and its limits, then runs a VGG16 (random He weights) at
 * 224×224 forward and backward to the input, timing each pass on the wall clock.
 */
export const checkCommand: Command = {
  name: 'check',
  summary: 'name the WebGPU adapter and time a VGG16 forward and backward pass',
  help: `usage: deepinside check

Names the WebGPU adapter and its limits, then times a VGG16 (random weights) at 224×224,
forward and backward to the input, on the wall clock.

example:
  npx deepinside check`,
  async run(args, context) {
    if (args.length > 0) throw new RangeError(`check takes no arguments, got ${args.join(' ')}`);
    const gpu = await context.gpu();
    const limits = gpu.limits;
    context.print(`adapter: ${gpu.adapterName}`);
    context.print(
      `binding limit: ${(limits.maxBindingBytes / 1048576).toFixed(0)} MiB, largest buffer: ${(limits.maxBufferBytes / 1048576).toFixed(0)} MiB, ` +
        `timestamps: ${gpu.hasTimestamps ? 'yes' : 'no'}`,
    );
    const spec = vggPreset('vgg16');
    const random = new Random(2014);
    const model = GraphModel.create(gpu, vggGraph({ spec, weights: initVggWeights(spec, random) }));
    const input = random.uniformArray(model.inputSize);
    let start = performance.now();
    await model.forward(input, 1);
    const logits = await gpu.read(model.logits);
    const forwardMs = performance.now() - start;
    const top = logits.indexOf(Math.max(...logits));
    start = performance.now();
    await model.backward(model.oneHot(1, [top]), 'gradient');
    const gradient = await gpu.read(model.inputGradient);
    const backwardMs = performance.now() - start;
    const norm = Math.sqrt(gradient.reduce((sum, g) => sum + g * g, 0));
    context.print(
      `VGG16 224×224 (random weights): forward ${forwardMs.toFixed(0)} ms, backward to the input ${backwardMs.toFixed(0)} ms, ` +
        `‖∂S_${top}/∂I‖ = ${norm.toPrecision(4)}`,
    );
    model.destroy();
    return 0;
  },
};
