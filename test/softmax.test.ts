import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { softmax } from '../src/nn/mod.ts';

test('softmax of [0, ln 3] is [1/4, 3/4], and of equal scores is uniform', () => {
  const [a, b] = softmax([0, Math.log(3)]);
  assert.ok(Math.abs(a - 0.25) < 1e-15 && Math.abs(b - 0.75) < 1e-15, `${a}, ${b}`);
  assert.equal(softmax(new Float32Array([2, 2, 2, 2])), [0.25, 0.25, 0.25, 0.25]);
});

test('softmax subtracts the largest score first, so scores of 1000 and 999 do not overflow', () => {
  const [a, b] = softmax([1000, 999]);
  assert.ok(Math.abs(a - 1 / (1 + Math.exp(-1))) < 1e-15, `${a}`);
  assert.ok(Math.abs(a + b - 1) < 1e-15);
});

test.run();
