import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseVggSpec } from '../src/model/mod.ts';
import { tinyVggSpec } from './support/tiny_vgg.ts';
import { assertThrowsWith } from './support/throws_with.ts';

test('parseVggSpec accepts a spec as JSON text or as an object, and returns a clean copy', () => {
  const spec = tinyVggSpec({ avgpool: [1, 1] });
  assert.equal(parseVggSpec(JSON.stringify(spec)), spec);
  const parsed = parseVggSpec(spec);
  assert.equal(parsed, spec);
  assert.is.not(parsed.features, spec.features);
  assert.not.ok('avgpool' in parseVggSpec(tinyVggSpec()));
});

test('parseVggSpec refuses text that is not JSON, and values that are not objects', () => {
  assertThrowsWith(() => parseVggSpec('{"format": 1,'), SyntaxError, /vgg spec: not valid JSON/);
  assertThrowsWith(() => parseVggSpec('[1]'), TypeError, /vgg spec: the spec is \[1\]; it must be an object/);
  assertThrowsWith(() => parseVggSpec(null), TypeError, /the spec is null/);
});

test('parseVggSpec refuses a wrong format, architecture or unknown key', () => {
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ format: 2 })), RangeError, /format is 2; only format 1 is known/);
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ format: undefined })), RangeError, /format is missing/);
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ architecture: 'resnet' })), RangeError, /architecture is "resnet"/);
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ avg_pool: [7, 7] })), RangeError, /unknown key "avg_pool"; known keys are/);
  const input = { channels: 1, height: 4, width: 4, depth: 1 };
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ input })), RangeError, /unknown key "input.depth"/);
});

test('parseVggSpec refuses features that are not positive integers or "M", or have no conv', () => {
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ features: [2, 0] })), RangeError, /features\[1\] is 0; entries are positive integers/);
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ features: [2, 'm'] })), RangeError, /features\[1\] is "m"/);
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ features: [1.5] })), RangeError, /features\[0\] is 1.5/);
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ features: ['M'] })), RangeError, /features has no convolution/);
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ features: '2,M' })), TypeError, /features is "2,M"; it must be a list/);
});

test('parseVggSpec refuses bad classifier widths, avgpool and input sizes', () => {
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ classifier: [5, -1] })), RangeError, /classifier\[1\] is -1; it must be a positive integer/);
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ avgpool: [7] })), RangeError, /avgpool has 1 values; it must be \[height, width\]/);
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ avgpool: null })), TypeError, /avgpool \(leave it out for none\) is null/);
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ avgpool: [7, 0] })), RangeError, /avgpool\[1\] is 0/);
  const input = { channels: 1, height: 4 };
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ input })), RangeError, /input.width is missing; it must be a positive integer/);
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ input: [1, 4, 4] })), TypeError, /input is \[1,4,4\]; it must be an object/);
});

test('parseVggSpec refuses normalisation that disagrees with the channels, or a std that is not > 0', () => {
  const rgb = { channels: 3, height: 4, width: 4 };
  assertThrowsWith(
    () => parseVggSpec(tinyVggSpec({ input: rgb, normalize: { mean: [0.5], std: [1, 1, 1] } })),
    RangeError,
    /vgg spec: normalize.mean has 1 values but input.channels is 3/,
  );
  assertThrowsWith(
    () => parseVggSpec(tinyVggSpec({ input: rgb, normalize: { mean: [0, 0, 0], std: [1, 1] } })),
    RangeError,
    /normalize.std has 2 values but input.channels is 3/,
  );
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ normalize: { mean: [0], std: [0] } })), RangeError, /normalize.std\[0\] is 0; it must be > 0/);
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ normalize: { mean: [0], std: [-1] } })), RangeError, /std\[0\] is -1/);
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ normalize: { mean: ['0'], std: [1] } })), TypeError, /normalize.mean\[0\] is "0"; it must be a finite number/);
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ normalize: { mean: [0] } })), TypeError, /normalize.std is missing; it must be a list/);
});

test('parseVggSpec refuses an empty label list and labels that are not strings', () => {
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ labels: [] })), RangeError, /labels is empty; the classifier needs at least one class/);
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ labels: ['a', 2] })), TypeError, /labels\[1\] is 2; labels are strings/);
});

test('parseVggSpec refuses a max-pool that would see a map smaller than 2×2', () => {
  assertThrowsWith(() => parseVggSpec(tinyVggSpec({ features: [2, 'M', 3, 'M', 'M'] })), RangeError, /max-pool at features\.\d+ gets a 1×1 map; it needs at least 2×2/);
});

test.run();
