import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFashionMnist } from '../src/cli/mod.ts';
import { FASHION_MNIST_LABELS, FASHION_MNIST_NORMALIZE, fashionMnistDataset, takeItems } from '../src/data/mod.ts';
import { fashionMnist } from './support/fashion_mnist.ts';
import { assertThrowsWith } from './support/throws_with.ts';

/** An IDX file of unsigned bytes. */
function idxBytes(shape: readonly number[], data: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = shape.length;
  shape.forEach((size, i) => view.setUint32(4 + 4 * i, size, false));
  out.set(Array.from(data), 4 + 4 * shape.length);
  return out;
}

test('the installed Fashion-MNIST gunzips and parses: 60,000 and 10,000 items of 1×28×28, labels in [0, 10)', () => {
  const train = fashionMnist('train');
  const t10k = fashionMnist('test');
  assert.is(train.length, 60000);
  assert.is(t10k.length, 10000);
  assert.equal(train.input, { channels: 1, height: 28, width: 28 });
  assert.equal(train.classes, FASHION_MNIST_LABELS);
  // The first item of each split is an ankle boot (class 9); Zalando's README shows the same.
  assert.is(train.label(0), 9);
  assert.is(t10k.label(0), 9);
  const counts = new Array(10).fill(0);
  for (let i = 0; i < train.length; i++) counts[train.label(i)]++;
  assert.equal(counts, new Array(10).fill(6000), 'the train split is balanced, 6,000 per class');
});

test('Fashion-MNIST pixels are bytes / 255, and the normalisation constants are the train split\'s statistics', () => {
  const train = fashionMnist('train');
  const pixels = new Float32Array(784);
  let [sum, squares, count, top] = [0, 0, 0, 0];
  for (let i = 0; i < train.length; i += 10) {
    train.pixels(i, pixels);
    for (const p of pixels) {
      sum += p;
      squares += p * p;
      top = Math.max(top, p);
      assert.ok(Number.isInteger(Math.round(p * 255 * 1e4) / 1e4), `pixel ${p} is not a byte / 255`);
    }
    count += pixels.length;
  }
  const mean = sum / count;
  assert.is(top, 1);
  assert.ok(Math.abs(mean - FASHION_MNIST_NORMALIZE.mean[0]) < 0.003, `mean ${mean}`);
  assert.ok(Math.abs(Math.sqrt(squares / count - mean * mean) - FASHION_MNIST_NORMALIZE.std[0]) < 0.003);
});

test('readFashionMnist reads gzip IDX files from another folder, and names the package when one is missing', () => {
  const folder = mkdtempSync(join(tmpdir(), 'deepinside-fmnist-'));
  const images = Array.from({ length: 2 * 784 }, (_, i) => i % 256);
  writeFileSync(join(folder, 't10k-images-idx3-ubyte.gz'), gzipSync(idxBytes([2, 28, 28], images)));
  assertThrowsWith(() => readFashionMnist('test', folder), RangeError, /t10k-labels-idx1-ubyte\.gz is missing; install Debian's package dataset-fashion-mnist/);
  writeFileSync(join(folder, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxBytes([2], [3, 7])));
  const small = readFashionMnist('test', folder);
  assert.is(small.length, 2);
  assert.is(small.label(1), 7);
  const pixels = new Float32Array(784);
  small.pixels(1, pixels);
  assert.is(pixels[5], Math.fround(((784 + 5) % 256) / 255));
  writeFileSync(join(folder, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxBytes([3], [3, 7, 1])));
  assert.throws(() => readFashionMnist('test', folder), /labels have shape \[3\] but there are 2 images/);
});

test('fashionMnistDataset refuses images other than 28×28, labels above 9, and items out of range', () => {
  const labels = { shape: [1], data: Uint8Array.of(0) };
  assertThrowsWith(() => fashionMnistDataset({ shape: [1, 32, 32], data: new Uint8Array(1024) }, labels), RangeError, /\[1, 32, 32\]; Fashion-MNIST's are \[n, 28, 28\]/);
  const images = { shape: [1, 28, 28], data: new Uint8Array(784) };
  assertThrowsWith(() => fashionMnistDataset(images, { shape: [1], data: Uint8Array.of(10) }), RangeError, /label 10 of item 0 is outside \[0, 10\)/);
  const one = fashionMnistDataset(images, labels, 'one');
  assertThrowsWith(() => one.label(1), RangeError, /one: item 1 is outside \[0, 1\)/);
  assertThrowsWith(() => one.pixels(-1, new Float32Array(784)), RangeError, /item -1/);
});

test('takeItems keeps the first items and refuses the ones after', () => {
  const train = fashionMnist('train');
  const first = takeItems(train, 3);
  assert.is(first.length, 3);
  assert.is(first.label(2), train.label(2));
  assert.is(first.normalize, train.normalize);
  assertThrowsWith(() => first.label(3), RangeError, /\(first 3\): item 3 is outside \[0, 3\)/);
  assert.is(takeItems(train, 1e6), train);
  assertThrowsWith(() => takeItems(train, 0), RangeError, /cannot take 0 items/);
});

test.run();
