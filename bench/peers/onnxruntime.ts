// ONNX Runtime's CPU execution provider as a benchmark peer: the machine's native convolution and GEMM
// (MLAS) on the same cores that run lavapipe, forward passes only. Each op is a one-node model built in
// memory (onnx_model.ts) with its weights as initializers, its session created once; `run()` times
// `session.run` alone, which resolves when the output is computed (ONNX Runtime runs synchronously on
// its own threads and hands back a CPU tensor).

import type * as Ort from 'onnxruntime-node';
import { availableParallelism } from 'node:os';
import type { Conv2dShape, LinearShape } from '../../src/shapes/mod.ts';
import type { Graph } from '../../src/graph/mod.ts';
import { graphToOnnx } from './graph_onnx.ts';
import { convModel, gemmModel } from './onnx_model.ts';
import type { PeerOp, PeerUnavailable } from './peer_op.ts';

type OrtModule = typeof Ort;
type OnnxNamespace = Parameters<typeof convModel>[0];

/** ONNX Runtime's CPU provider. Shapes and layouts are ours (NCHW, OIHW, linear weight (out, in)), which are ONNX's. */
export interface OrtPeer {
  /** `ONNX Runtime 1.30.0 cpu, 2 threads`. */
  readonly name: string;
  /** The intra-op threads each session uses: the machine's cores. */
  readonly threads: number;
  /** ONNX's Conv (stride 1, pads `s.pad` on every side, bias) → y (n, k, oh, ow). */
  conv2d(s: Conv2dShape, x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>): Promise<PeerOp>;
  /** ONNX's Gemm with transB = 1: y = x Wᵀ + b, x (n, in), W (out, in) → y (n, out). */
  gemm(s: LinearShape, x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>): Promise<PeerOp>;
  /** The forward pass of a whole graph (`graphToOnnx`) at batch n: x (n, C, H, W) → logits (n, classes). */
  graphForward(graph: Graph, n: number, x: ArrayLike<number>): Promise<PeerOp>;
}

/**
 * Loads ONNX Runtime for Node with its CPU provider, or says why it cannot.
 * @example
 * const ort = await openOnnxRuntime();
 * if (!('unavailable' in ort)) { const op = await ort.gemm(fc6, x, w, b); await op.run(); op.dispose(); }
 */
export async function openOnnxRuntime(): Promise<OrtPeer | PeerUnavailable> {
  let ort: OrtModule;
  let onnx: OnnxNamespace;
  try {
    ort = await import('onnxruntime-node');
    onnx = (await import('onnx-proto')).default.onnx;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { unavailable: `ONNX Runtime is not installed (npm ci brings it, a devDependency): ${message}` };
  }
  return new OrtPeerImpl(ort, onnx, availableParallelism());
}

class OrtPeerImpl implements OrtPeer {
  readonly name: string;
  readonly #ort: OrtModule;
  readonly #onnx: OnnxNamespace;

  constructor(ort: OrtModule, onnx: OnnxNamespace, readonly threads: number) {
    this.#ort = ort;
    this.#onnx = onnx;
    this.name = `ONNX Runtime ${ort.env.versions.common} cpu, ${threads} threads`;
  }

  conv2d(s: Conv2dShape, x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>): Promise<PeerOp> {
    return this.#op('onnxruntime Conv', convModel(this.#onnx, s, weight, bias), x, [s.n, s.c, s.h, s.w]);
  }

  gemm(s: LinearShape, x: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>): Promise<PeerOp> {
    return this.#op('onnxruntime Gemm', gemmModel(this.#onnx, s, weight, bias), x, [s.n, s.inFeatures]);
  }

  graphForward(graph: Graph, n: number, x: ArrayLike<number>): Promise<PeerOp> {
    const { channels, height, width } = graph.info.input;
    return this.#op('onnxruntime session.run of the graph', graphToOnnx(this.#onnx, graph, n), x, [n, channels, height, width]);
  }

  async #op(name: string, model: Uint8Array, x: ArrayLike<number>, dims: readonly number[]): Promise<PeerOp> {
    const ort = this.#ort;
    const session = await ort.InferenceSession.create(model, {
      executionProviders: ['cpu'],
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    const feeds = { X: new ort.Tensor('float32', Float32Array.from(x), dims) };
    const once = async (): Promise<Float32Array> => {
      const { Y } = await session.run(feeds);
      if (!(Y?.data instanceof Float32Array)) throw new Error(`${name}: ONNX Runtime returned no float32 output Y`);
      return Y.data;
    };
    return {
      name,
      run: async () => {
        await once();
      },
      check: once,
      dispose: () => {
        void session.release();
      },
    };
  }
}
