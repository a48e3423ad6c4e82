import { imageToInput } from '../attribution/mod.ts';
import { softmax } from '../nn/mod.ts';
import type { Command } from './command.ts';
import { loadModelOption } from './load_model_option.ts';
import { MODEL_OVERRIDE_HELP, MODEL_OVERRIDE_OPTIONS, parseModelOverrides } from './model_overrides.ts';
import { openLoaded } from './open_model.ts';
import { parseNumber, parseOptions } from './parse_options.ts';
import { readImages } from './read_images.ts';

const HELP = `usage: deepinside predict --model M.safetensors|M.onnx --image I.png [--top K] [--json] [--preset NAME]
                         [--mean M,M,M] [--std S,S,S] [--labels FILE]

Classifies one image: the K classes with the largest unnormalised scores S_c (the logits the
paper's maps explain) and their softmax probabilities.

  --model PATH    the model: a VGG as .safetensors (README, "Models") or an ONNX file
                  (docs/graphs.md; defaults it leaves open are printed as notes)
  --preset NAME   the architecture of a bare torchvision file that has no deepinside metadata:
                  vgg11, vgg13, vgg16 or vgg19 (ImageNet normalisation and labels)
${MODEL_OVERRIDE_HELP}
  --image PATH    a PNG of the model's input size; colour for a 3-channel model, grey for a
                  1-channel one (an RGB file whose pixels are all grey is accepted too)
  --top K         how many classes to list, best first (default 5; at most the number of classes)
  --json          print one JSON object instead of a table:
                  {"labels": [...], "logits": [...],
                   "top": [{"index", "label", "score", "probability"}, ...]}

example:
  npx deepinside predict --model weights/vgg-fashion.safetensors --image weights/images/fashion-0-t-shirt-top.png --top 3`;

/** `deepinside predict`: an image's top classes, with scores and probabilities. */
export const predictCommand: Command = {
  name: 'predict',
  summary: 'classify an image: top classes, scores and probabilities',
  help: HELP,
  async run(args, context) {
    const options = parseOptions('predict', args, {
      model: { type: 'string' },
      preset: { type: 'string' },
      ...MODEL_OVERRIDE_OPTIONS,
      image: { type: 'string', multiple: true },
      top: { type: 'string' },
      json: { type: 'boolean' },
    });
    const images = options.image ?? [];
    if (images.length !== 1) throw new RangeError(`predict takes one --image, got ${images.length}`);
    const top = options.top === undefined ? 5 : parseNumber('--top', options.top, { integer: true, min: 1 });
    const data = loadModelOption(options.model, options.preset, parseModelOverrides(options));
    const spec = data.graph.info;
    const [file] = readImages(images);
    const input = imageToInput(spec, file.image, file.path);
    const { model } = await openLoaded(context, data, { forwardOnly: true });
    let logits: Float32Array;
    try {
      await model.forward(input, 1);
      logits = await model.gpu.read(model.logits);
    } finally {
      model.destroy();
    }
    const labels = spec.labels;
    const probabilities = softmax(logits);
    const order = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a] || a - b).slice(0, top);
    const best = order.map((index) => ({ index, label: labels[index], score: logits[index], probability: probabilities[index] }));
    if (options.json) {
      context.print(JSON.stringify({ labels, logits: Array.from(logits), top: best }));
      return 0;
    }
    context.print(`${file.path}:`);
    context.print(`  rank  class  probability      score  label`);
    for (const [rank, { index, label, score, probability }] of best.entries()) {
      context.print(
        `  ${String(rank + 1).padStart(4)}  ${String(index).padStart(5)}  ${probability.toFixed(4).padStart(11)}  ${score.toPrecision(5).padStart(9)}  ${label}`,
      );
    }
    return 0;
  },
};
