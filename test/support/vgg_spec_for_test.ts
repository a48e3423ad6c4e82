import type { VggFeature, VggSpec } from '../../src/model/mod.ts';

/** A VGG spec with identity normalisation and labels `class 0` … for tests. */
export function vggSpecForTest(
  input: VggSpec['input'],
  features: readonly VggFeature[],
  classifier: readonly number[],
  classes: number,
  avgpool?: readonly [number, number],
): VggSpec {
  return {
    format: 1,
    architecture: 'vgg',
    features,
    classifier,
    ...(avgpool ? { avgpool } : {}),
    input,
    normalize: { mean: Array(input.channels).fill(0), std: Array(input.channels).fill(1) },
    labels: Array.from({ length: classes }, (_, i) => `class ${i}`),
  };
}
