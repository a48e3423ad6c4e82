import { CLASS_MODEL_DEFAULTS, CLASS_MODEL_MEAN_PRIOR, CLASS_MODEL_PRIORS, classModels, inputToImage, labelledGrid, meanImagePrior } from '../attribution/mod.ts';
import { writeNpy } from '../io/mod.ts';
import { MAX_BLUR_SIGMA } from '../nn/mod.ts';
import { checkOutputPath } from './check_output_path.ts';
import { checkBatchFits } from './check_batch_fits.ts';
import type { Command } from './command.ts';
import { encodePng } from './encode_png.ts';
import { loadModelOption } from './load_model_option.ts';
import { KERNEL_HELP, KERNEL_OPTIONS, kernelOptions } from './kernel_options.ts';
import { MODEL_OVERRIDE_HELP, MODEL_OVERRIDE_OPTIONS, parseModelOverrides } from './model_overrides.ts';
import { openLoaded } from './open_model.ts';
import { parseNumber, parseOptions } from './parse_options.ts';
import { progressBar } from './progress_bar.ts';
import { resolveClass } from './resolve_class.ts';
import { writeFileAtomic } from './write_file_atomic.ts';

const { steps: STEPS, learningRate: LR, l2: L2 } = CLASS_MODEL_DEFAULTS;
const PRIORS = CLASS_MODEL_PRIORS;
const MEAN = CLASS_MODEL_MEAN_PRIOR;

const HELP = `usage: deepinside classviz --model M.safetensors|M.onnx --class C|all --out class.png
                          [--steps K] [--lr η] [--l2 λ] [--npy x.npy] [--batch B] [--preset NAME]
                          [--mean M,M,M] [--std S,S,S] [--labels FILE]
                          [--priors | --mean-prior] [--jitter PX] [--blur σ] [--blur-every K]
                          [--gradient-blur σ] [--seed S] [--winograd]

Class-model visualisation (Simonyan et al. 2014, section 2): the image I that maximises
S_c(I) - λ‖I‖², the unnormalised score of class c less an L2 penalty, by gradient ascent from
the zero image: I ← I + η (dS_c/dI - 2λI), each step one forward and one backward pass. The
score is shown as it climbs. The PNG adds the mean image back (undoing the input
normalisation) and stretches the difference from it until 99% of the values fill 0-255.

  --model PATH    the model: a VGG as .safetensors (README, "Models") or an ONNX file
                  (docs/graphs.md)
  --preset NAME   the architecture of a bare torchvision file: vgg11, vgg13, vgg16 or vgg19
${MODEL_OVERRIDE_HELP}
${KERNEL_HELP}
  --class C       the class, an index or a label; or all, for every class in one labelled grid
  --steps K       ascent steps (default ${STEPS})
  --lr η          step size, in units of the normalised input (default ${LR})
  --l2 λ          weight of the L2 penalty (default ${L2})
  --out PATH      the image as a PNG at the model's input size; with --class all, a grid of
                  every class, enlarged, each labelled with its index and label
  --batch B       with --class all, how many classes ascend side by side in one batch (default
                  16; fewer for a big model on a small GPU: each needs its own activations)
  --priors        image priors beyond the paper, which make the small models' class models look
                  like their classes: the same as
                  --jitter ${PRIORS.jitter} --blur ${PRIORS.blur} --blur-every ${PRIORS.blurEvery} --steps ${PRIORS.steps}
                  (any of those options given as well wins)
  --mean-prior    for a model that carries its training set's mean image (train stores it;
                  deepinside mean-image adds it to older files): start from the mean image, pull
                  back to it (λ‖I - mean‖²) and keep every pixel in [0, 1], which for a network
                  normalised per channel is what the paper's zero image was; with
                  --jitter ${MEAN.jitter} --gradient-blur ${MEAN.gradientBlur} --lr ${MEAN.learningRate} --steps ${MEAN.steps} (any given as well wins).
                  The PNG then shows the image as it is, not stretched
  --jitter PX     take each step's gradient at the image shifted by up to ±PX pixels at random,
                  wrapping round (default 0: never)
  --blur σ        blur the image with a Gaussian of σ pixels every --blur-every steps (default 0:
                  never; --blur-every defaults to ${PRIORS.blurEvery})
  --gradient-blur σ  blur each step's gradient with a Gaussian of σ pixels (default 0: never)
  --seed S        seeds the jitter's shifts (default 1)
  --npy PATH      also the raw optimised input, float32 .npy in normalised units: shape (C, H, W),
                  or (classes, C, H, W) with --class all

The paper gives no η, λ or step count; the defaults were chosen on the small VGGs trained here
(README). The ascent settles where dS_c/dI = 2λI, so λ sets the image's scale: λ = ${L2} settles
near the scale of a real normalised image (root mean square about 1), and η = ${LR} gets there in
${STEPS} steps. A model with larger or smaller gradients wants λ scaled with them: raise --l2 if the
image saturates into noise, lower it if it stays faint; lower --lr if the score falls or diverges.
Every file is written whole or not at all; missing folders are reported before any work.

example:
  npx deepinside classviz --model weights/vgg-fashion.safetensors --class all --mean-prior --out class-models.png`;

/** `deepinside classviz`: class models by regularised gradient ascent, one class or all of them. */
export const classvizCommand: Command = {
  name: 'classviz',
  summary: 'class-model visualisation by L2-regularised gradient ascent',
  help: HELP,
  async run(args, context) {
    const options = parseOptions('classviz', args, {
      model: { type: 'string' },
      preset: { type: 'string' },
      ...MODEL_OVERRIDE_OPTIONS,
      ...KERNEL_OPTIONS,
      class: { type: 'string' },
      steps: { type: 'string' },
      lr: { type: 'string' },
      l2: { type: 'string' },
      out: { type: 'string' },
      npy: { type: 'string' },
      batch: { type: 'string' },
      priors: { type: 'boolean' },
      'mean-prior': { type: 'boolean' },
      'gradient-blur': { type: 'string' },
      jitter: { type: 'string' },
      blur: { type: 'string' },
      'blur-every': { type: 'string' },
      seed: { type: 'string' },
    });
    const priors = options.priors === true;
    const mean = options['mean-prior'] === true;
    if (priors && mean) throw new RangeError('--priors and --mean-prior are two different sets of priors; choose one');
    const steps = options.steps === undefined ? (priors ? PRIORS.steps : mean ? MEAN.steps : STEPS) : parseNumber('--steps', options.steps, { integer: true, min: 0 });
    const learningRate = options.lr === undefined ? (mean ? MEAN.learningRate : LR) : parseNumber('--lr', options.lr, { positive: true });
    const l2 = options.l2 === undefined ? L2 : parseNumber('--l2', options.l2, { min: 0 });
    const batch = parseNumber('--batch', options.batch ?? '16', { integer: true, min: 1 });
    const jitter = options.jitter === undefined ? (priors ? PRIORS.jitter : mean ? MEAN.jitter : 0) : parseNumber('--jitter', options.jitter, { integer: true, min: 0 });
    const gradientBlur =
      options['gradient-blur'] === undefined ? (mean ? MEAN.gradientBlur : 0) : parseNumber('--gradient-blur', options['gradient-blur'], { min: 0, max: MAX_BLUR_SIGMA });
    const blur = options.blur === undefined ? (priors ? PRIORS.blur : 0) : parseNumber('--blur', options.blur, { min: 0, max: MAX_BLUR_SIGMA });
    const blurEvery = parseNumber('--blur-every', options['blur-every'] ?? String(PRIORS.blurEvery), { integer: true, min: 1 });
    const seed = parseNumber('--seed', options.seed ?? '1', { integer: true, min: 0 });
    if (options.class === undefined) throw new RangeError('--class is required: an index, a label, or all');
    if (options.out === undefined) throw new RangeError('--out is required: where to write the PNG');
    if (options.npy !== undefined && options.npy === options.out) throw new RangeError('--out and --npy must name different files');
    checkOutputPath('--out', options.out);
    if (options.npy !== undefined) checkOutputPath('--npy', options.npy);

    const data = loadModelOption(options.model, options.preset, parseModelOverrides(options));
    const spec = data.graph.info;
    if (mean && !data.meanImage) {
      throw new RangeError(
        `--mean-prior: ${options.model} carries no mean image; add its training set's with deepinside mean-image --model ${options.model} --dataset NAME --out NEW.safetensors`,
      );
    }
    const anchored = mean && data.meanImage ? meanImagePrior(spec, data.meanImage) : {};
    const all = options.class.trim().toLowerCase() === 'all';
    const classes = all ? spec.labels.map((_, i) => i) : [resolveClass(spec.labels, options.class)];
    checkBatchFits((await context.gpu()).limits, data.graph, Math.min(batch, classes.length));
    const { model } = await openLoaded(context, data, kernelOptions(options));
    const inputs: Float32Array[] = [];
    try {
      // Every step would flood a log; about 50 reports a class show the climb.
      const every = Math.max(1, Math.floor(steps / 50));
      for (let first = 0; first < classes.length; first += batch) {
        const chunk = classes.slice(first, first + batch);
        const name = chunk.length === 1 ? `class ${chunk[0]} "${spec.labels[chunk[0]]}"` : `classes ${chunk[0]}-${chunk.at(-1)}`;
        const results = await classModels(model, chunk, {
          steps,
          learningRate,
          l2,
          // The prior's anchor and bounds; its jitter and gradient blur are overridden by what was parsed.
          ...anchored,
          jitter,
          blur,
          blurEvery,
          gradientBlur,
          seed,
          onStep: (step, scores) => {
            if (step % every === 0 || step === steps) {
              const shown = chunk.length === 1 ? `S_c ${scores[0].toPrecision(5)}` : `highest S_c ${Math.max(...scores).toPrecision(5)}`;
              context.progress(`${name} ${progressBar(steps === 0 ? 1 : step / steps)} step ${step}/${steps}  ${shown}`, { job: name, done: step, total: steps, unit: 'steps' });
            }
          },
        });
        results.forEach(({ input, scores }, i) => {
          const c = chunk[i];
          context.print(`class ${c} "${spec.labels[c]}": S_c ${scores[0].toPrecision(5)} → ${scores[steps].toPrecision(5)} in ${steps} steps`);
          inputs.push(input);
        });
      }
    } finally {
      model.destroy();
    }
    // With the mean prior every pixel is one a real image can have: shown as it is.
    const images = inputs.map((input) => inputToImage(spec, input, mean ? 'clip' : 'stretch'));
    const png = all ? labelledGrid(images, classes.map((c) => `${c} ${spec.labels[c].split(',')[0]}`)) : images[0];
    writeFileAtomic(options.out, encodePng(png));
    context.print(`→ ${options.out}`);
    if (options.npy !== undefined) {
      const { channels, height, width } = spec.input;
      const size = channels * height * width;
      const stacked = new Float32Array(inputs.length * size);
      inputs.forEach((input, i) => stacked.set(input, i * size));
      writeFileAtomic(options.npy, writeNpy(stacked, all ? [classes.length, channels, height, width] : [channels, height, width]));
      context.print(`→ ${options.npy}`);
    }
    return 0;
  },
};
