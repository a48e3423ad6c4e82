import { vggLayers } from './vgg_layers.ts';
import type { VggFeature, VggSpec } from './vgg_spec.ts';

const KEYS = ['format', 'architecture', 'features', 'classifier', 'avgpool', 'input', 'normalize', 'labels'];

/**
 * Checks a VGG spec (the `deepinside` metadata of a safetensors file, as JSON text or already parsed) field
 * by field and returns a clean copy. Unknown keys are refused, so that a misspelt optional key such as
 * `avg_pool` is not silently ignored. Finally the layers are resolved, which refuses a max-pool that
 * would see a map smaller than 2×2.
 *
 * @throws SyntaxError when the text is not JSON; TypeError when a field has the wrong type; RangeError when
 *   a value is out of range or lengths disagree, e.g.
 *   `vgg spec: normalize.mean has 1 values but input.channels is 3`.
 * @example
 * const spec = parseVggSpec(file.metadata.deepinside);
 */
export function parseVggSpec(json: string | unknown): VggSpec {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new SyntaxError(`vgg spec: not valid JSON (${(error as Error).message})`);
    }
  }
  const spec = object(value, 'the spec', KEYS);
  if (spec.format !== 1) {
    throw new RangeError(`vgg spec: format is ${show(spec.format)}; only format 1 is known`);
  }
  if (spec.architecture !== 'vgg') {
    throw new RangeError(`vgg spec: architecture is ${show(spec.architecture)}; only "vgg" is known`);
  }

  const features = array(spec.features, 'features').map((entry, i): VggFeature => {
    if (entry === 'M' || isPositiveInteger(entry)) return entry;
    throw new RangeError(
      `vgg spec: features[${i}] is ${show(entry)}; entries are positive integers (conv widths) or "M" (max-pool)`,
    );
  });
  if (!features.some((entry) => entry !== 'M')) {
    throw new RangeError('vgg spec: features has no convolution; a VGG needs at least one');
  }
  const classifier = array(spec.classifier, 'classifier').map((entry, i) => positiveInteger(entry, `classifier[${i}]`));

  let avgpool: readonly [number, number] | undefined;
  if (spec.avgpool !== undefined) {
    const sizes = array(spec.avgpool, 'avgpool (leave it out for none)');
    if (sizes.length !== 2) {
      throw new RangeError(`vgg spec: avgpool has ${sizes.length} values; it must be [height, width]`);
    }
    avgpool = [positiveInteger(sizes[0], 'avgpool[0]'), positiveInteger(sizes[1], 'avgpool[1]')];
  }

  const inputObject = object(spec.input, 'input', ['channels', 'height', 'width']);
  const input = {
    channels: positiveInteger(inputObject.channels, 'input.channels'),
    height: positiveInteger(inputObject.height, 'input.height'),
    width: positiveInteger(inputObject.width, 'input.width'),
  };

  const normalizeObject = object(spec.normalize, 'normalize', ['mean', 'std']);
  const mean = array(normalizeObject.mean, 'normalize.mean').map((entry, i) => finite(entry, `normalize.mean[${i}]`));
  const std = array(normalizeObject.std, 'normalize.std').map((entry, i) => {
    const x = finite(entry, `normalize.std[${i}]`);
    if (x <= 0) throw new RangeError(`vgg spec: normalize.std[${i}] is ${x}; it must be > 0`);
    return x;
  });
  for (const [name, values] of [['mean', mean], ['std', std]] as const) {
    if (values.length !== input.channels) {
      throw new RangeError(
        `vgg spec: normalize.${name} has ${values.length} values but input.channels is ${input.channels}`,
      );
    }
  }

  const labels = array(spec.labels, 'labels').map((entry, i) => {
    if (typeof entry !== 'string') throw new TypeError(`vgg spec: labels[${i}] is ${show(entry)}; labels are strings`);
    return entry;
  });
  if (labels.length === 0) {
    throw new RangeError('vgg spec: labels is empty; the classifier needs at least one class');
  }

  const parsed: VggSpec = {
    format: 1,
    architecture: 'vgg',
    features,
    classifier,
    ...(avgpool ? { avgpool } : {}),
    input,
    normalize: { mean, std },
    labels,
  };
  vggLayers(parsed);
  return parsed;
}

function object(value: unknown, name: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`vgg spec: ${name} is ${show(value)}; it must be an object`);
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      const where = name === 'the spec' ? '' : `${name}.`;
      const shown = key.length > 40 ? `${key.slice(0, 37)}...` : key;
      throw new RangeError(`vgg spec: unknown key "${where}${shown}"; known keys are ${keys.join(', ')}`);
    }
  }
  return value as Record<string, unknown>;
}

function array(value: unknown, name: string): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`vgg spec: ${name} is ${show(value)}; it must be a list`);
  return value;
}

function positiveInteger(value: unknown, name: string): number {
  if (!isPositiveInteger(value)) {
    throw new RangeError(`vgg spec: ${name} is ${show(value)}; it must be a positive integer`);
  }
  return value;
}

function isPositiveInteger(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

function finite(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`vgg spec: ${name} is ${show(value)}; it must be a finite number`);
  }
  return value;
}

function show(value: unknown): string {
  if (value === undefined) return 'missing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    // Nesting deep enough to exhaust the stack (JSON.parse reads it; JSON.stringify cannot write it back).
    text = Array.isArray(value) ? '[...]' : '{...}';
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
