import { GraphModel } from '../graph/mod.ts';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CLASS_MODEL_DEFAULTS,
  CLASS_MODEL_MEAN_PRIOR,
  CLASS_MODEL_PRIORS,
  classModels,
  type ClassModelsOptions,
  colorizeMap,
  imageToInput,
  inputToImage,
  labelledGrid,
  meanImagePrior,
  overlayMap,
  type PixelImage,
  saliencyMapsByRule,
  type TitledSection,
  titledStack,
} from '../attribution/mod.ts';
import { vggGraph, type VggModelData } from '../model/mod.ts';
import { softmax } from '../nn/mod.ts';
import type { ReluRule } from '../shapes/mod.ts';
import type { Command, CommandContext } from './command.ts';
import { encodePng } from './encode_png.ts';
import { loadVggOption } from './load_vgg_option.ts';
import { methodRows } from './method_rows.ts';
import { parseNumber, parseOptions } from './parse_options.ts';
import { progressBar } from './progress_bar.ts';
import { type ImageFile, readImages } from './read_images.ts';
import { renderReportPage, type ReportImage, type ReportSection, type ReportTable } from './report_page.ts';
import { SEGMENT_TITLE, showcaseSegment } from './showcase_segment.ts';
import { writeFileAtomic } from './write_file_atomic.ts';

const { steps: STEPS, learningRate: LR, l2: L2 } = CLASS_MODEL_DEFAULTS;
const PRIORS = CLASS_MODEL_PRIORS;
const MEAN = CLASS_MODEL_MEAN_PRIOR;
const CLUTTERED_STEPS = 10;
const CLUTTERED_PRIOR_STEPS = 30;
/**
 * vgg-fashion's ascent about its mean image stops at 300 of classviz --mean-prior's 400 steps: at 300 every
 * class showed the same item as at 400 (pixel correlation 0.97 to 0.99 for eight classes, 0.77 and 0.91 for
 * the sandal's and the bag's straps, which settle in a slightly different arrangement; scores 93 to 100% of
 * the 400-step ones), and the 100 steps saved are about 7 s of npm start on this machine's lavapipe.
 */
const FASHION_PRIOR_STEPS = 300;
/**
 * The colour model's scores barely move at η 1: over 400 steps with priors the trouser, pullover and dress
 * climbed from about −1.4 to −0.4 at most; at η 4 every class climbed to between 55 and 171 and shows its item
 * (the six-epoch model; the shipped fine-tune of its top climbs to between 67 and 183 at η 4).
 */
const CLUTTERED_LR = 4;

/**
 * The shipped models, in the order shown, the bundled images (`<weights>/images/<prefix>*.png`) each
 * explains, and their class models' steps by default (by the paper, with priors). A step of the colour
 * model is about 35 times the work of one of the Fashion-MNIST model (1.3 GFLOP an image forward against
 * 38 MFLOP; about 0.8 s for the ten classes on lavapipe): on a 2-core CPU its class models get what is
 * left of npm start's two minutes (30 steps with priors already show its items), and `classviz` makes
 * them properly. Each also has its own learning rates, and its own priors: the Fashion-MNIST model's
 * items, on a black ground, come out best about its mean image (classviz --mean-prior); the colour
 * model's mean image is a flat grey, and 30 steps about it showed only faint shapes of four classes where
 * jitter and blur (classviz --priors) show all ten.
 */
const SHIPPED = [
  { file: 'vgg-fashion.safetensors', images: 'fashion-', steps: STEPS, learningRate: LR, prior: 'mean', priorSteps: FASHION_PRIOR_STEPS, priorLearningRate: MEAN.learningRate },
  {
    file: 'vgg-cluttered.safetensors', images: 'cluttered-', steps: CLUTTERED_STEPS, learningRate: CLUTTERED_LR,
    prior: 'jitter', priorSteps: CLUTTERED_PRIOR_STEPS, priorLearningRate: CLUTTERED_LR,
  },
] as const;

/** What README's "Training and evaluating" runs to make the first shipped model. */
const TRAIN = 'npx deepinside train --dataset fashion-mnist --epochs 5 --batch 128 --lr 2e-3 --out';

/** Saliency under each rule, in the sheet's order: the paper's map first (section 3.1), then section 4's. */
const RULES: readonly { rule: ReluRule; title: string }[] = [
  { rule: 'gradient', title: 'saliency maps (section 3.1): max over channels of |dS_c/dI|, c the predicted class' },
  { rule: 'deconvnet', title: 'the same through the deconvnet rule (section 4)' },
  { rule: 'guided', title: 'the same by guided backpropagation (Springenberg et al. 2015)' },
];

const HELP = `usage: deepinside showcase [--weights DIR] [--out DIR] [--steps K] [--prior-steps K] [--lr η]
                          [--direct]

The paper on the shipped models: for each of DIR/vgg-fashion.safetensors (Fashion-MNIST, 1×28×28)
and DIR/vgg-cluttered.safetensors (the cluttered colour set, 3×64×64) that exists, and the test
images bundled for it in DIR/images (fashion-*.png, cluttered-*.png):

  OUT/<model>/<image>-saliency.png   the image's saliency map for its predicted class (section 3.1),
                                     grey, white = most salient: what deepinside saliency --out writes
  OUT/<model>/<image>-overlay.png    the map blended over the image (saliency --overlay)
  OUT/<model>/<image>-segment.png    the object segmented from that map with GrabCut (section 6),
                                     mask green, box red: what deepinside segment --overlay writes
  OUT/<model>/<image>-deconvnet.png  the map through the deconvnet rule (section 4)
  OUT/<model>/<image>-guided.png     the map by guided backpropagation
  OUT/<model>/class-models.png       every class's model (section 2), one labelled grid, as
                                     deepinside classviz --class all writes it
  OUT/<model>/class-models-priors.png  the same with image priors: about the model's mean image for
                                     vgg-fashion (classviz --mean-prior), jitter and blur for
                                     vgg-cluttered and for a model without a mean image (--priors)
  OUT/contact-sheet.png              all of it on one page: per model, the images with their
                                     predicted class and probability, the maps, the overlays, a
                                     row for each of gradient × input, Integrated Gradients,
                                     SmoothGrad and Grad-CAM (saliency --method; IG at --steps 8,
                                     SmoothGrad at --samples 8, to keep to minutes) and the
                                     class models, every row titled
  OUT/index.html                     the report: the same rows as a web page that opens from disk
                                     (no server; images linked by relative paths), with each image's
                                     top three classes and probabilities as text, captions, the time
                                     each step took, and DIR/<model>.localise.json's scores where
                                     that file exists (deepinside localise --json writes it)
  OUT/timings.json                   those times as JSON: each step's wall-clock and CPU seconds, and
                                     per model the elements of the Winograd weight transforms kept
                                     (0 where every 3×3 layer ran by the direct kernels)

  --weights DIR   where the models and images/ are (default weights)
  --out DIR       the output folder, made if missing (default out)
  --steps K       class-model ascent steps, for every model (default ${STEPS} for vgg-fashion, as
                  classviz, and ${CLUTTERED_STEPS} for vgg-cluttered, to fit two minutes on a CPU; λ ${L2})
  --prior-steps K  steps of the class models with priors (default ${FASHION_PRIOR_STEPS} for vgg-fashion, where
                  classviz --mean-prior takes ${MEAN.steps}, and ${CLUTTERED_PRIOR_STEPS} for vgg-cluttered)
  --lr η          the class models' learning rate, for every model and both kinds (default ${LR} and,
                  with the mean prior, ${MEAN.learningRate} for vgg-fashion, as classviz; ${CLUTTERED_LR} for vgg-cluttered,
                  whose scores barely move at ${LR})
  --direct        run every 3×3 convolution by the direct kernels; by default showcase runs them
                  as saliency, classviz and segment do with --winograd (Winograd's F(2×2) or F(4×4)
                  where a table measured on lavapipe says it is faster), so its files are what
                  those commands write with --winograd

A missing model is skipped with a note; with neither, showcase stops and says how to train one.
Each file's path is printed as it is written, the contact sheet's, the timings' and the report's last.

example:
  npx deepinside showcase --weights weights --out out`;

/** One step of the run, timed: wall-clock and CPU seconds (the CPU's include the driver's threads). */
interface Timing {
  readonly step: string;
  readonly seconds: number;
  readonly cpuSeconds: number;
}

/** Runs `work` and records how long it took under `step`. */
async function timed<T>(timings: Timing[], step: string, work: () => Promise<T>): Promise<T> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(cpu);
  timings.push({ step, seconds: (performance.now() - wall) / 1000, cpuSeconds: (used.user + used.system) / 1e6 });
  return result;
}

/** A shipped model found on disk, with its images, read and checked before any GPU work. */
interface Shown {
  readonly name: string;
  readonly path: string;
  readonly data: VggModelData;
  readonly images: readonly ImageFile[];
  readonly input: Float32Array;
  /** Its class models' ascents: by the paper, and with priors (about its mean image, or jitter and blur). */
  readonly steps: number;
  readonly learningRate: number;
  readonly prior: 'mean' | 'jitter';
  readonly priorSteps: number;
  readonly priorLearningRate: number;
}

/** `deepinside showcase`: saliency maps, overlays and class models of the shipped models, and a contact sheet. */
export const showcaseCommand: Command = {
  name: 'showcase',
  summary: 'maps, overlays and class models of the models in weights/, and one contact sheet',
  help: HELP,
  async run(args, context) {
    const options = parseOptions('showcase', args, {
      weights: { type: 'string' },
      out: { type: 'string' },
      steps: { type: 'string' },
      'prior-steps': { type: 'string' },
      lr: { type: 'string' },
      direct: { type: 'boolean' },
    });
    const weights = options.weights ?? 'weights';
    const out = options.out ?? 'out';
    const steps = options.steps === undefined ? undefined : parseNumber('--steps', options.steps, { integer: true, min: 0 });
    const priorSteps = options['prior-steps'] === undefined ? undefined : parseNumber('--prior-steps', options['prior-steps'], { integer: true, min: 0 });
    const learningRate = options.lr === undefined ? undefined : parseNumber('--lr', options.lr, { positive: true });
    if (existsSync(out) && !statSync(out).isDirectory()) throw new RangeError(`--out ${out} is a file; give a folder`);

    const found = SHIPPED.filter(({ file }) => existsSync(join(weights, file)));
    if (found.length === 0) {
      const paths = SHIPPED.map(({ file }) => join(weights, file));
      throw new RangeError(`no model to show: ${paths.join(' and ')} do not exist; train one with ${TRAIN} ${paths[0]}`);
    }
    for (const { file } of SHIPPED) if (!found.some((f) => f.file === file)) context.note(`${join(weights, file)} is not there yet: skipped`);
    const shown = found.map((f) =>
      readShown(weights, f.file, f.images, {
        steps: steps ?? f.steps,
        learningRate: learningRate ?? f.learningRate,
        prior: f.prior,
        priorSteps: priorSteps ?? f.priorSteps,
        priorLearningRate: learningRate ?? f.priorLearningRate,
      }),
    );
    for (const model of shown) {
      if (model.prior === 'mean' && !model.data.meanImage) context.note(`${model.path} carries no mean image: its class models with priors use jitter and blur`);
    }

    mkdirSync(out, { recursive: true });
    const timings: Timing[] = [];
    const gpu = await timed(timings, 'WebGPU adapter and device', () => context.gpu());
    const sections: TitledSection[] = [];
    const report: ReportSection[] = [];
    // Per model, the elements of the Winograd weight transforms its run kept: 0 where every 3×3 layer ran direct.
    const winograd: Record<string, number> = {};
    for (const model of shown) {
      const { sheet, page, winogradElements } = await showModel(model, out, weights, context, timings, options.direct !== true);
      winograd[model.name] = winogradElements;
      sections.push(...sheet);
      report.push(page);
    }
    const sheet = join(out, 'contact-sheet.png');
    await timed(timings, 'contact sheet', async () => writeFileAtomic(sheet, encodePng(titledStack(sections))));
    context.print(sheet);
    const { pipelines, milliseconds } = gpu.compileStats;
    report.push({
      title: 'Timings',
      paragraphs: [
        `On ${gpu.adapterName}. Wall-clock seconds depend on what else the machine runs; CPU seconds count every thread of the process, the WebGPU driver's included.`,
        `${pipelines} compute pipelines were compiled, their requests taking ${(milliseconds / 1000).toFixed(1)} s summed (they overlap with each other and with the steps above, which include them).`,
      ],
      tables: [{
        caption: 'each step of this run',
        head: ['step', 'wall s', 'CPU s'],
        rows: [...timings.map((t) => [t.step, t.seconds.toFixed(2), t.cpuSeconds.toFixed(2)]), ['total', sum(timings, 'seconds').toFixed(2), sum(timings, 'cpuSeconds').toFixed(2)]],
      }],
    });
    // The same numbers as data, for a results file (docs/performance.md's table of npm start is printed from one).
    const times = join(out, 'timings.json');
    writeFileAtomic(times, `${JSON.stringify({ adapter: gpu.adapterName, pipelines, compileSeconds: milliseconds / 1000, winogradWeightElements: winograd, steps: timings }, null, 1)}\n`);
    context.print(times);
    const page = join(out, 'index.html');
    writeFileAtomic(page, renderReportPage({
      title: 'deepinside showcase',
      paragraphs: [
        'Saliency maps, class models and the deconvnet and guided rules of Simonyan, Vedaldi & Zisserman (2014), on the models in ' +
          `${weights}/ and the test images bundled with them. Each picture links to its PNG file; maps are scaled to their own maximum, white most salient.`,
      ],
      sections: report,
    }));
    context.print(page);
    context.note(`the report: ${pathToFileURL(resolve(page)).href} (open it in a browser; no server needed)`);
    return 0;
  },
};

/** A shipped model and its bundled images, all checked (sizes, colour) so that nothing fails halfway. */
function readShown(weights: string, file: string, prefix: string, ascent: Pick<Shown, 'steps' | 'learningRate' | 'prior' | 'priorSteps' | 'priorLearningRate'>): Shown {
  const path = join(weights, file);
  const data = loadVggOption(path);
  const folder = join(weights, 'images');
  const names = existsSync(folder) ? readdirSync(folder).filter((name) => name.startsWith(prefix) && name.toLowerCase().endsWith('.png')) : [];
  if (names.length === 0) throw new RangeError(`${path} has no images to explain: ${folder} holds no ${prefix}*.png`);
  // By number, so that fashion-10 follows fashion-9.
  names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const images = readImages(names.map((name) => join(folder, name)));
  const { channels, height, width } = data.spec.input;
  const size = channels * height * width;
  const input = new Float32Array(images.length * size);
  images.forEach(({ path: image, image: pixels }, i) => input.set(imageToInput(data.spec, pixels, image), i * size));
  return { name: basename(file, '.safetensors'), path, data, images, input, ...ascent };
}

function sum(timings: readonly Timing[], key: 'seconds' | 'cpuSeconds'): number {
  return timings.reduce((total, t) => total + t[key], 0);
}

/** `localise --json`'s output, as far as the report reads it. */
interface LocaliseJson {
  count: number;
  target: string;
  accuracy: number;
  boxArea: number;
  rules: Record<string, { inBox: number; pointing: number }>;
  gaussians: { sigma: number; inBox: number; pointing: number }[];
}

/** The table of `<weights>/<model>.localise.json` (what `localise --json` prints), when that file exists. */
function localisationTable(weights: string, name: string): ReportTable | undefined {
  const file = join(weights, `${name}.localise.json`);
  if (!existsSync(file)) return undefined;
  let json: LocaliseJson;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as LocaliseJson;
    if (typeof json.count !== 'number' || typeof json.rules !== 'object' || !Array.isArray(json.gaussians)) throw new Error('not what localise --json writes');
  } catch (error) {
    throw new RangeError(`${file} is not deepinside localise --json's output: ${(error as Error).message}`);
  }
  const percent = (v: number) => `${(100 * v).toFixed(1)}%`;
  return {
    caption: `localisation over ${json.count} scenes (${file}; maps of the ${json.target === 'label' ? 'true' : 'predicted'} class, model accuracy ${percent(json.accuracy)}): ` +
      'the share of the map\'s mass inside the object\'s box, and how often its largest pixel falls inside',
    head: ['map', 'mass in box', 'pointing'],
    rows: [
      ...Object.entries(json.rules).map(([rule, s]) => [`saliency, ${rule}`, percent(s.inBox), percent(s.pointing)]),
      ...json.gaussians.map((g) => [`centred Gaussian σ = ${g.sigma}`, percent(g.inBox), percent(g.pointing)]),
      ['uniform (box area)', percent(json.boxArea), '—'],
    ],
  };
}

/**
 * Runs one model: writes its files, printing each path, and returns its rows of the contact sheet and its
 * section of the report page.
 */
async function showModel(
  { name, path, data, images, input, steps, learningRate, prior, priorSteps, priorLearningRate }: Shown,
  out: string,
  weights: string,
  context: CommandContext,
  allTimings: Timing[],
  winograd: boolean,
): Promise<{ sheet: TitledSection[]; page: ReportSection; winogradElements: number }> {
  const timings: Timing[] = [];
  const { spec } = data;
  const { channels, height: h, width: w } = spec.input;
  const n = images.length;
  const classes = spec.labels.length;
  const model = GraphModel.create(await context.gpu(), vggGraph(data), { winograd });
  let maps: ReadonlyMap<ReluRule, Float32Array>;
  let logits: Float32Array;
  let predicted: readonly number[];
  let methods: Awaited<ReturnType<typeof methodRows>>;
  const classInputs: Float32Array[] = [];
  const priorInputs: Float32Array[] = [];
  const aboutMean = prior === 'mean' && data.meanImage !== undefined;
  let winogradElements = 0;
  try {
    // Every rule explains the same (top) class, so the rows compare like with like.
    ({ maps, logits, classes: predicted } = await timed(timings, `${name}: saliency maps of ${n} images under ${RULES.length} rules`, () =>
      saliencyMapsByRule(model, input, n, 'top', RULES.map(({ rule }) => rule))));
    methods = await timed(timings, `${name}: the other attribution methods' maps of ${n} images`, () => methodRows(model, input, n, predicted));
    // Every class's ascent in one batch: a tenth of the passes, each of ten images.
    const ascend = async (what: string, count: number, priors: Omit<ClassModelsOptions, 'steps' | 'onStep'>) => {
      const every = Math.max(1, Math.floor(count / 50));
      const results = await classModels(model, spec.labels.map((_, c) => c), {
        learningRate,
        ...priors,
        steps: count,
        onStep: (step, scores) => {
          if (step % every === 0 || step === count) {
            const best = Math.max(...scores);
            context.progress(`${name}: ${what} of ${classes} classes ${progressBar(count === 0 ? 1 : step / count)} step ${step}/${count}  highest S_c ${best.toPrecision(5)}`, { job: `${name} ${what}`, done: step, total: count, unit: 'steps' });
          }
        },
      });
      return results.map(({ input: best }) => best);
    };
    classInputs.push(...(await timed(timings, `${name}: class models, ${steps} steps`, () => ascend('class models', steps, {}))));
    const priors = aboutMean
      ? { ...meanImagePrior(spec, data.meanImage!), learningRate: priorLearningRate }
      : { ...PRIORS, learningRate: priorLearningRate };
    priorInputs.push(...(await timed(timings, `${name}: class models with priors, ${priorSteps} steps`, () => ascend('class models with priors', priorSteps, priors))));
    winogradElements = model.winogradWeightElements;
  } finally {
    model.destroy();
  }

  const folder = join(out, name);
  mkdirSync(folder, { recursive: true });
  const write = (file: string, image: PixelImage) => {
    const target = join(folder, file);
    writeFileAtomic(target, encodePng(image));
    context.print(target);
  };
  const plane = h * w;
  const tiles = new Map<string, PixelImage[]>();
  const tile = (row: string, image: PixelImage) => tiles.set(row, [...(tiles.get(row) ?? []), image]);
  const stems = images.map(({ path: file }) => basename(file, '.png'));
  for (const [i, { image }] of images.entries()) {
    const stem = stems[i];
    // A copy of the input beside its maps, so that the report page's folder holds everything it shows.
    write(`${stem}.png`, image);
    for (const { rule } of RULES) {
      const map = maps.get(rule)!.subarray(i * plane, (i + 1) * plane);
      const grey = colorizeMap(map, w, h, 'grey');
      write(`${stem}-${rule === 'gradient' ? 'saliency' : rule}.png`, grey);
      tile(rule, grey);
      if (rule === 'gradient') {
        const overlay = overlayMap(image, map, 'grey');
        write(`${stem}-overlay.png`, overlay);
        tile('overlay', overlay);
        const segment = await showcaseSegment(image, map);
        write(`${stem}-segment.png`, segment);
        tile('segment', segment);
      }
    }
  }
  const classImages = classInputs.map((x) => inputToImage(spec, x, 'stretch'));
  const classLabels = spec.labels.map((label, c) => `${c} ${label.split(',')[0]}`);
  write('class-models.png', labelledGrid(classImages, classLabels));
  // About the mean image every pixel is one a real image can have: shown as it is (as classviz does).
  const priorImages = priorInputs.map((x) => inputToImage(spec, x, aboutMean ? 'clip' : 'stretch'));
  write('class-models-priors.png', labelledGrid(priorImages, classLabels));

  // One row per kind, every row at the same enlargement so that the columns line up.
  const scale = Math.max(1, Math.ceil(96 / w));
  const row = (images: readonly PixelImage[], labels?: readonly string[]) =>
    labelledGrid(images, labels ?? images.map(() => ''), { columns: images.length, scale });
  const probabilities = images.map((_, i) => softmax(logits.subarray(i * classes, (i + 1) * classes)));
  const guesses = images.map((_, i) => {
    const c = predicted[i];
    return `${spec.labels[c].split(',')[0]} ${(100 * probabilities[i][c]).toFixed(0)}%`;
  });
  const top3 = probabilities.map((p) =>
    [...p.keys()].sort((a, b) => p[b] - p[a]).slice(0, 3).map((c) => `${spec.labels[c].split(',')[0]} ${(100 * p[c]).toFixed(1)}%`).join(', '));

  // The report page: the same rows, each picture a file beside the page, small ones enlarged.
  const shown = Math.max(1, Math.round(112 / w)) * w;
  const pictures = (suffix: string, alt: (i: number) => string, caption?: (i: number) => string): ReportImage[] =>
    stems.map((stem, i) => ({ src: `${name}/${stem}${suffix}.png`, alt: alt(i), width: shown, ...(caption ? { caption: caption(i) } : {}) }));
  const gridWidth = (image: PixelImage) => Math.min(1300, image.width * Math.max(1, Math.floor(560 / image.width)));
  const classGrid = labelledGrid(classImages, classLabels);
  const priorTitle = aboutMean
    ? `the same about the training set's mean image: started from it, λ‖I − mean‖², pixels kept in [0, 1], gradient blur σ ${MEAN.gradientBlur} px, jitter ±${MEAN.jitter} px, ${priorSteps} steps, η ${priorLearningRate}`
    : `the same with image priors: jitter ±${PRIORS.jitter} px, blur σ ${PRIORS.blur} every ${PRIORS.blurEvery} steps (Yosinski et al. 2015), ${priorSteps} steps, η ${priorLearningRate}`;
  const localisation = localisationTable(weights, name);
  allTimings.push(...timings);
  const page: ReportSection = {
    title: `${name}: ${channels}×${h}×${w}, ${classes} classes`,
    paragraphs: [`${path}, with the ${n} test images bundled for it in ${join(dirname(path), 'images')}. Every map explains the image's predicted class.`],
    rows: [
      { title: 'bundled test images: the three most probable classes (softmax of the scores S_c)', images: pictures('', (i) => `test image ${stems[i]}`, (i) => `${stems[i]}: ${top3[i]}`) },
      { title: RULES[0].title, images: pictures('-saliency', (i) => `saliency map of ${stems[i]} for ${guesses[i]}`) },
      { title: 'the saliency map over the image', images: pictures('-overlay', (i) => `saliency map of ${stems[i]} over the image`) },
      ...RULES.slice(1).map(({ rule, title }) => ({ title, images: pictures(`-${rule}`, (i) => `${rule} map of ${stems[i]}`) })),
      {
        title: `class models (section 2): the image maximising S_c(I) − λ‖I‖² by gradient ascent, ${steps} steps, η ${learningRate}, λ ${L2}`,
        images: [{ src: `${name}/class-models.png`, alt: `class models of ${name}'s ${classes} classes, labelled`, width: gridWidth(classGrid) }],
      },
      { title: priorTitle, images: [{ src: `${name}/class-models-priors.png`, alt: `class models of ${name} with image priors, labelled`, width: gridWidth(classGrid) }] },
    ],
    tables: [
      ...(localisation ? [localisation] : []),
      { caption: 'time each step took here (wall-clock and CPU seconds)', head: ['step', 'wall s', 'CPU s'], rows: timings.map((t) => [t.step, t.seconds.toFixed(2), t.cpuSeconds.toFixed(2)]) },
    ],
  };
  const sheet: TitledSection[] = [
    { title: `${path}: ${channels}x${h}x${w}, ${classes} classes`, scale: 2 },
    { title: 'bundled test images: predicted class and probability', image: row(images.map((f) => f.image), guesses) },
    { title: RULES[0].title, image: row(tiles.get('gradient')!) },
    { title: 'the saliency map over the image', image: row(tiles.get('overlay')!) },
    { title: SEGMENT_TITLE, image: row(tiles.get('segment')!) },
    ...RULES.slice(1).map(({ rule, title }) => ({ title, image: row(tiles.get(rule)!) })),
    ...methods.map(({ title, images }) => ({ title, image: row(images) })),
    {
      title: `class models (section 2): argmax of S_c(I) - lambda |I|^2 by gradient ascent, ${steps} steps, lr ${learningRate}, lambda ${L2}`,
      image: row(classImages, classLabels),
    },
    {
      title: aboutMean
        ? `the same about the training set's mean image: started from it, lambda |I - mean|^2, pixels kept in [0, 1], gradient blur sigma ${MEAN.gradientBlur} px, jitter +-${MEAN.jitter} px, ${priorSteps} steps, lr ${priorLearningRate}`
        : `the same with image priors: jitter +-${PRIORS.jitter} px, blur sigma ${PRIORS.blur} every ${PRIORS.blurEvery} steps (Yosinski et al. 2015), ${priorSteps} steps, lr ${priorLearningRate}`,
      image: row(priorImages, classLabels),
    },
  ];
  return { sheet, page, winogradElements };
}
