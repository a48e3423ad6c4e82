// The browser demo: wires the page's controls to the engine (src/mod.ts, the same shaders as the CLI).
// Everything it computes is the engine's own call; this file only reads controls and draws.
import {
  CLASS_MODEL_DEFAULTS,
  CLASS_MODEL_MEAN_PRIOR,
  CLASS_MODEL_PRIORS,
  classModel,
  COLORMAP_NAMES,
  type ColormapName,
  colorizeMap,
  FormatError,
  GpuFailureError,
  imageToInput,
  inputToImage,
  meanImagePrior,
  loadModel,
  type ModelInfo,
  NoWebGpuError,
  overlayMap,
  type PixelImage,
  attribute,
  MULTI_PASS_METHODS,
  requestGpu,
  GraphModel,
} from '../src/mod.ts';
import { checkDroppedFile } from './check_dropped_file.ts';
import type { DemoResults } from './demo_results.ts';
import { drawImage } from './draw_image.ts';
import { fidelityOfMap } from './fidelity_of_map.ts';
import { fitImage } from './fit_image.ts';
import { GpuJobs } from './gpu_jobs.ts';
import { type DemoManifest, examplesFor } from './manifest.ts';
import { chosenMethod, methodOptions, methodProgress, wireMethodControls } from './method_controls.ts';
import { renderPredictions } from './prediction_chart.ts';
import { segmentShown } from './segment_view.ts';
import { TimedGpu } from './timed_gpu.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  adapter: $<HTMLParagraphElement>('adapter'),
  problem: $<HTMLDivElement>('problem'),
  model: $<HTMLSelectElement>('model'),
  modelFile: $<HTMLInputElement>('model-file'),
  modelStatus: $<HTMLParagraphElement>('model-status'),
  example: $<HTMLSelectElement>('example'),
  file: $<HTMLInputElement>('file'),
  notes: $<HTMLParagraphElement>('image-notes'),
  predictions: $<HTMLOListElement>('predictions'),
  colormap: $<HTMLSelectElement>('colormap'),
  opacity: $<HTMLInputElement>('opacity'),
  opacityValue: $<HTMLOutputElement>('opacity-value'),
  saliencyStatus: $<HTMLParagraphElement>('saliency-status'),
  imageCanvas: $<HTMLCanvasElement>('image-canvas'),
  mapCanvas: $<HTMLCanvasElement>('map-canvas'),
  overlayCanvas: $<HTMLCanvasElement>('overlay-canvas'),
  segment: $<HTMLButtonElement>('segment'),
  segmentStatus: $<HTMLParagraphElement>('segment-status'),
  segmentCanvas: $<HTMLCanvasElement>('segment-canvas'),
  fidelity: $<HTMLInputElement>('fidelity'),
  fidelityStatus: $<HTMLParagraphElement>('fidelity-status'),
  fidelityChart: $<HTMLDivElement>('fidelity-chart'),
  classModelClass: $<HTMLSelectElement>('class-model-class'),
  steps: $<HTMLInputElement>('steps'),
  learningRate: $<HTMLInputElement>('learning-rate'),
  l2: $<HTMLInputElement>('l2'),
  priors: $<HTMLInputElement>('priors'),
  meanPrior: $<HTMLInputElement>('mean-prior'),
  start: $<HTMLButtonElement>('start'),
  stop: $<HTMLButtonElement>('stop'),
  classModelStatus: $<HTMLParagraphElement>('class-model-status'),
  stepTime: $<HTMLParagraphElement>('step-time'),
  classModelCanvas: $<HTMLCanvasElement>('class-model-canvas'),
  classModelCaption: $<HTMLElement>('class-model-caption'),
};

/** A model on the GPU (shipped, or the user's file): one copy for predictions and maps, one for the ascent, so neither disturbs the other. */
interface LoadedModel {
  readonly name: string;
  readonly info: ModelInfo;
  /** The importer's notes on defaults it used (an ONNX file without deepinside metadata). */
  readonly notes: readonly string[];
  readonly maps: GraphModel;
  readonly ascent: GraphModel;
  /** The training set's mean image, when the file carries it (classviz --mean-prior). */
  readonly meanImage?: Float32Array;
}

const results: DemoResults = {};
(globalThis as { deepinsideDemo?: DemoResults }).deepinsideDemo = results;
const jobs = new GpuJobs();
let gpu: TimedGpu;
let model: LoadedModel | undefined;
const loaded = new Map<string, Promise<LoadedModel>>();
let image: { image: PixelImage; name: string } | undefined;
let chosenClass: number | 'top' = 'top';
let shown: { map: Float32Array; image: PixelImage } | undefined;
let saliencyRequest = 0;
/** The saliency request whose map is on show (`results.saliency`): while it differs from the latest, a new map is coming. */
let shownRequest = 0;
let fidelityRequest = 0;
let fidelityChart: { finalize(): void } | undefined;
let ascent: AbortController | undefined;

/** Shows a problem above the page, in words: no WebGPU, a limit of this adapter, or anything else. */
function showProblem(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  let text: string;
  if (error instanceof NoWebGpuError) text = `No WebGPU here, so nothing can be computed: ${message}.`;
  else if (error instanceof FormatError) text = `This file cannot be read: ${message}.`;
  else if (error instanceof GpuFailureError && error.kind === 'out-of-memory') text = `The model does not fit this adapter's memory: ${message}.`;
  else if (error instanceof GpuFailureError) text = `The GPU stopped working: ${message}. Reload the page to load the model again.`;
  else if (error instanceof RangeError && /exceed|limit|maxStorage|maxBuffer/i.test(message)) text = `A limit of this WebGPU adapter was hit: ${message}`;
  else text = `Something went wrong: ${message}`;
  ui.problem.textContent = text;
  ui.problem.hidden = false;
  console.error(error);
}

function clearProblem(): void {
  ui.problem.hidden = true;
  ui.problem.textContent = '';
}

const colormap = (): ColormapName => ui.colormap.value as ColormapName;
const format = (ms: number) => `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;

/** A model file's bytes on the GPU, through the library's loadModel (safetensors or ONNX, told apart by their first bytes). */
function openModelBytes(name: string, bytes: Uint8Array): LoadedModel {
  let file;
  try {
    file = loadModel(bytes);
  } catch (error) {
    throw new RangeError(`${name}: ${(error as Error).message}`);
  }
  const { graph, notes } = file;
  if (graph.info.input.channels !== 1 && graph.info.input.channels !== 3) {
    throw new RangeError(`${name} reads ${graph.info.input.channels} channels; the page shows grey (1) and RGB (3) models`);
  }
  const maps = GraphModel.create(gpu, graph);
  const ascent = GraphModel.create(gpu, graph);
  return { name, info: graph.info, notes, maps, ascent, ...(file.meanImage ? { meanImage: file.meanImage } : {}) };
}

async function loadShipped(name: string): Promise<LoadedModel> {
  let promise = loaded.get(name);
  if (!promise) {
    promise = (async () => {
      const response = await fetch(`weights/${name}.safetensors`);
      if (!response.ok) throw new Error(`weights/${name}.safetensors: ${response.status} ${response.statusText}`);
      return openModelBytes(name, new Uint8Array(await response.arrayBuffer()));
    })();
    promise.catch(() => loaded.delete(name));
    loaded.set(name, promise);
  }
  return promise;
}

/** The user's own model file: loaded once under its file name, listed with the shipped ones, and selected. */
async function useModelFile(manifest: DemoManifest, file: File): Promise<void> {
  const name = file.name;
  ui.modelStatus.textContent = `Loading ${name}…`;
  // A file of a name loaded before replaces it; the earlier copy is left to the page's end, since a map
  // or an ascent still in flight may be reading it.
  const opened = openModelBytes(name, new Uint8Array(await file.arrayBuffer()));
  loaded.set(name, Promise.resolve(opened));
  if (![...ui.model.options].some((o) => o.value === name)) ui.model.append(new Option(`${name} (your file)`, name));
  ui.model.value = name;
  await selectModel(manifest, name);
}

async function selectModel(manifest: DemoManifest, name: string): Promise<void> {
  ascent?.abort();
  ui.modelStatus.textContent = `Loading ${name}…`;
  const next = await loadShipped(name);
  model = next;
  // The mean prior needs the model's mean image.
  ui.meanPrior.disabled = !next.meanImage;
  if (!next.meanImage && ui.meanPrior.checked) {
    ui.meanPrior.checked = false;
    setAscentDefaults();
  }
  const { channels, height, width } = next.info.input;
  const labels = next.info.labels;
  ui.modelStatus.textContent = `${name}: ${channels === 1 ? 'grey' : 'colour'} ${width}×${height} input, ${labels.length} classes.${next.notes.length ? ` ${next.notes.join(' ')}` : ''}`;
  const examples = examplesFor(manifest.images, next.info.input);
  ui.example.replaceChildren(
    ...examples.map(({ file }) => new Option(file.replace(/\.png$/, ''), file)),
    new Option('(your own image)', '', false, false),
  );
  ui.example.options[ui.example.options.length - 1].disabled = true;
  ui.classModelClass.replaceChildren(...labels.map((label, c) => new Option(`${c} ${label}`, String(c))));
  for (const control of [ui.example, ui.file, ui.modelFile, ui.classModelClass, ui.start]) control.disabled = false;
  if (examples.length > 0) await selectExample(examples[0].file);
  else {
    image = undefined;
    ui.notes.textContent = 'No bundled example fits this model: choose or drop an image of your own.';
  }
}

async function selectExample(file: string): Promise<void> {
  if (!model) return;
  const response = await fetch(`weights/images/${file}`);
  if (!response.ok) throw new Error(`weights/images/${file}: ${response.status} ${response.statusText}`);
  await useImage(await response.blob(), file);
}

async function useImage(file: Blob, name: string): Promise<void> {
  if (!model) return;
  const { channels, height, width } = model.info.input;
  const fitted = await fitImage(file, width, height, channels as 1 | 3);
  image = { image: fitted.image, name };
  ui.notes.textContent = fitted.notes.length ? `${name}: ${fitted.notes.join('; ')}.` : '';
  chosenClass = 'top';
  await computeSaliency();
}

/** The map for the current model, image, class and rule; a request overtaken by a newer one is dropped. */
async function computeSaliency(): Promise<void> {
  const request = ++saliencyRequest;
  const current = model;
  const picture = image;
  if (!current || !picture) return;
  const chosenRule = chosenMethod();
  ui.saliencyStatus.textContent = 'Computing…';
  // A new image, class or method makes the curves on show (or being computed) stale.
  cancelFidelity();
  const outcome = await jobs.run(async () => {
    if (request !== saliencyRequest) return undefined;
    const input = imageToInput(current.info, picture.image, picture.name);
    gpu.takeMs();
    const start = performance.now();
    const result = await attribute(current.maps, input, 1, chosenClass === 'top' ? 'top' : [chosenClass], chosenRule,
      { ...methodOptions(), onProgress: methodProgress(chosenRule) });
    const wall = performance.now() - start;
    return { result, ms: gpu.method === 'wall clock' ? wall : gpu.takeMs(), wall };
  });
  if (!outcome || request !== saliencyRequest) return;
  const { result, ms, wall } = outcome;
  const classIndex = result.classes[0];
  const labels = current.info.labels;
  renderPredictions(ui.predictions, labels, result.logits, classIndex, (c) => {
    chosenClass = c;
    computeSaliency().catch(showProblem);
  });
  shown = { map: result.maps, image: picture.image };
  drawMaps();
  const timing = gpu.method === 'wall clock' ? `${format(wall)} on the wall clock` : `${format(ms)} on the GPU timeline (${format(wall)} on the wall clock, read-backs included)`;
  const passes = MULTI_PASS_METHODS.includes(chosenRule) ? 'its forward and backward passes' : 'one forward and one backward pass';
  const gap = result.completeness ? ` Completeness gap ${result.completeness[0].toExponential(2)}.` : '';
  ui.saliencyStatus.textContent = `Class ${classIndex} “${labels[classIndex]}”${chosenClass === 'top' ? ' (the top class)' : ''}, ${chosenRule}: ${passes} took ${timing}.${gap}`;
  results.saliency = { model: current.name, image: picture.name, rule: chosenRule, classIndex, map: result.maps, logits: result.logits, ms };
  shownRequest = request;
  ui.segment.disabled = false;
  if (ui.fidelity.checked) await computeFidelity();
}

/** Drops the fidelity curves on show and any still being computed: the map they measure is gone. */
function cancelFidelity(): void {
  fidelityRequest++;
  fidelityChart?.finalize();
  fidelityChart = undefined;
  ui.fidelityChart.replaceChildren();
  ui.fidelityStatus.textContent = ui.fidelity.checked ? 'Waiting for the map…' : '';
  results.fidelity = undefined;
}

/**
 * The deletion and insertion curves of the map on show, on the GPU as a job of its own (after the map's),
 * drawn with the Vega-Lite spec of `deepinside fidelity --plot` (vega loads on first use). A request
 * overtaken by a newer map, or by closing the view, is dropped.
 */
async function computeFidelity(): Promise<void> {
  const request = ++fidelityRequest;
  const current = model;
  const picture = image;
  const map = results.saliency;
  // A map still being computed brings its own curves when it is done.
  if (!current || !picture || !map || shownRequest !== saliencyRequest) return;
  ui.fidelityStatus.textContent = 'Computing the curves (the chart library loads on first use)…';
  const chart = import('./render_fidelity_chart.ts');
  const shown = { model: current.name, image: picture.name, rule: map.rule, classIndex: map.classIndex, input: imageToInput(current.info, picture.image, picture.name), map: map.map };
  const outcome = await jobs.run(async () => {
    if (request !== fidelityRequest) return undefined;
    const start = performance.now();
    const { report, result } = await fidelityOfMap(current.maps, shown);
    return { report, result, wall: performance.now() - start };
  });
  if (!outcome || request !== fidelityRequest) return;
  const { renderFidelityChart } = await chart;
  if (request !== fidelityRequest) return;
  const { report, result, wall } = outcome;
  fidelityChart?.finalize();
  ui.fidelityChart.replaceChildren();
  const view = await renderFidelityChart(ui.fidelityChart, report);
  if (request !== fidelityRequest) {
    // A newer map came while the chart was drawn: cancelFidelity cleared the view already.
    view.finalize();
    ui.fidelityChart.replaceChildren();
    return;
  }
  fidelityChart = view;
  ui.fidelityStatus.textContent =
    `Class ${result.classIndex}, ${result.rule} map: deletion AUC ${result.deletionAuc.toFixed(4)} (lower is better), ` +
    `insertion AUC ${result.insertionAuc.toFixed(4)} (higher is better); ${2 * result.checkpoints.length} inputs scored in one pass, ${format(wall)} on the wall clock.`;
  results.fidelity = result;
}

function drawMaps(): void {
  if (!shown) return;
  const { map, image: picture } = shown;
  const opacity = Number(ui.opacity.value);
  ui.opacityValue.textContent = opacity.toFixed(2);
  drawImage(ui.imageCanvas, picture);
  drawImage(ui.mapCanvas, colorizeMap(map, picture.width, picture.height, colormap()));
  drawImage(ui.overlayCanvas, overlayMap(picture, map, colormap(), opacity));
}

function readNumber(input: HTMLInputElement, name: string, rule: (v: number) => boolean, wanted: string): number {
  const value = Number(input.value);
  if (input.value.trim() === '' || !rule(value)) throw new RangeError(`${name} must be ${wanted}, got “${input.value}”`);
  return value;
}

/** Runs the class-model ascent, drawing the image and its score after every step, until done or stopped. */
async function runAscent(): Promise<void> {
  const current = model;
  if (!current || ascent) return;
  const classIndex = Number(ui.classModelClass.value);
  const steps = readNumber(ui.steps, 'Steps', (v) => Number.isInteger(v) && v >= 0 && v <= 100000, 'a whole number from 0 to 100000');
  const learningRate = readNumber(ui.learningRate, 'η', (v) => v > 0 && Number.isFinite(v), 'a positive number');
  const l2 = readNumber(ui.l2, 'λ', (v) => v >= 0 && Number.isFinite(v), 'a number ≥ 0');
  const priors = ui.priors.checked;
  const meanPrior = ui.meanPrior.checked && current.meanImage !== undefined;
  const controller = new AbortController();
  ascent = controller;
  ui.start.disabled = true;
  ui.stop.disabled = false;
  const label = `${classIndex} “${current.info.labels[classIndex]}”`;
  ui.classModelCaption.textContent = `class model of ${label}`;
  ui.classModelStatus.textContent = `Waiting for the GPU…`;
  ui.stepTime.textContent = '';
  const stepMs: number[] = [];
  let lastStep = 0;
  try {
    await jobs.run(async () => {
      gpu.takeMs();
      let since = performance.now();
      const result = await classModel(current.ascent, classIndex, {
        steps,
        learningRate,
        l2,
        ...(priors ? { jitter: CLASS_MODEL_PRIORS.jitter, blur: CLASS_MODEL_PRIORS.blur, blurEvery: CLASS_MODEL_PRIORS.blurEvery } : {}),
        ...(meanPrior ? meanImagePrior(current.info, current.meanImage!) : {}),
        onStep: async (step, score, image) => {
          // Step 0 is the first forward pass; each later step is a backward pass, the update and a forward pass.
          const ms = gpu.method === 'wall clock' ? performance.now() - since : gpu.takeMs();
          if (step > 0) stepMs.push(ms);
          lastStep = step;
          if (controller.signal.aborted) throw new DOMException('the ascent was stopped', 'AbortError');
          // About the mean image every pixel is one a real image can have: drawn as it is, as classviz does.
          drawImage(ui.classModelCanvas, inputToImage(current.info, await gpu.read(image), meanPrior ? 'clip' : 'stretch'));
          ui.classModelStatus.textContent = `Step ${step} of ${steps}: S_c = ${score.toPrecision(5)}, λ = ${l2}, η = ${learningRate}.`;
          if (step > 0) {
            const sorted = [...stepMs].sort((a, b) => a - b);
            ui.stepTime.textContent =
              `Step ${step} took ${format(ms)}; median ${format(sorted[Math.floor(sorted.length / 2)])} over ${stepMs.length} ` +
              `step${stepMs.length === 1 ? '' : 's'}, measured on the ${gpu.method}.`;
          }
          // Let a saliency map asked for meanwhile run, and the page draw, before the next step.
          await jobs.between();
          await new Promise((resolve) => setTimeout(resolve, 0));
          gpu.takeMs();
          since = performance.now();
        },
      });
      ui.classModelStatus.textContent = `Done: ${steps} steps, S_c ${result.scores[0].toPrecision(5)} → ${result.scores[steps].toPrecision(5)}, λ = ${l2}, η = ${learningRate}.`;
      results.classModel = { model: current.name, classIndex, steps, learningRate, l2, priors, meanPrior, input: result.input, scores: result.scores, stepMs };
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') ui.classModelStatus.textContent = `Stopped after step ${lastStep} of ${steps}.`;
    else throw error;
  } finally {
    ascent = undefined;
    ui.start.disabled = false;
    ui.stop.disabled = true;
  }
}

/** The ascent's steps, η and λ as classviz has them for the priors chosen. */
function setAscentDefaults(): void {
  const mean = ui.meanPrior.checked;
  ui.steps.value = String(ui.priors.checked ? CLASS_MODEL_PRIORS.steps : mean ? CLASS_MODEL_MEAN_PRIOR.steps : CLASS_MODEL_DEFAULTS.steps);
  ui.learningRate.value = String(mean ? CLASS_MODEL_MEAN_PRIOR.learningRate : CLASS_MODEL_DEFAULTS.learningRate);
  ui.l2.value = String(CLASS_MODEL_DEFAULTS.l2);
}

/** Runs an event handler's work, showing what goes wrong instead of failing silently. */
function guarded(work: () => Promise<void>): () => void {
  return () => {
    clearProblem();
    work().catch(showProblem);
  };
}

async function main(): Promise<void> {
  ui.colormap.replaceChildren(...COLORMAP_NAMES.map((name) => new Option(name, name, name === 'inferno', name === 'inferno')));
  setAscentDefaults();
  // Each set of priors has its own steps (and the mean prior its own η); they exclude each other.
  ui.priors.addEventListener('change', () => {
    if (ui.priors.checked) ui.meanPrior.checked = false;
    setAscentDefaults();
  });
  ui.meanPrior.addEventListener('change', () => {
    if (ui.meanPrior.checked) ui.priors.checked = false;
    setAscentDefaults();
  });
  const response = await fetch('manifest.json');
  if (!response.ok) throw new Error(`manifest.json: ${response.status} ${response.statusText}; build the page with npm run demo:build`);
  const manifest = (await response.json()) as DemoManifest;
  if (manifest.models.length === 0) throw new Error('no model was shipped with this page (weights/*.safetensors was empty when it was built)');
  ui.model.replaceChildren(...manifest.models.map((name) => new Option(name, name)));

  try {
    gpu = TimedGpu.over(await requestGpu());
  } catch (error) {
    ui.adapter.textContent = 'No WebGPU adapter.';
    throw error;
  }
  ui.adapter.textContent = `WebGPU adapter: ${gpu.adapterName}. Times are measured on the ${gpu.method}.`;
  results.adapter = gpu.adapterName;
  results.kernels = gpu.kernels;
  results.timing = gpu.method;
  void gpu.device.lost.then((info) => showProblem(new Error(`the GPU device was lost (${info.reason}: ${info.message}); reload the page`)));

  ui.model.addEventListener('change', guarded(() => selectModel(manifest, ui.model.value)));
  ui.example.addEventListener('change', guarded(() => selectExample(ui.example.value)));
  ui.modelFile.addEventListener('change', guarded(async () => {
    const file = ui.modelFile.files?.[0];
    if (file) await useModelFile(manifest, file);
  }));
  ui.file.addEventListener('change', guarded(async () => {
    const file = ui.file.files?.[0];
    if (!file) return;
    checkDroppedFile(file);
    ui.example.value = '';
    await useImage(file, file.name);
  }));
  for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="rule"]')) {
    radio.addEventListener('change', guarded(computeSaliency));
  }
  wireMethodControls(guarded(computeSaliency));
  ui.colormap.addEventListener('change', drawMaps);
  ui.opacity.addEventListener('input', drawMaps);
  ui.start.addEventListener('click', guarded(runAscent));
  ui.segment.addEventListener('click', guarded(async () => {
    const map = results.saliency;
    if (!map || !shown) return;
    await segmentShown({ ...map, picture: shown.image }, ui.segmentCanvas, ui.segmentStatus, results);
  }));
  ui.stop.addEventListener('click', () => ascent?.abort());
  ui.fidelity.addEventListener('change', guarded(async () => {
    cancelFidelity();
    if (ui.fidelity.checked) await computeFidelity();
  }));
  // Dropping a picture anywhere on the page uses it, as choosing it would.
  document.addEventListener('dragover', (event) => {
    event.preventDefault();
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => document.body.classList.remove('dragging'));
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    document.body.classList.remove('dragging');
    const file = event.dataTransfer?.files[0];
    if (!file || !model) return;
    // A model file (by its name) replaces the model; anything else must be a picture the page can take.
    if (/\.(onnx|safetensors)$/i.test(file.name)) {
      guarded(() => useModelFile(manifest, file))();
      return;
    }
    guarded(async () => {
      checkDroppedFile(file);
      ui.example.value = '';
      await useImage(file, file.name);
    })();
  });

  ui.model.disabled = false;
  await selectModel(manifest, manifest.models[0]);
}

main().catch(showProblem);
