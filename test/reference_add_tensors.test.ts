import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { addTensors } from '../src/reference/mod.ts';
import { assertGradient, dot, finiteDifference } from './support/finite_difference.ts';
import { testRandom } from './support/seed.ts';

const random = testRandom('reference_add_tensors');
const values = (length: number) => Float64Array.from({ length }, () => random.uniform(-1, 1));

test('add_tensors adds elementwise, and its gradient passes dy unchanged to both inputs', () => {
  assert.equal(Array.from(addTensors([1, 2, 3], [10, -2, 0.5])), [11, 0, 3.5]);
  const a = values(7);
  const b = values(7);
  const dy = values(7);
  const loss = () => dot(addTensors(a, b), dy);
  assertGradient('da', dy, finiteDifference(loss, a), random);
  assertGradient('db', dy, finiteDifference(loss, b), random);
});

test('add_tensors rejects tensors of different lengths', () => {
  assert.throws(() => addTensors([1, 2], [1]), /add_tensors: b has 1 values but shape \(2\) needs 2/);
});

test.run();
