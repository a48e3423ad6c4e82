// The ONNX loader under fuzzing: small ResNet- and VGG-shaped models built here, then truncated, flipped and
// lied about; every case loads as a graph or is refused with a FormatError naming the file.
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { graphShapes } from '../src/graph/mod.ts';
import { type LoadedModel, loadModel } from '../src/model/mod.ts';
import { Random } from '../src/random/mod.ts';
import { describeTally, type FuzzTarget, fuzzParser, fuzzRuns, mutated } from './support/fuzz_parser.ts';
import { resnetOnnx, vggOnnx } from './support/onnx_builder.ts';

const RUNS = fuzzRuns(150);

// Built once per seed and shape: the fuzzing is in the mutations, not in building protobufs.
const validFiles = fc.tuple(fc.integer({ min: 0, max: 7 }), fc.constantFrom(1, 3), fc.constantFrom('basic', 'bottleneck', 'vgg')).map(([seed, channels, kind]) => {
  const random = new Random(seed + 1);
  return kind === 'vgg'
    ? vggOnnx(random, { channels, height: 9, width: 11, classes: 3 })
    : resnetOnnx(random, { channels, height: 13, width: 11, classes: 4, block: kind, widths: [4, 8] });
});

const target: FuzzTarget<LoadedModel> = {
  format: 'onnx',
  file: 'fuzz.onnx',
  parse: (bytes, name) => loadModel(bytes, { name }),
  valid: validFiles,
  hostile: [mutated(mutated(validFiles))],
  checkLoaded(result) {
    // A graph that loads is one the executor can lay out: every tensor's shape resolves.
    assert.ok(graphShapes(result.graph).shapes.size > 1);
    for (const weights of result.graph.weights.values()) assert.ok(weights.every(Number.isFinite), 'no non-finite weight loads');
  },
};

test(`onnx: valid models load, and ${RUNS} cases each of mutated and hostile files load or throw FormatError naming the file`, () => {
  const tally = fuzzParser(target, RUNS);
  if (process.env.DEEPINSIDE_FUZZ_REPORT) console.log(describeTally('onnx', tally));
  assert.ok(tally.refused > RUNS / 2);
});

test.run();
