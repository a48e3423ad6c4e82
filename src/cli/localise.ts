import { ATTRIBUTION_METHODS, type AttributionMethod, type Localisation, localiseSaliency, type LocalisationScores } from '../attribution/mod.ts';
import { RELU_RULES } from '../shapes/mod.ts';
import type { Command } from './command.ts';
import { loadModelOption } from './load_model_option.ts';
import { METHOD_HELP, METHOD_OPTIONS, parseMethodOptions } from './method_options.ts';
import { KERNEL_HELP, KERNEL_OPTIONS, kernelOptions } from './kernel_options.ts';
import { MODEL_OVERRIDE_HELP, MODEL_OVERRIDE_OPTIONS, parseModelOverrides } from './model_overrides.ts';
import { openLoaded } from './open_model.ts';
import { LOCALISE_SEGMENT_HELP, localiseSegment } from './localise_segment.ts';
import { parseNumber, parseOptions } from './parse_options.ts';
import { progressBar } from './progress_bar.ts';
import { throttle } from './progress_timing.ts';
import { FASHION_MNIST_FOLDER } from './read_fashion_mnist.ts';
import { readClutteredDataset } from './read_dataset.ts';

const HELP = `usage: deepinside localise --model MODEL.safetensors|MODEL.onnx [options]

How well a colour model's saliency maps find the object in the cluttered scenes, whose ground-truth
boxes the dataset keeps: for each scene, the map of its true class (M_ij = maxᶜ |∂S_c/∂I_cij|) under
each rule, scored by the share of the map's mass inside the box and by the pointing game (is the map's
largest pixel inside the box?), averaged over the split, beside centred Gaussians of several widths
scored the same way and the box's mean share of the image (what a uniform map scores).

  --model PATH    the model: a VGG as .safetensors or an ONNX file (docs/graphs.md) that takes the
                  scenes' 3×H×W images
  --split S       test or train (default test)
  --rule R        gradient, deconvnet, guided or all (default all: the three rules)
  --method M      any attribution method below, or all (every method); not with --rule. Their
                  options (--steps, --samples, --layer, ...) apply to every scene
${METHOD_HELP.replace('  --method M       how the map is made', '  (methods)        how the map is made')}
  --class C       truth (the scene's class, default) or top (the model's prediction)
  --limit N       the first N scenes only
  --batch B       scenes per pass (default 64)
  --json          print one JSON object instead:
                  {"model", "split", "count", "target", "accuracy", "boxArea",
                   "rules": {method: {"inBox", "pointing"}}, "gaussians": [{"sigma", "inBox", "pointing"}]}
  --data FOLDER   Fashion-MNIST's gzip IDX files, the scenes' source (default ${FASHION_MNIST_FOLDER})
${LOCALISE_SEGMENT_HELP}
${MODEL_OVERRIDE_HELP}
${KERNEL_HELP}
example:
  npx deepinside localise --model weights/vgg-cluttered.safetensors --limit 100`;

/** `deepinside localise`: saliency maps scored against the cluttered set's ground-truth boxes. */
export const localiseCommand: Command = {
  name: 'localise',
  summary: "how well saliency maps find the object in cluttered scenes (mass in box, pointing game)",
  help: HELP,
  async run(args, context) {
    const options = parseOptions('localise', args, {
      model: { type: 'string' },
      ...MODEL_OVERRIDE_OPTIONS,
      ...KERNEL_OPTIONS,
      split: { type: 'string' },
      rule: { type: 'string' },
      ...METHOD_OPTIONS,
      class: { type: 'string' },
      limit: { type: 'string' },
      batch: { type: 'string' },
      json: { type: 'boolean' },
      data: { type: 'string' },
      segment: { type: 'boolean' },
    });
    const split = options.split ?? 'test';
    if (split !== 'test' && split !== 'train') throw new RangeError(`--split ${split} is not one of test, train`);
    if (options.method !== undefined && options.rule !== undefined) {
      throw new RangeError('--rule and --method name the same choice: give one (--rule R is --method R)');
    }
    if (options.rule !== undefined && options.rule !== 'all' && !(RELU_RULES as readonly string[]).includes(options.rule)) {
      throw new RangeError(`--rule ${options.rule} is not one of ${RELU_RULES.join(', ')}, all`);
    }
    // 'all' is the three rules under --rule (and by default), every method under --method.
    const choice = options.method ?? options.rule ?? 'all';
    const parsed = parseMethodOptions({ ...options, rule: undefined, method: choice === 'all' ? undefined : choice, batch: undefined }, 'gradient', undefined);
    const rules: readonly AttributionMethod[] = choice !== 'all' ? [parsed.method] : options.method === 'all' ? ATTRIBUTION_METHODS : RELU_RULES;
    const target = options.class ?? 'truth';
    if (target !== 'truth' && target !== 'top') throw new RangeError(`--class ${target} is not one of truth, top`);
    const limit = options.limit === undefined ? undefined : parseNumber('--limit', options.limit, { integer: true, min: 1 });
    const batchSize = parseNumber('--batch', options.batch ?? '64', { integer: true, min: 1 });
    const path = options.model;
    const modelData = loadModelOption(path, undefined, parseModelOverrides(options));
    const all = readClutteredDataset(split, options.data ?? FASHION_MNIST_FOLDER);
    const scenes = limit === undefined || limit >= all.length
      ? all
      : { name: `${all.name} (first ${limit})`, length: limit, input: all.input, item: (i: number) => all.item(i) };
    const { channels, height, width } = modelData.graph.info.input;
    if (channels !== 3 || height !== all.input.height || width !== all.input.width) {
      throw new RangeError(
        `localise: ${path} takes ${channels}×${height}×${width} inputs, but the cluttered scenes are 3×${all.input.height}×${all.input.width}; ` +
          'give a model trained with deepinside train --dataset cluttered',
      );
    }
    const { model } = await openLoaded(context, modelData, kernelOptions(options));
    if (options.segment) {
      try {
        await localiseSegment(context, model, scenes, rules, { batchSize, json: options.json ?? false, model: path, split, methodOptions: parsed.options });
      } finally {
        model.destroy();
      }
      return 0;
    }
    const show = throttle(1);
    let result: Localisation;
    try {
      result = await localiseSaliency(model, scenes, {
        rules,
        methodOptions: parsed.options,
        target: target === 'truth' ? 'label' : 'top',
        batchSize,
        onProgress: (done, total) => show(done === total, () => context.progress(`localising ${progressBar(done / total)} ${done}/${total}`, { job: 'localising', done, total, unit: 'scenes' })),
      });
    } finally {
      model.destroy();
    }
    if (options.json) {
      context.print(JSON.stringify({
        model: path,
        split,
        count: result.count,
        target: result.target,
        accuracy: result.accuracy,
        boxArea: result.boxArea,
        rules: Object.fromEntries(result.rules),
        gaussians: [...result.gaussians].map(([sigma, scores]) => ({ sigma, ...scores })),
      }));
      return 0;
    }
    context.print(
      `${scenes.name}: ${result.count} scenes, maps of the ${target === 'truth' ? 'true' : 'predicted'} class; ` +
        `the model classifies ${(100 * result.accuracy).toFixed(2)}% correctly`,
    );
    const rows: [string, LocalisationScores | { inBox: number; pointing?: number }][] = [
      ...[...result.rules].map(([rule, scores]) => [(RELU_RULES as readonly string[]).includes(rule) ? `saliency, ${rule}` : rule, scores] as [string, LocalisationScores]),
      ...[...result.gaussians].map(([sigma, scores]) => [`centred Gaussian σ=${sigma}`, scores] as [string, LocalisationScores]),
      ['uniform (box area)', { inBox: result.boxArea }],
    ];
    const percent = (v: number | undefined) => (v === undefined ? '—' : `${(100 * v).toFixed(1)}%`).padStart(13);
    context.print(`${'map'.padEnd(26)}${'mass in box'.padStart(13)}${'pointing'.padStart(13)}`);
    for (const [name, { inBox, pointing }] of rows) context.print(`${name.padEnd(26)}${percent(inBox)}${percent(pointing)}`);
    return 0;
  },
};
