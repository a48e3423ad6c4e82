import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { attribute, ATTRIBUTION_DEFAULTS, ATTRIBUTION_METHODS, type AttributionMethod, type AttributionOptions, imageToInput } from '../attribution/mod.ts';
import { type ImageDataset, makeBatch } from '../data/mod.ts';
import {
  BOOTSTRAP_LEVEL,
  BOOTSTRAP_RESAMPLES,
  DEFAULT_FIDELITY_STEPS,
  defaultFidelityBatch,
  FIDELITY_BASELINES,
  FIDELITY_PROTOCOLS,
  FIDELITY_SCORES,
  type FidelityBaseline,
  fidelityBaselineMap,
  fidelityCurves,
  fidelityJson,
  type FidelityMethodResult,
  fidelityProtocol,
  type FidelityProtocolName,
  type FidelityReport,
  type FidelityScore,
  summariseFidelity,
} from '../evaluation/mod.ts';
import type { Classifier } from '../graph/mod.ts';
import { readNpy } from '../io/mod.ts';
import { checkOutputPath } from './check_output_path.ts';
import type { Command } from './command.ts';
import { encodePng } from './encode_png.ts';
import { fidelityGallery, type GalleryRow } from './fidelity_gallery.ts';
import { formatFidelityTable } from './format_fidelity_table.ts';
import { parseMethodOptions } from './method_options.ts';
import { openModel } from './open_model.ts';
import { parseNumber, parseOptions } from './parse_options.ts';
import { progressBar } from './progress_bar.ts';
import { formatDuration, throttle } from './progress_timing.ts';
import { DATASET_NAMES, datasetOption, readDataset } from './read_dataset.ts';
import { FASHION_MNIST_FOLDER } from './read_fashion_mnist.ts';
import { readImages } from './read_images.ts';
import { writeFidelityPlot } from './write_fidelity_plot.ts';
import { writeFileAtomic } from './write_file_atomic.ts';

const HELP = `usage: deepinside fidelity --model MODEL (--dataset D | --images PATH…) (--method M… | --maps FILE.npy) [options]

Insertion and deletion fidelity of attribution maps (Petsiuk et al. 2018), measured as Xplique's Deletion
and Insertion metrics with their defaults:
  - a map (H, W) ranks the pixels, descending, ties broken by ascending row-major index (a stable sort);
  - checkpoints k_i = floor(i·H·W/steps) pixels, i = 0 … steps;
  - deletion: the k_i top-ranked pixels of the normalised input are set to the baseline, all channels of a
    pixel together; insertion: from the all-baseline input, the k_i top pixels are put back. The baseline is
    0 in normalised units (the dataset's mean colour) unless --baseline gives another constant;
  - the score at a checkpoint is the target class's softmax probability (--score logit: its logit); the
    target is the image's true label where one is known, else its top class on the unperturbed input;
  - AUC of a curve s_0 … s_steps = mean over i of (s_i + s_{i+1})/2 (trapezoid on [0, 1]); the table shows the
    mean over images and its 95% interval: percentile bootstrap of the per-image AUCs, ${BOOTSTRAP_RESAMPLES} resamples,
    seeded by --seed. Deletion: lower is better; insertion: higher is better.
--protocol rise is RISE's own variant (Petsiuk et al.'s evaluation.py): checkpoints k_i = min(i·P, H·W) for
  P = --pixels-per-step (default the image's width), i = 0 … ceil(H·W/P); deletion sets pixels to 0; insertion
  starts from a blurred copy of the input (gkern(11, 5): scipy's gaussian_filter of an 11×11 impulse with
  σ = 5 pixels, mode 'reflect', so a nearly flat 11×11 kernel summing to 1; zeros past the image's edges).
The perturbed copies of an image (2·(steps+1)) are built on the GPU and scored in one forward pass, several
images a pass.

items (one of):
  --dataset D        ${DATASET_NAMES.join(' or ')}, with --split test|train (default test), --limit N (the first N)
                     and --data FOLDER (Fashion-MNIST's gzip IDX files, default ${FASHION_MNIST_FOLDER})
  --images PATH      PNG files or folders (repeat the option); with --labels 2,1,… or --labels FILE (one
                     label a line or comma-separated: class indices or names)
maps (one of):
  --method M         one or more (repeat, or comma-separate) of ${[...ATTRIBUTION_METHODS, ...FIDELITY_BASELINES].join(', ')}:
                     the engine's maps of the target class, random (uniform, seeded by --seed and the item)
                     and centre (a centred Gaussian, σ = min(H, W)/4)
  --maps FILE.npy    float32 (N, H, W) maps made by any tool, one per item in order; scored as method "maps"
method options (saliency's, renamed where fidelity's own options hold the name; each read only by its method):
  --ig-steps M       ig: the midpoint rule's steps m, ≥ 1 (default ${ATTRIBUTION_DEFAULTS.steps}); saliency's --steps
  --ig-baseline B    ig: the constant baseline x' in normalised units (default ${ATTRIBUTION_DEFAULTS.baseline}); saliency's --baseline
  --samples N        smoothgrad: the noisy copies n per image, ≥ 1 (default ${ATTRIBUTION_DEFAULTS.samples})
  --noise S          smoothgrad: σ as a fraction of the image's range, ≥ 0 (default ${ATTRIBUTION_DEFAULTS.noise})
  --smooth-squared   smoothgrad: SmoothGrad-Squared, max over channels of the mean of (dS_c/dx)²
  --smoothgrad-seed K
                     smoothgrad: the noise's seed, a whole number in [0, 2³²) (default ${ATTRIBUTION_DEFAULTS.seed}); saliency's --seed
  --layer NAME       gradcam: the spatial output to weigh (default the output just before the final pooling)
  (deepinside saliency --help defines each method; the maps are exactly saliency's with the same options.)
options:
  --steps S          checkpoints after 0, 1 ≤ S ≤ H·W (default ${DEFAULT_FIDELITY_STEPS})
  --baseline V       the deleted/empty value in normalised units (default 0; --baseline=-0.5 for a negative one)
  --score prob|logit (default prob)
  --target true|top  (default true where labels are known, else top)
  --protocol default|rise, --pixels-per-step P (rise only)
  --batch B          images per forward pass (default from a memory budget: twice the largest binding)
  --seed S           the random baseline and the bootstrap (default 0)
  --shard i/n        score items i, i+n, i+2n, … only (0 ≤ i < n), for deepinside merge
  --json FILE        write {"run": {…}, METHOD: {"deletion": {"auc", "interval", "auc_per_image", "curves"},
                     "insertion": {…}}, …}; "run" records model (name, sha256), protocol, steps, baseline,
                     score, target, seed, batch, items, shard and method_options (each of ig, smoothgrad
                     and gradcam that the run scores, with every option's value; gradcam's layer null
                     for the default)
  --plot FILE        the mean deletion and insertion curves of each method, AUC in the legend (.svg or .png)
  --gallery FILE.png the first item's deletion sequence: a row per method, a tile per checkpoint, each
                     labelled with the pixels deleted and the score there

example:
  npx deepinside fidelity --model weights/vgg-cluttered.safetensors --dataset cluttered --limit 20 --method gradient,guided,random --json fidelity.json --plot curves.png`;

const isAttributionMethod = (name: string): name is AttributionMethod => (ATTRIBUTION_METHODS as readonly string[]).includes(name);
const isBaseline = (name: string): name is FidelityBaseline => (FIDELITY_BASELINES as readonly string[]).includes(name);

/** The items a run scores: normalised inputs (n, C, H, W), their labels where known and their indices in the run. */
interface Items {
  readonly source: string;
  /** Items in the whole run; `indices` are this shard's. */
  readonly count: number;
  readonly indices: readonly number[];
  readonly input: Float32Array;
  readonly labels: readonly number[] | undefined;
}

/** `deepinside fidelity`: insertion and deletion AUC of attribution maps, batched on the GPU. */
export const fidelityCommand: Command = {
  name: 'fidelity',
  summary: 'insertion and deletion AUC of attribution maps (any method, or maps from a file), shardable',
  help: HELP,
  async run(args, context) {
    const options = parseOptions('fidelity', args, {
      model: { type: 'string' },
      dataset: { type: 'string' },
      split: { type: 'string' },
      limit: { type: 'string' },
      data: { type: 'string' },
      images: { type: 'string', multiple: true },
      labels: { type: 'string' },
      method: { type: 'string', multiple: true },
      maps: { type: 'string' },
      steps: { type: 'string' },
      baseline: { type: 'string' },
      score: { type: 'string' },
      target: { type: 'string' },
      protocol: { type: 'string' },
      'pixels-per-step': { type: 'string' },
      batch: { type: 'string' },
      seed: { type: 'string' },
      shard: { type: 'string' },
      json: { type: 'string' },
      plot: { type: 'string' },
      gallery: { type: 'string' },
      'ig-steps': { type: 'string' },
      'ig-baseline': { type: 'string' },
      samples: { type: 'string' },
      noise: { type: 'string' },
      'smooth-squared': { type: 'boolean' },
      'smoothgrad-seed': { type: 'string' },
      layer: { type: 'string' },
    });
    if (options.model === undefined) throw new RangeError('fidelity: --model is required');
    if ((options.dataset === undefined) === (options.images === undefined)) throw new RangeError('fidelity: give either --dataset or --images');
    if ((options.method === undefined) === (options.maps === undefined)) throw new RangeError('fidelity: give either --method or --maps');
    const methods = (options.method ?? []).flatMap((m) => m.split(',')).map((m) => m.trim()).filter((m) => m !== '');
    for (const method of methods) {
      if (!isAttributionMethod(method) && !isBaseline(method)) {
        throw new RangeError(`fidelity: unknown method "${method}"; known: ${[...ATTRIBUTION_METHODS, ...FIDELITY_BASELINES].join(', ')}`);
      }
    }
    if (new Set(methods).size !== methods.length) throw new RangeError(`fidelity: a method is given twice in ${methods.join(', ')}`);
    const names = options.maps !== undefined ? ['maps'] : methods;
    if (names.length === 0) throw new RangeError('fidelity: --method names no method');
    const protocolName = options.protocol ?? 'default';
    if (!(FIDELITY_PROTOCOLS as readonly string[]).includes(protocolName)) throw new RangeError(`--protocol ${protocolName} is not one of ${FIDELITY_PROTOCOLS.join(', ')}`);
    const score = options.score ?? 'prob';
    if (!(FIDELITY_SCORES as readonly string[]).includes(score)) throw new RangeError(`--score ${score} is not one of ${FIDELITY_SCORES.join(', ')}`);
    const targetText = options.target;
    if (targetText !== undefined && targetText !== 'true' && targetText !== 'top') throw new RangeError(`--target ${targetText} is not one of true, top`);
    const steps = options.steps === undefined ? undefined : parseNumber('--steps', options.steps, { integer: true, min: 1 });
    const pixelsPerStep = options['pixels-per-step'] === undefined ? undefined : parseNumber('--pixels-per-step', options['pixels-per-step'], { integer: true, min: 1 });
    const baseline = options.baseline === undefined ? undefined : parseNumber('--baseline', options.baseline);
    const batchOption = options.batch === undefined ? undefined : parseNumber('--batch', options.batch, { integer: true, min: 1 });
    const seed = parseNumber('--seed', options.seed ?? '0', { integer: true, min: 0, max: 0xffffffff });
    const { options: methodOptions } = parseMethodOptions(
      {
        steps: options['ig-steps'],
        baseline: options['ig-baseline'],
        samples: options.samples,
        noise: options.noise,
        'smooth-squared': options['smooth-squared'],
        seed: options['smoothgrad-seed'],
        layer: options.layer,
      },
      'gradient',
      undefined,
      { steps: '--ig-steps', baseline: '--ig-baseline', seed: '--smoothgrad-seed' },
    );
    const limit = options.limit === undefined ? undefined : parseNumber('--limit', options.limit, { integer: true, min: 1 });
    const shard = parseShard(options.shard);
    if (options.json !== undefined) checkOutputPath('--json', options.json);
    if (options.plot !== undefined) {
      checkOutputPath('--plot', options.plot);
      if (!/\.(svg|png)$/i.test(options.plot)) throw new RangeError(`--plot ${options.plot} must end in .svg or .png`);
    }
    if (options.gallery !== undefined) {
      checkOutputPath('--gallery', options.gallery);
      if (!/\.png$/i.test(options.gallery)) throw new RangeError(`--gallery ${options.gallery} must end in .png`);
    }
    const modelBytes = readModelBytes(options.model);
    const mapsFile = options.maps === undefined ? undefined : readMapsFile(options.maps);

    const { model } = await openModel(context, options.model);
    try {
      const { height, width } = model.info.input;
      const pixels = height * width;
      // The protocol first: a bad --steps costs no reading of items.
      const protocol = fidelityProtocol(height, width, {
        protocol: protocolName as FidelityProtocolName,
        ...(steps === undefined ? {} : { steps }),
        ...(pixelsPerStep === undefined ? {} : { pixelsPerStep }),
        ...(baseline === undefined ? {} : { baseline }),
        score: score as FidelityScore,
      });
      const items = options.dataset !== undefined
        ? datasetItems(model, datasetOption('fidelity', options.dataset), options.split ?? 'test', limit, options.data, shard)
        : imageItems(model, options.images!, options.labels, shard);
      if (items.indices.length === 0) {
        throw new RangeError(`--shard ${shard.index}/${shard.count} holds none of the run's ${items.count} items; use fewer shards than items`);
      }
      if (mapsFile) {
        const [n, h, w] = mapsFile.shape;
        if (mapsFile.shape.length !== 3 || n !== items.count || h !== height || w !== width) {
          throw new RangeError(`--maps ${options.maps} has shape (${mapsFile.shape.join(', ')}) but the run needs (${items.count}, ${height}, ${width}): one ${height}×${width} map per item`);
        }
        const bad = mapsFile.data.findIndex((v) => !Number.isFinite(v));
        if (bad !== -1) {
          throw new RangeError(`--maps ${options.maps}: map ${Math.floor(bad / pixels)} holds ${mapsFile.data[bad]} at pixel ${bad % pixels}; maps must be finite`);
        }
      }
      const target = targetText ?? (items.labels ? 'true' : 'top');
      if (target === 'true' && !items.labels) throw new RangeError('fidelity: --target true needs labels: give --labels with --images');
      items.labels?.forEach((label, i) => {
        if (label < 0 || label >= model.classes) throw new RangeError(`fidelity: item ${items.indices[i]}'s label ${label} is outside the model's ${model.classes} classes (0 to ${model.classes - 1})`);
      });
      const n = items.indices.length;
      const k = protocol.checkpoints.length;
      // The same batch in every shard of a run (bounded by the whole run's count), so that they merge to the bit.
      const batch = Math.min(batchOption ?? defaultFidelityBatch(model, k), items.count);
      const targets = target === 'true' ? items.labels! : await topClasses(model, items.input, n);
      const results = new Map<string, FidelityMethodResult>();
      const started = performance.now();
      const show = throttle(1);
      let doneBefore = 0;
      const gallery: GalleryRow[] = [];
      for (const name of names) {
        const maps = new Float32Array(n * pixels);
        if (mapsFile) {
          items.indices.forEach((item, i) => maps.set(mapsFile.data.subarray(item * pixels, (item + 1) * pixels), i * pixels));
        } else if (isBaseline(name)) {
          items.indices.forEach((item, i) => maps.set(fidelityBaselineMap(name, item, height, width, seed), i * pixels));
        } else {
          const chunk = 32;
          for (let first = 0; first < n; first += chunk) {
            const m = Math.min(chunk, n - first);
            const input = items.input.subarray(first * model.inputSize, (first + m) * model.inputSize);
            const { maps: some } = await attribute(model, input, m, targets.slice(first, first + m), name as AttributionMethod, methodOptions);
            maps.set(some, first * pixels);
          }
        }
        const curves = await fidelityCurves(model, items.input, n, maps, targets, protocol, {
          batch,
          onProgress: (done, total) => show(done === total && name === names.at(-1), () => {
            const all = names.length * n;
            const finished = doneBefore + done;
            const seconds = (performance.now() - started) / 1000;
            const rate = finished / seconds;
            context.progress(
              `fidelity ${name} ${progressBar(finished / all)} ${finished}/${all} image-maps, ${rate.toPrecision(2)} images/s, ` +
                `${formatDuration((all - finished) / rate)} left (${total} images × ${2 * k} inputs, batch ${batch})`,
            );
          }),
        });
        doneBefore += n;
        results.set(name, summariseFidelity(curves, seed));
        gallery.push({ method: name, map: maps.slice(0, pixels), deletion: curves.deletion[0] });
      }
      const report: FidelityReport = {
        run: {
          model: basename(options.model),
          model_sha256: createHash('sha256').update(modelBytes).digest('hex'),
          source: items.source,
          protocol: protocol.name,
          steps: k - 1,
          checkpoints: protocol.checkpoints,
          pixels,
          ...(protocol.name === 'rise' ? { pixels_per_step: pixelsPerStep ?? width } : { baseline: protocol.deletion }),
          score: protocol.score,
          target,
          methods: names,
          method_options: methodOptionsRecord(names, methodOptions),
          seed,
          batch,
          count: items.count,
          items: items.indices,
          shard: `${shard.index}/${shard.count}`,
          bootstrap: { resamples: BOOTSTRAP_RESAMPLES, level: BOOTSTRAP_LEVEL, kind: 'percentile' },
        },
        results,
      };
      for (const line of formatFidelityTable(report)) context.print(line);
      if (options.json !== undefined) {
        writeFileAtomic(options.json, fidelityJson(report));
        context.note(`wrote ${options.json}`);
      }
      if (options.plot !== undefined) {
        await writeFidelityPlot(options.plot, report);
        context.note(`wrote ${options.plot}`);
      }
      if (options.gallery !== undefined) {
        const image = await fidelityGallery(model, items.input.slice(0, model.inputSize), gallery, protocol);
        writeFileAtomic(options.gallery, encodePng(image));
        context.note(`wrote ${options.gallery} (item ${items.indices[0]})`);
      }
    } finally {
      model.destroy();
    }
    return 0;
  },
};

/** The options of each method in `names` that takes any, every value resolved to what `attribute` uses. */
function methodOptionsRecord(names: readonly string[], options: AttributionOptions): Record<string, Record<string, number | boolean | string | null>> {
  const record: Record<string, Record<string, number | boolean | string | null>> = {};
  if (names.includes('ig')) {
    record.ig = { steps: options.steps ?? ATTRIBUTION_DEFAULTS.steps, baseline: options.baseline ?? ATTRIBUTION_DEFAULTS.baseline };
  }
  if (names.includes('smoothgrad')) {
    record.smoothgrad = {
      samples: options.samples ?? ATTRIBUTION_DEFAULTS.samples,
      noise: options.noise ?? ATTRIBUTION_DEFAULTS.noise,
      smooth_squared: options.smoothSquared ?? ATTRIBUTION_DEFAULTS.smoothSquared,
      seed: options.seed ?? ATTRIBUTION_DEFAULTS.seed,
    };
  }
  if (names.includes('gradcam')) record.gradcam = { layer: options.layer ?? null };
  return record;
}

/** `--shard i/n` checked: 0 ≤ i < n. */
function parseShard(text: string | undefined): { index: number; count: number } {
  if (text === undefined) return { index: 0, count: 1 };
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) throw new RangeError(`--shard ${text} is not i/n (two whole numbers, such as 0/4)`);
  const [index, count] = [Number(match[1]), Number(match[2])];
  if (!(count >= 1 && index < count)) throw new RangeError(`--shard ${text}: i must satisfy 0 ≤ i < n, and n ≥ 1`);
  return { index, count };
}

function readModelBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new RangeError(`--model ${path} cannot be read: ${(error as Error).message}`);
  }
}

function readMapsFile(path: string): { shape: readonly number[]; data: Float32Array } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new RangeError(`--maps ${path} cannot be read: ${(error as Error).message}`);
  }
  try {
    return readNpy(bytes);
  } catch (error) {
    throw new RangeError(`--maps ${path}: ${(error as Error).message}`);
  }
}

/** The shard's items of `total`: i, i + n, … */
function shardIndices(total: number, shard: { index: number; count: number }): number[] {
  const indices: number[] = [];
  for (let i = shard.index; i < total; i += shard.count) indices.push(i);
  return indices;
}

function datasetItems(
  model: Classifier,
  name: (typeof DATASET_NAMES)[number],
  split: string,
  limit: number | undefined,
  folder: string | undefined,
  shard: { index: number; count: number },
): Items {
  if (split !== 'test' && split !== 'train') throw new RangeError(`--split ${split} is not one of test, train`);
  const dataset: ImageDataset = readDataset(name, split, folder ?? FASHION_MNIST_FOLDER);
  const { channels, height, width } = model.info.input;
  if (dataset.input.channels !== channels || dataset.input.height !== height || dataset.input.width !== width) {
    const d = dataset.input;
    throw new RangeError(`fidelity: the model takes ${channels}×${height}×${width} inputs but ${dataset.name} has ${d.channels}×${d.height}×${d.width} images`);
  }
  const count = limit === undefined ? dataset.length : Math.min(limit, dataset.length);
  const indices = shardIndices(count, shard);
  const input = new Float32Array(indices.length * model.inputSize);
  const labels: number[] = [];
  for (let first = 0; first < indices.length; first += 256) {
    const some = indices.slice(first, first + 256);
    const batch = makeBatch(dataset, some, model.info.normalize);
    input.set(batch.input, first * model.inputSize);
    labels.push(...batch.labels);
  }
  const source = count < dataset.length ? `${dataset.name} (first ${count})` : dataset.name;
  return { source, count, indices, input, labels };
}

function imageItems(model: Classifier, paths: readonly string[], labelText: string | undefined, shard: { index: number; count: number }): Items {
  const files = readImages(paths);
  const all = labelText === undefined ? undefined : parseLabels(labelText, model.info.labels);
  if (all && all.length !== files.length) throw new RangeError(`--labels gives ${all.length} labels for ${files.length} images`);
  const indices = shardIndices(files.length, shard);
  const input = new Float32Array(indices.length * model.inputSize);
  indices.forEach((item, i) => input.set(imageToInput(model.info, files[item].image, files[item].path), i * model.inputSize));
  const source = files.length === 1 ? basename(files[0].path) : `${files.length} images from ${paths.map((p) => basename(p)).join(', ')}`;
  return { source, count: files.length, indices, input, labels: all && indices.map((i) => all[i]) };
}

/** `--labels`: a comma list, or a file of labels (a line each, or comma-separated), each an index or a class name. */
function parseLabels(text: string, names: readonly string[]): number[] {
  let list = text;
  if (!/^[\s\d,]+$/.test(text)) {
    try {
      list = readFileSync(text, 'utf8');
    } catch (error) {
      throw new RangeError(`--labels ${text} is neither a list of class indices nor a readable file: ${(error as Error).message}`);
    }
  }
  return list.split(/[,\n]/).map((t) => t.trim()).filter((t) => t !== '').map((t) => {
    if (/^[-+]?\d+$/.test(t)) return Number(t);
    const found = names.indexOf(t);
    if (found === -1) throw new RangeError(`--labels: "${t}" is neither a class index nor one of the model's labels`);
    return found;
  });
}

/** Each image's top class on its unperturbed input, in passes of 64. */
async function topClasses(model: Classifier, input: Float32Array, n: number): Promise<number[]> {
  const top: number[] = [];
  for (let first = 0; first < n; first += 64) {
    const m = Math.min(64, n - first);
    await model.forward(input.slice(first * model.inputSize, (first + m) * model.inputSize), m);
    const logits = await model.gpu.read(model.logits);
    for (let i = 0; i < m; i++) {
      let best = 0;
      for (let c = 1; c < model.classes; c++) if (logits[i * model.classes + c] > logits[i * model.classes + best]) best = c;
      top.push(best);
    }
  }
  return top;
}
