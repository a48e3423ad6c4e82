// The numbers quoted in the prose of the documents, printed from the committed result files they come
// from, as bench/doc_tables.ts prints the tables. Each sits in its sentence between
//   <!-- value:NAME -->  and  <!-- /value:NAME -->   (on one line)
// `npm run docs` rewrites them; test/docs.test.ts fails when a document does not match its results, and
// when a document names a value that no result file gives.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOCALISE_RESULTS, type LocaliseResults, readLocaliseResults } from './localise_table.ts';
import { onnxCheckError, pythonExponent, readOnnxCheck } from './onnx_check_table.ts';
import { type BenchResults, formatMs, type KernelResult, VGG16_RANDOM } from './results.ts';
import { segmentationResultFile } from './segmentation_table.ts';

const RESULTS = join('bench', 'results');
const LAVAPIPE_RUN = (suffix: string) => `2026-11-26-mesa-software-llvmpipe-llvm-15-0-6-256-bits-llvmpipe-mesa-25${suffix}.json`;
const LAVAPIPE = LAVAPIPE_RUN('-6');
const H100_V3 = '2026-11-26-nvidia-h100-80gb-hbm3.json';
const H100_V4 = '2026-11-26-nvidia-nvidia-h100-80gb-hbm3-nvidia-580-159-04-580-159-4-0.json';
const H200 = '2026-12-04-nvidia-nvidia-h200-nvidia-580-159-04-580-159-4-0.json';
const H200_SPLIT = '2026-12-04-nvidia-nvidia-h200-nvidia-580-159-04-580-159-4-0-2.json';
const H200_BIND_GROUPS = '2026-12-04-nvidia-nvidia-h200-nvidia-580-159-04-580-159-4-0-3.json';
const NPM_START = '2026-12-03-npm-start-lavapipe-idle-3.json';

/**
 * One generated number (or short phrase of numbers): the document it sits in, its name, its text; or, while
 * its result file is not committed yet, `pending` (why) and no text: the document's text stays as it is.
 */
export interface DocValue {
  readonly document: string;
  readonly name: string;
  readonly text?: string;
  readonly pending?: string;
}

function read<T = BenchResults>(file: string): T {
  return JSON.parse(readFileSync(join(RESULTS, file), 'utf8')) as T;
}

function kernel(results: BenchResults, name: string, layer: string, batch = 1): KernelResult {
  const found = results.kernels.find((k) => k.kernel === name && k.layer === layer && k.batch === batch);
  if (!found) throw new RangeError(`doc values: ${name} at ${layer}, batch ${batch}, is not in the results of ${results.date}`);
  return found;
}

function speedup(results: BenchResults, name: string, layer: string, peer: string): number {
  const found = kernel(results, name, layer).peers.find((p) => p.peer.startsWith(peer));
  if (!found) throw new RangeError(`doc values: no ${peer} beside ${name} at ${layer} in the results of ${results.date}`);
  return found.speedup;
}

const percent = (x: number, digits = 0) => `${(100 * x).toFixed(digits)}%`;
const times = (x: number) => `×${x.toFixed(2)}`;

/** The seconds a step of a showcase stage took in the committed `npm start` run (the step count from its name). */
function npmStartSecondsPerStep(stage: string): number {
  const run = read<{ showcase: { steps: { step: string; seconds: number }[] } }>(NPM_START);
  const step = run.showcase.steps.find((s) => s.step.startsWith(stage));
  const steps = Number(/(\d+) steps$/.exec(step?.step ?? '')?.[1]);
  if (!step || !(steps > 0)) throw new RangeError(`doc values: no "${stage}, N steps" in ${NPM_START}`);
  return step.seconds / steps;
}

/** The lavapipe run's numbers that docs/performance.md's prose quotes. */
function performanceValues(): DocValue[] {
  const doc = 'docs/performance.md';
  const now = read(LAVAPIPE);
  const ort = now.kernels.filter((k) => k.kernel === 'conv2d_forward' && k.batch === 1).flatMap((k) => k.peers.filter((p) => p.peer === 'onnxruntime').map((p) => p.gflops));
  if (ort.length === 0) throw new RangeError(`doc values: no ONNX Runtime convolutions in ${LAVAPIPE}`);
  const copy = (suffix: string) => read(LAVAPIPE_RUN(suffix)).ceilings.copyGBs.toFixed(2);
  const run5 = read(LAVAPIPE_RUN('-5'));
  const run4 = read(LAVAPIPE_RUN('-4'));
  const h100 = read(H100_V3);
  const h100v4 = read(H100_V4);
  const saliency = (batch: number) => {
    const found = h100.endToEnd.find((e) => e.batch === batch && e.name.startsWith('saliency map'));
    if (!found) throw new RangeError(`doc values: no saliency map at batch ${batch} in ${H100_V3}`);
    return found.ms.toFixed(0);
  };
  // The layers v4 splits (the first H100 run below 16384 invocations): v3's time over v4's.
  const folds = ['conv1_1', 'conv1_2', 'conv2_2'].flatMap((layer) => [1, 4].map((batch) => kernel(h100, 'conv2d_backward_weight', layer, batch).ms / kernel(h100v4, 'conv2d_backward_weight', layer, batch).ms));
  const unsplit = [kernel(h100, 'conv2d_backward_weight', 'conv3_3'), kernel(h100v4, 'conv2d_backward_weight', 'conv3_3')];
  return [
    { document: doc, name: 'ort-conv-gflops', text: `${Math.min(...ort).toFixed(0)} to ${Math.max(...ort).toFixed(0)} GFLOP/s` },
    { document: doc, name: 'copy-ceiling', text: `${copy('-6')} GB/s` },
    { document: doc, name: 'copy-ceiling-earlier', text: `${copy('-3')} in the afternoon's, ${copy('-4')} and ${copy('-5')}` },
    { document: doc, name: 'conv4_3-run-5', text: `${times(speedup(run5, 'conv2d_forward', 'conv4_3', 'tfjs'))} and the gradient to the input ${times(speedup(run5, 'conv2d_backward_input', 'conv4_3', 'tfjs'))}` },
    { document: doc, name: 'conv4_3-run-4', text: `${times(speedup(run4, 'conv2d_forward', 'conv4_3', 'tfjs'))} (the gradient to the input, the same kernel on the same shape, ${times(speedup(run4, 'conv2d_backward_input', 'conv4_3', 'tfjs'))})` },
    { document: doc, name: 'fc6-share', text: `${percent(kernel(now, 'linear_forward', 'fc6').shareOfBandwidth)} and ${percent(kernel(now, 'linear_backward_input', 'fc6').shareOfBandwidth)}` },
    { document: doc, name: 'half-copy', text: `${(now.ceilings.copyGBs / 2).toFixed(2)} GB/s` },
    { document: doc, name: 'h100-saliency', text: `${saliency(1)} ms at batch 1 and ${saliency(2)} ms for a batch of 2` },
    { document: doc, name: 'h100-v3-first-layers', text: `${kernel(h100, 'conv2d_backward_weight', 'conv1_1').gflops.toFixed(0)} (conv1_1) and ${kernel(h100, 'conv2d_backward_weight', 'conv1_2').gflops.toFixed(0)} (conv1_2) GFLOP/s` },
    { document: doc, name: 'h100-conv3_3', text: `${unsplit[0].ms.toFixed(2)} then ${unsplit[1].ms.toFixed(2)} ms` },
    { document: doc, name: 'h100-conv3_3-fold', text: `${(unsplit[0].ms / unsplit[1].ms).toFixed(0)}-fold` },
    { document: doc, name: 'h100-fc6', text: `${kernel(h100, 'linear_forward', 'fc6').gbs.toFixed(0)} GB/s forward and ${kernel(h100, 'linear_backward_input', 'fc6').gbs.toFixed(0)} GB/s backward` },
    { document: doc, name: 'h100-split-folds', text: `${Math.min(...folds).toFixed(0)}- to ${Math.max(...folds).toFixed(0)}-fold` },
    ...h200Values(),
  ];
}

/** The H200 run after fc6 was split over the input: VGG16's saliency map at batch 1 and 16. */
function h200Values(): DocValue[] {
  const h200 = read(H200);
  const map = (batch: number) => {
    const found = h200.endToEnd.find((e) => e.model === VGG16_RANDOM && e.batch === batch && e.name.startsWith('saliency map'));
    if (!found) throw new RangeError(`doc values: no VGG16 saliency map at batch ${batch} in ${H200}`);
    return found;
  };
  const linear = (name: string, batch: number) => `${kernel(h200, name, 'fc6', batch).gbs.toFixed(0)} GB/s`;
  const mapOf = (file: string, batch: number) => {
    const found = read(file).endToEnd.find((e) => e.model === VGG16_RANDOM && e.batch === batch && e.name.startsWith('saliency map'));
    if (!found) throw new RangeError(`doc values: no VGG16 saliency map at batch ${batch} in ${file}`);
    return found;
  };
  const phrase = (file: string) => `${formatMs(mapOf(file, 1).ms)} ms at batch 1 and ${mapOf(file, 16).msPerImage.toFixed(2)} ms an image at batch 16`;
  return [
    { document: 'docs/performance.md', name: 'h200-saliency', text: `${map(1).ms.toFixed(0)} ms at batch 1 and ${map(16).msPerImage.toFixed(2)} ms an image at batch 16` },
    { document: 'docs/performance.md', name: 'h200-saliency-split', text: phrase(H200_SPLIT) },
    { document: 'docs/performance.md', name: 'h200-saliency-bind-groups', text: phrase(H200_BIND_GROUPS) },
    { document: 'README.md', name: 'h200-saliency', text: phrase(H200_BIND_GROUPS) },
    { document: 'docs/performance.md', name: 'h200-fc6-forward', text: `${linear('linear_forward', 1)} at batch 1` },
  ];
}

/** The forward convolution's range over VGG16's layers in the lavapipe run, which docs/fidelity.md's throughput quotes. */
function fidelityValues(): DocValue[] {
  const conv = read(LAVAPIPE).kernels.filter((k) => k.kernel === 'conv2d_forward' && k.batch === 1).map((k) => k.gflops);
  if (conv.length === 0) throw new RangeError(`doc values: no conv2d_forward at batch 1 in ${LAVAPIPE}`);
  return [{ document: 'docs/fidelity.md', name: 'conv-forward-range', text: `${Math.min(...conv).toFixed(1)} to ${Math.max(...conv).toFixed(1)} GFLOP/s` }];
}

/** The segmentation run's figures that docs/segmentation.md's prose quotes below its table. */
function segmentationValues(): DocValue[] {
  interface Scores { readonly maskIou: number; readonly error: number }
  const path = segmentationResultFile();
  const r = JSON.parse(readFileSync(path, 'utf8')) as {
    count: number; centredBox: number[]; centred: Scores; methods: Record<string, { truth: { grabCut: Scores; threshold: Scores } }>;
  };
  const truth = (method: string) => {
    const found = r.methods[method]?.truth;
    if (!found) throw new RangeError(`doc values: no ${method} in ${path}`);
    return found;
  };
  const range = (xs: number[]) => {
    const [lo, hi] = [Math.min(...xs), Math.max(...xs)].map((x) => (100 * x).toFixed(0));
    return lo === hi ? `${lo}%` : `${lo}–${hi}%`;
  };
  const rules = ['gradient', 'guided'];
  return [
    ['segmentation-count', String(r.count)],
    ['segmentation-centred-box', `[${r.centredBox.join(', ')}]`],
    ['segmentation-centred-right', `${(100 * (1 - r.centred.error)).toFixed(0)}%`],
    ['segmentation-mask-gain', `${range(rules.map((m) => truth(m).threshold.maskIou))} → ${range(rules.map((m) => truth(m).grabCut.maskIou))}`],
  ].map(([name, text]) => ({ document: 'docs/segmentation.md', name, text }));
}

/** The colour model's class models: the seconds a step of the ten classes took in the committed npm start. */
function classModelValues(): DocValue[] {
  const text = `${npmStartSecondsPerStep('vgg-cluttered: class models with priors').toFixed(1)} s`;
  return ['docs/class-models.md', 'docs/commands.md'].map((document) => ({ document, name: 'cluttered-class-model-step', text }));
}

// Which localisation figures each document quotes.
const LOCALISE_QUOTES: Readonly<Record<string, readonly string[]>> = {
  'docs/models.md': ['localise-count', 'gradient-pointing', 'guided-pointing', 'gaussian-pointing'],
  'docs/commands.md': ['gaussian-pointing'],
  'weights/README.md': ['localise-count', 'gradient-pointing', 'gradient-in-box', 'guided-in-box', 'deconvnet-pointing', 'deconvnet-in-box',
    'gaussian-pointing', 'gaussian-in-box'],
};

/** The localisation figures quoted in the prose, from the whole-split localise run (pending until it is committed). */
export function localiseValues(path = LOCALISE_RESULTS): DocValue[] {
  if (!existsSync(path)) {
    const pending = `${path} is not committed yet`;
    return Object.entries(LOCALISE_QUOTES).flatMap(([document, names]) => names.map((name) => ({ document, name, pending })));
  }
  const r: LocaliseResults = readLocaliseResults(path);
  const rule = (name: string) => {
    const found = r.rules[name];
    if (!found) throw new RangeError(`doc values: no ${name} rule in ${path}`);
    return found;
  };
  const best = [...r.gaussians].sort((a, b) => b.pointing - a.pointing || b.inBox - a.inBox)[0];
  const pct = (x: number) => percent(x, 1);
  const values = new Map<string, string>([
    ['localise-count', r.count.toLocaleString('en-GB')],
    ['gradient-pointing', pct(rule('gradient').pointing)],
    ['gradient-in-box', pct(rule('gradient').inBox)],
    ['guided-pointing', pct(rule('guided').pointing)],
    ['guided-in-box', pct(rule('guided').inBox)],
    ['deconvnet-pointing', pct(rule('deconvnet').pointing)],
    ['deconvnet-in-box', pct(rule('deconvnet').inBox)],
    ['gaussian-pointing', pct(best.pointing)],
    ['gaussian-in-box', pct(Math.max(...r.gaussians.map((g) => g.inBox)))],
  ]);
  return Object.entries(LOCALISE_QUOTES).flatMap(([document, names]) => names.map((name) => ({ document, name, text: values.get(name)! })));
}

/** The errors against PyTorch that docs/onnx.md's prose quotes beside its table. */
function onnxValues(): DocValue[] {
  const r = readOnnxCheck();
  const e = (model: string, what: string, floor = false) => pythonExponent(onnxCheckError(r, model, what, floor)).replace(/e([+-])0(\d)$/, 'e$1$2');
  const logits = Math.max(...Object.keys(r.models).map((m) => onnxCheckError(r, m, 'logits')));
  return [
    ['onnx-logits-max', pythonExponent(logits).replace(/e([+-])0(\d)$/, 'e$1$2')],
    ['onnx-vgg16-gradient-guided', `${e('vgg16', 'gradient')} and ${e('vgg16', 'guided')}`],
    ['onnx-torch-vgg16-gradient-guided', `${e('vgg16', 'gradient', true)} and ${e('vgg16', 'guided', true)}`],
    ['onnx-torch-resnet50-gradient', e('resnet50', 'gradient', true)],
    ['onnx-resnet50-gradient', e('resnet50', 'gradient')],
  ].map(([name, text]) => ({ document: 'docs/onnx.md', name, text }));
}

/** Every generated value, in the documents they belong to (a document uses any subset of its values). */
export function docValues(): DocValue[] {
  return [...performanceValues(), ...classModelValues(), ...localiseValues(), ...onnxValues(), ...fidelityValues(), ...segmentationValues()];
}

/** The value markers a document holds: each name once (a marker quoted as code, after a backtick, is not one). */
export function valueNames(text: string): string[] {
  return [...new Set([...text.matchAll(/(?<!`)<!-- value:([\w.-]+) -->/g)].map((m) => m[1]))];
}

/** The document's text with each value marker's content replaced by the generated text. */
export function withValues(text: string, document: string, values: readonly DocValue[]): string {
  let result = text;
  for (const name of valueNames(text)) {
    const value = values.find((v) => v.document === document && v.name === name);
    if (!value) throw new RangeError(`doc values: ${document} quotes <!-- value:${name} --> but no result file gives it for that document`);
    const quoted = name.replaceAll('.', '\\.');
    const pattern = new RegExp(`(?<!\`)(<!-- value:${quoted} -->)[^\\n]*?(<!-- /value:${quoted} -->)`, 'g');
    const opened = [...result.matchAll(new RegExp(`(?<!\`)<!-- value:${quoted} -->`, 'g'))].length;
    const matched = [...result.matchAll(pattern)].length;
    if (matched !== opened) throw new RangeError(`doc values: ${document} opens <!-- value:${name} --> ${opened} times but closes it on the same line ${matched} times`);
    const generated = value.text;
    if (generated === undefined) continue;
    result = result.replace(pattern, (_, open: string, close: string) => `${open}${generated}${close}`);
  }
  return result;
}
