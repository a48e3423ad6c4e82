// Device loss, forced with device.destroy() on a device of its own (never the shared test device): every
// later call rejects at once with GpuFailureError, commands stop with one line and write nothing, and a
// training run keeps its last complete --save-each-epoch file.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Command, classvizCommand, saliencyCommand, trainCommand } from '../src/cli/mod.ts';
import { Gpu, GpuFailureError, webGpuInstance } from '../src/gpu/mod.ts';
import { loadVgg } from '../src/model/mod.ts';
import { CapturingContext, temporaryFolder, writePng } from './support/cli_fixture.ts';
import { gpu as shared } from './support/gpu.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, randomImage, writeModel } from './support/test_models.ts';

const random = testRandom('gpu_device_loss');
const folder = temporaryFolder();
const model = writeModel(folder, 'colour', COLOUR_SPEC, random).path;
const image = writePng(join(folder, 'rgb.png'), randomImage(random, 20, 24, 3));

/** A device of its own on the shared adapter, to destroy. */
async function separateGpu(): Promise<Gpu> {
  const adapter = await (await webGpuInstance()).requestAdapter();
  if (!adapter) throw new Error('no adapter');
  return new Gpu(await adapter.requestDevice({ label: 'to be lost' }), shared.adapterName);
}

async function rejection(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return assert.unreachable('expected a rejection');
}

test('after device.destroy(), reads, syncs and allocations fail at once with GpuFailureError naming the loss', async () => {
  const gpu = await separateGpu();
  const tensor = gpu.tensorFrom(Float32Array.of(1, 2, 3), 'x');
  assert.equal([...(await gpu.read(tensor))], [1, 2, 3]);
  const inFlight = gpu.read(tensor);
  gpu.device.destroy();
  const start = performance.now();
  for (const error of [await rejection(() => inFlight), await rejection(() => gpu.read(tensor)), await rejection(() => gpu.sync())]) {
    assert.instance(error, GpuFailureError);
    assert.is((error as GpuFailureError).kind, 'lost');
    assert.match((error as Error).message, /^the GPU device was lost \(destroyed: .*\); nothing more can run on it: start again$/);
  }
  assert.throws(() => gpu.tensor(4, 'y'), (e: unknown) => e instanceof GpuFailureError);
  assert.ok(performance.now() - start < 2000, 'no waiting on a lost device');
  assert.ok(!gpu.alive);
  assert.ok(shared.alive, 'the shared device is untouched');
});

/**
 * Runs a command on a device of its own, destroyed when the command first waits on the GPU (`'first sync'`:
 * the same point whatever the machine's speed) or `afterMs` after it first asks for the device.
 */
async function runLosing(command: Command, args: string[], when: 'first sync' | number): Promise<unknown> {
  const context = new CapturingContext();
  const gpu = await separateGpu();
  context.gpu = async () => {
    context.gpuRequests++;
    if (when === 'first sync') {
      const sync = gpu.sync.bind(gpu);
      gpu.sync = async () => {
        gpu.device.destroy();
        return sync();
      };
    } else {
      setTimeout(() => gpu.device.destroy(), when);
    }
    return gpu;
  };
  return rejection(() => command.run(args, context));
}

const CASES: [Command, (out: string) => string[], ('first sync' | number)[]][] = [
  [saliencyCommand, (out) => ['--model', model, '--image', image, '--out', join(out, 'map.png'), '--npy', join(out, 'map.npy')], ['first sync']],
  [classvizCommand, (out) => ['--model', model, '--class', '1', '--steps', '100000', '--out', join(out, 'class.png')], ['first sync', 0, 30]],
];
for (const [command, args, whens] of CASES) {
  for (const when of whens) {
    test(`deepinside ${command.name} on a device lost ${typeof when === 'number' ? `${when} ms in` : 'at its first sync'} stops with one line naming the loss, writing nothing`, async () => {
      const out = temporaryFolder();
      const error = await runLosing(command, args(out), when);
      assert.instance(error, GpuFailureError, String(error));
      assert.not.match((error as Error).message, /\n/);
      assert.equal(readdirSync(out), [], 'no output, no temporary file');
    });
  }
}

test('train --save-each-epoch on a device lost during epoch 2 stops naming the loss and keeps the model of epoch 1', async () => {
  const out = join(folder, 'trained.safetensors');
  const context = new CapturingContext();
  const gpu = await separateGpu();
  context.gpu = async () => gpu;
  const note = context.note.bind(context);
  context.note = (line) => {
    note(line);
    if (line === `wrote ${out} (after epoch 1)`) setTimeout(() => gpu.device.destroy(), 20);
  };
  const args = ['--dataset', 'fashion-mnist', '--features', '4,M', '--classifier', '', '--limit', '64', '--epochs', '50', '--batch', '8', '--test-limit', '8', '--save-each-epoch', '--out', out];
  const error = await rejection(() => trainCommand.run(args, context));
  assert.instance(error, GpuFailureError, String(error));
  assert.ok(context.notes.includes(`wrote ${out} (after epoch 1)`), context.notes.join('\n'));
  assert.ok(existsSync(out), 'the epoch-1 model is kept');
  assert.equal(loadVgg(readFileSync(out)).spec.features, [4, 'M']);
  assert.equal(readdirSync(folder).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');
});

test.run();
