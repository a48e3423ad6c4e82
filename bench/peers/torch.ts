// PyTorch's CPU build as a benchmark peer (`npm run bench -- --peers torch`): the native framework a user
// of this machine would otherwise run, on the same cores lavapipe uses. It runs in a Python process
// (bench/torch/peer.py) that builds each op once; `run()` asks it to do the op once and waits for its
// reply, so a timing includes one pipe round trip (tens of microseconds beside milliseconds of work).
// Tensors travel as .npy files in a temporary folder.

import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { readNpy, writeNpy } from '../../src/io/mod.ts';
import type { Conv2dShape } from '../../src/shapes/mod.ts';
import type { VggSpec } from '../../src/model/mod.ts';
import type { PeerOp, PeerUnavailable } from './peer_op.ts';

/** The Pythons tried in order: Debian's, whose python3-torch the bench's set-up installs, then the PATH's. */
const PYTHONS = ['/usr/bin/python3', 'python3'];

/** PyTorch's CPU build. Shapes and layouts are ours (NCHW, OIHW), which are PyTorch's. */
export interface TorchPeer {
  /** `PyTorch 1.13.1 cpu, 2 threads`. */
  readonly name: string;
  /** `F.conv2d` (stride 1, symmetric padding `s.pad`, bias) → y (n, k, oh, ow). */
  conv2d(s: Conv2dShape, x: Float32Array, weight: Float32Array, bias: Float32Array): Promise<PeerOp>;
  /** The gradient to the input as autograd computes it (`aten.convolution_backward`) → dx (n, c, h, w). */
  conv2dBackwardInput(s: Conv2dShape, dy: Float32Array, weight: Float32Array): Promise<PeerOp>;
  /**
   * A torchvision-layout VGG of `spec` (parameters without gradients) at batch `n`: its forward pass, or
   * the saliency map of each image's class (forward, the score's gradient to the input, max over channels
   * of its magnitude) → (n, classes) or (n, H, W). Without `options` PyTorch's own seeded weights, a
   * uniform input and class i mod classes for image i; with them, those given (for a check).
   */
  vgg(spec: VggSpec, n: number, what: 'forward' | 'saliency', options?: TorchVggOptions): Promise<PeerOp>;
  /** Stops the Python process and removes the tensors' folder. */
  close(): void;
}

/** What `TorchPeer.vgg` runs on instead of its own random weights and input, for a check against ours. */
export interface TorchVggOptions {
  /** The weights by torchvision's names (`features.0.weight`), as `initVggWeights` gives them. */
  readonly weights: ReadonlyMap<string, Float32Array>;
  /** (n, C, H, W), normalised. */
  readonly input: Float32Array;
  readonly classes: readonly number[];
}

/**
 * Starts bench/torch/peer.py under a Python that has torch, or says why it cannot.
 * @example
 * const torch = await openTorch();
 * if (!('unavailable' in torch)) { const op = await torch.vgg(vgg16, 1, 'saliency'); await op.run(); op.dispose(); torch.close(); }
 */
export async function openTorch(): Promise<TorchPeer | PeerUnavailable> {
  const python = PYTHONS.find((p) => spawnSync(p, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0);
  if (!python) {
    return { unavailable: 'no Python with torch and numpy (on Debian: apt-get install python3-torch, which `npm run bench -- --peers torch` runs as root)' };
  }
  const child = spawn(python, [join('bench', 'torch', 'peer.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
  const peer = new TorchPeerImpl(child);
  try {
    const hello = await peer.reply();
    return peer.named(`PyTorch ${String(hello.torch)} cpu, ${String(hello.threads)} threads`);
  } catch (error) {
    peer.close();
    return { unavailable: `bench/torch/peer.py did not start: ${error instanceof Error ? error.message : String(error)}` };
  }
}

type Reply = Record<string, unknown>;

class TorchPeerImpl implements TorchPeer {
  name = 'PyTorch';
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: Interface;
  readonly #waiting: Array<(line: string | undefined) => void> = [];
  readonly #folder = mkdtempSync(join(tmpdir(), 'deepinside-torch-'));
  #stderr = '';
  #next = 0;

  constructor(child: ChildProcessWithoutNullStreams) {
    this.#child = child;
    this.#lines = createInterface({ input: child.stdout });
    this.#lines.on('line', (line) => this.#waiting.shift()?.(line));
    child.stderr.on('data', (chunk: Buffer) => void (this.#stderr = (this.#stderr + chunk.toString()).slice(-2000)));
    child.on('exit', () => {
      for (const wake of this.#waiting.splice(0)) wake(undefined);
    });
  }

  named(name: string): this {
    this.name = name;
    return this;
  }

  /** The next line the peer prints, parsed; throws its error or its death. */
  reply(): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.#waiting.push((line) => {
        if (line === undefined) return reject(new Error(`the Python peer exited: ${this.#stderr.trim().split('\n').pop() ?? ''}`));
        const reply = JSON.parse(line) as Reply;
        if (reply.ok !== true) reject(new Error(String(reply.error)));
        else resolve(reply);
      });
    });
  }

  #ask(request: Reply): Promise<Reply> {
    const answer = this.reply();
    this.#child.stdin.write(`${JSON.stringify(request)}\n`);
    return answer;
  }

  #file(data: Float32Array, shape: readonly number[]): string {
    const path = join(this.#folder, `t${this.#next++}.npy`);
    writeFileSync(path, writeNpy(data, shape));
    return path;
  }

  async #op(name: string, request: Reply): Promise<PeerOp> {
    const id = `op${this.#next++}`;
    await this.#ask({ ...request, id });
    return {
      name,
      run: async () => void (await this.#ask({ op: 'run', id })),
      check: async () => {
        const out = join(this.#folder, `${id}-out.npy`);
        await this.#ask({ op: 'check', id, out });
        return readNpy(readFileSync(out)).data;
      },
      dispose: () => void this.#ask({ op: 'free', id }).catch(() => undefined),
    };
  }

  conv2d(s: Conv2dShape, x: Float32Array, weight: Float32Array, bias: Float32Array): Promise<PeerOp> {
        return this.#op('torch F.conv2d', {
      op: 'conv2d',
      shape: { n: s.n, c: s.c, h: s.h, w: s.w, k: s.k, size: s.size, pad: s.pad },
      x: this.#file(x, [s.n, s.c, s.h, s.w]),
      weight: this.#file(weight, [s.k, s.c, s.size, s.size]),
      bias: this.#file(bias, [s.k]),
    });
  }

  conv2dBackwardInput(s: Conv2dShape, dy: Float32Array, weight: Float32Array): Promise<PeerOp> {
    const pad = s.pad;
    const [oh, ow] = [s.h + 2 * pad - s.size + 1, s.w + 2 * pad - s.size + 1];
    return this.#op('torch aten.convolution_backward (input)', {
      op: 'conv2d_backward_input',
      shape: { n: s.n, c: s.c, h: s.h, w: s.w, k: s.k, size: s.size, pad },
      dy: this.#file(dy, [s.n, s.k, oh, ow]),
      weight: this.#file(weight, [s.k, s.c, s.size, s.size]),
    });
  }

  vgg(spec: VggSpec, n: number, what: 'forward' | 'saliency', options?: TorchVggOptions): Promise<PeerOp> {
    const { channels, height, width } = spec.input;
    if (height !== width) throw new RangeError(`torch peer: a square input only, not ${height}×${width}`);
    const given = options && {
      weights: Object.fromEntries([...options.weights].map(([name, values]) => [name, this.#file(values, this.#shapes(spec, name, values.length))])),
      input: this.#file(options.input, [n, channels, height, width]),
      classes: options.classes,
    };
    return this.#op(what === 'forward' ? 'torch VGG forward' : 'torch VGG saliency (autograd)', {
      op: 'vgg',
      features: spec.features,
      classifier: [...spec.classifier, spec.labels.length],
      avgpool: spec.avgpool ?? null,
      channels,
      size: height,
      batch: n,
      what,
      seed: 0,
      ...given,
    });
  }

  /** A VGG parameter's shape: a conv's (k, c, 3, 3) from the layer it is, a linear's (out, in), a bias's (k). */
  #shapes(spec: VggSpec, name: string, length: number): number[] {
    if (name.endsWith('.bias')) return [length];
    const [part, index] = name.split('.');
    if (part === 'features') {
      let c = spec.input.channels;
      for (let i = 0, layer = 0; i < spec.features.length; i++) {
        const f = spec.features[i];
        if (f === 'M') {
          layer++;
          continue;
        }
        if (layer === Number(index)) return [f, c, 3, 3];
        c = f;
        layer += 2;
      }
      throw new RangeError(`torch peer: no conv ${name} in the spec`);
    }
    const out = [...spec.classifier, spec.labels.length][Number(index) / 3];
    return [out, length / out];
  }

  close(): void {
    this.#child.stdin.end();
    this.#child.kill();
    rmSync(this.#folder, { recursive: true, force: true });
  }
}
