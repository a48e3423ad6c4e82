import type { ModelInfo } from '../graph/mod.ts';

/** What an ONNX file's `deepinside` metadata may say; each part left out falls back to a default. */
export interface OnnxMetadata {
  readonly input?: ModelInfo['input'];
  readonly normalize?: ModelInfo['normalize'];
  readonly labels?: readonly string[];
}

const KEYS = ['format', 'input', 'normalize', 'labels'];

/**
 * Checks the JSON of an ONNX file's `metadata_props` entry `deepinside`, the same JSON as a safetensors
 * file's `deepinside` metadata less the VGG layout: `{"input": {"channels", "height", "width"},
 * "normalize": {"mean": [...], "std": [...]}, "labels": [...]}`, every part optional, `format` 1 if given.
 * Unknown keys are refused, so that a misspelt one is not silently ignored.
 *
 * @throws RangeError naming the field, e.g. `onnx: metadata "deepinside": normalize.std[1] is 0; it must be > 0`.
 */
export function parseOnnxMetadata(json: string): OnnxMetadata {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    fail(`is not valid JSON (${(error as Error).message})`);
  }
  const meta = object(value, 'the value', KEYS);
  if (meta.format !== undefined && meta.format !== 1) fail(`format is ${show(meta.format)}; only format 1 is known`);

  let input: ModelInfo['input'] | undefined;
  if (meta.input !== undefined) {
    const o = object(meta.input, 'input', ['channels', 'height', 'width']);
    input = {
      channels: positiveInteger(o.channels, 'input.channels'),
      height: positiveInteger(o.height, 'input.height'),
      width: positiveInteger(o.width, 'input.width'),
    };
  }

  let normalize: ModelInfo['normalize'] | undefined;
  if (meta.normalize !== undefined) {
    const o = object(meta.normalize, 'normalize', ['mean', 'std']);
    const mean = array(o.mean, 'normalize.mean').map((x, i) => finite(x, `normalize.mean[${i}]`));
    const std = array(o.std, 'normalize.std').map((x, i) => {
      const v = finite(x, `normalize.std[${i}]`);
      if (v <= 0) fail(`normalize.std[${i}] is ${v}; it must be > 0`);
      return v;
    });
    if (mean.length !== std.length) fail(`normalize.mean has ${mean.length} values but normalize.std has ${std.length}`);
    if (input && mean.length !== input.channels) {
      fail(`normalize.mean has ${mean.length} values but input.channels is ${input.channels}`);
    }
    normalize = { mean, std };
  }

  let labels: string[] | undefined;
  if (meta.labels !== undefined) {
    labels = array(meta.labels, 'labels').map((x, i) => {
      if (typeof x !== 'string') fail(`labels[${i}] is ${show(x)}; labels are strings`);
      return x;
    });
    if (labels.length === 0) fail('labels is empty; leave it out for the default labels');
  }
  return { ...(input ? { input } : {}), ...(normalize ? { normalize } : {}), ...(labels ? { labels } : {}) };
}

function fail(message: string): never {
  throw new RangeError(`onnx: metadata "deepinside": ${message}`);
}

function object(value: unknown, name: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${name} is ${show(value)}; it must be an object`);
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      const where = name === 'the value' ? '' : `${name}.`;
      fail(`unknown key "${where}${key}"; known keys are ${keys.join(', ')}`);
    }
  }
  return value as Record<string, unknown>;
}

function array(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) fail(`${name} is ${show(value)}; it must be a list`);
  return value;
}

function positiveInteger(value: unknown, name: string): number {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) fail(`${name} is ${show(value)}; it must be a positive integer`);
  return value as number;
}

function finite(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${name} is ${show(value)}; it must be a finite number`);
  return value;
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
