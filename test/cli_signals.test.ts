// Interruption: a long command started as a child process and signalled mid-run exits at once with the
// shell's code (130 for SIGINT, 143 for SIGTERM) and one line, leaving no temporary or partial file; a
// training run keeps its last complete --save-each-epoch model.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadVgg } from '../src/model/mod.ts';
import { temporaryFolder } from './support/cli_fixture.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, writeModel } from './support/test_models.ts';

const launcher = join(process.cwd(), 'src', 'cli', 'deepinside.mjs');
const random = testRandom('cli_signals');

/** Runs `deepinside args` and sends `signal` once standard error shows `ready`; resolves to its exit and stderr. */
function interrupt(args: string[], ready: RegExp, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DEEPINSIDE_KERNELS: '' } });
    let stderr = '';
    let sent = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`deepinside ${args[0]} never showed ${ready} (or never stopped): ${stderr}`));
    }, 120_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!sent && ready.test(stderr)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

test('classviz interrupted by SIGINT mid-ascent exits 130 with one line and writes nothing', async () => {
  const folder = temporaryFolder();
  const model = writeModel(folder, 'colour', COLOUR_SPEC, random).path;
  const out = join(folder, 'class.png');
  // In a pipe the progress shows each tenth: the first line, at step 300, comes mid-ascent.
  const { code, stderr } = await interrupt(['classviz', '--model', model, '--class', '1', '--steps', '3000', '--out', out, '--npy', join(folder, 'class.npy')], /step \d+/, 'SIGINT');
  assert.is(code, 130, stderr);
  assert.match(stderr, /deepinside: interrupted \(SIGINT\); stopped, leaving no partial file\n$/);
  assert.equal(readdirSync(folder), ['colour.safetensors']);
});

test('train --save-each-epoch interrupted by SIGTERM after epoch 1 exits 143 and keeps the epoch-1 model and checkpoint whole', async () => {
  const folder = temporaryFolder();
  const out = join(folder, 'trained.safetensors');
  const args = ['train', '--dataset', 'fashion-mnist', '--features', '4,M', '--classifier', '', '--limit', '64', '--epochs', '1000', '--batch', '8', '--test-limit', '8', '--save-each-epoch', '--out', out];
  const { code, stderr } = await interrupt(args, /wrote .*trained\.safetensors \(after epoch 1\)/, 'SIGTERM');
  assert.is(code, 143, stderr);
  assert.match(stderr, /deepinside: interrupted \(SIGTERM\); stopped, leaving no partial file\n$/);
  assert.equal(readdirSync(folder).sort(), ['trained.safetensors', 'trained.safetensors.checkpoint'], 'the model and its checkpoint, nothing else');
  assert.equal(loadVgg(readFileSync(out)).spec.features, [4, 'M']);
});

test.run();
