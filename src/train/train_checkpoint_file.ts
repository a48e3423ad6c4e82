import { FormatError, readSafetensors, writeSafetensors } from '../io/mod.ts';
import { parseVggSpec, type VggModelData, vggTensorShapes } from '../model/mod.ts';
import type { RandomState } from '../random/mod.ts';
import type { TrainCheckpoint } from './train.ts';

const OPTIMIZER_PREFIX = 'optimizer/';
const RESUME_KEY = 'deepinside.resume';

/** A checkpoint file read back: the model after the epoch, the checkpoint, and the run it belongs to. */
export interface TrainCheckpointFile {
  readonly model: VggModelData;
  readonly checkpoint: TrainCheckpoint;
  /** The options of the run that wrote it, as `writeTrainCheckpoint` was given them. */
  readonly run: Readonly<Record<string, unknown>>;
}

/**
 * A training run's checkpoint as one safetensors file: the model's weights under their names, the
 * optimiser's state under `optimizer/NAME`, and in the metadata the spec (`deepinside`) and, under
 * `deepinside.resume`, the epoch, the optimiser's step count, the random streams and `run` (the options
 * that must not change on resuming). One file, written atomically, so the weights and the state that
 * goes with them can never come from two different epochs.
 */
export function writeTrainCheckpoint(model: VggModelData, checkpoint: TrainCheckpoint, run: Readonly<Record<string, unknown>>): Uint8Array {
  const tensors = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, shape] of vggTensorShapes(model.spec)) tensors.set(name, { shape, data: model.weights.get(name)! });
  for (const [name, data] of checkpoint.optimizer.tensors) tensors.set(`${OPTIMIZER_PREFIX}${name}`, { shape: [data.length], data });
  const resume = { epoch: checkpoint.epoch, steps: checkpoint.optimizer.steps, shuffles: checkpoint.shuffles, augment: checkpoint.augment, run };
  return writeSafetensors(tensors, { deepinside: JSON.stringify(model.spec), [RESUME_KEY]: JSON.stringify(resume) });
}

/**
 * Reads what `writeTrainCheckpoint` wrote. NaN or infinite weights or state are refused, as `loadVgg`
 * refuses them, so that a run does not continue from a diverged epoch.
 * @throws FormatError naming the file and the problem.
 */
export function readTrainCheckpoint(bytes: Uint8Array, name: string): TrainCheckpointFile {
  const fail = (problem: string) => new FormatError('training checkpoint', problem, name);
  const file = readSafetensors(bytes, name);
  const specText = file.metadata.deepinside;
  const resumeText = file.metadata[RESUME_KEY];
  if (specText === undefined || resumeText === undefined) throw fail(`the file has no "deepinside" and "${RESUME_KEY}" metadata; it is not a checkpoint`);
  let spec: VggModelData['spec'];
  let resume: { epoch?: unknown; steps?: unknown; shuffles?: unknown; augment?: unknown; run?: unknown };
  try {
    spec = parseVggSpec(specText);
    resume = JSON.parse(resumeText) as typeof resume;
  } catch (error) {
    throw fail((error as Error).message);
  }
  if (typeof resume !== 'object' || resume === null) throw fail(`"${RESUME_KEY}" is not an object`);
  const { epoch, steps, shuffles, augment, run } = resume;
  if (!Number.isInteger(epoch) || !Number.isInteger(steps) || !isRandomState(shuffles) || !isRandomState(augment) || typeof run !== 'object' || run === null) {
    throw fail(`"${RESUME_KEY}" lacks the epoch, the step count, the random streams or the run's options`);
  }
  const weights = new Map<string, Float32Array>();
  for (const [tensor, shape] of vggTensorShapes(spec)) {
    const data = file.tensors.get(tensor)?.data;
    const size = shape.reduce((p, s) => p * s, 1);
    if (!data || data.length !== size) throw fail(`tensor "${tensor}" is missing or not ${size} values`);
    weights.set(tensor, data);
  }
  const tensors = new Map<string, Float32Array>();
  for (const [tensor, { data }] of file.tensors) if (tensor.startsWith(OPTIMIZER_PREFIX)) tensors.set(tensor.slice(OPTIMIZER_PREFIX.length), data);
  for (const [tensor, data] of [...weights, ...tensors]) {
    if (data.some((x) => !Number.isFinite(x))) throw fail(`tensor "${tensor}" holds non-finite values; the run diverged before this checkpoint`);
  }
  return {
    model: { spec, weights },
    checkpoint: { epoch: epoch as number, optimizer: { steps: steps as number, tensors }, shuffles, augment },
    run: run as Record<string, unknown>,
  };
}

function isRandomState(value: unknown): value is RandomState {
  const state = value as RandomState;
  return typeof value === 'object' && value !== null && Array.isArray(state.words) && (state.spareNormal === null || typeof state.spareNormal === 'number');
}
