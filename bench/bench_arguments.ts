// `npm run bench`'s command line: the options, their defaults and the one-line errors for bad ones.
import { readFileSync } from 'node:fs';
import type { BenchResults } from './results.ts';

export const BENCH_USAGE = `npm run bench [-- words…] [options]
Times every kernel at VGG16's layer shapes against the float64 reference first, the peers on the same
inputs, and the saliency map and class-model step end to end; writes bench/results/<date>-<adapter>.json and .md.
  words…                  only the cases whose kernel or layer names contain one (VGG16, conv4_3, fc6…)
  --batch N               the second batch size of the per-kernel table (default 4, at least 2)
  --runs R                timings a case, the median reported, after one warm-up (default 5)
  --compare FILE          print each case's ratio to an earlier results file
  --no-end-to-end         kernels and peers only
  --peers tfjs,ort,torch  the peers to run beside ours (default tfjs,ort; torch installs python3-torch)
  --no-peers              no peers
  --resnet-batches 1,8    ResNet-50's end-to-end batches (default 1,8)
  --vgg-batches 1,2       VGG16's end-to-end batches (default 1,2)
  --winograd              VGG16's 3×3 layers through Winograd, as GraphModel's winograd option
  --help                  this text`;

export interface BenchArguments {
  readonly words: readonly string[];
  readonly batch: number;
  readonly runs: number;
  readonly compare: string | undefined;
  /** The results file --compare names, read before the run so that a bad one costs no run. */
  readonly earlier: BenchResults | undefined;
  readonly endToEnd: boolean;
  readonly peers: ReadonlySet<string>;
  readonly resnetBatches: readonly number[];
  readonly vggBatches: readonly number[];
  readonly winograd: boolean;
}

/** The bench's arguments, or a RangeError whose message is the one line to print. */
export function parseBenchArguments(args: readonly string[]): BenchArguments {
  const options = parseOptions(args);
  return { ...options, earlier: options.compare === undefined ? undefined : readEarlier(options.compare) };
}

function readEarlier(path: string): BenchResults {
  let earlier: Partial<BenchResults> | null;
  try {
    earlier = JSON.parse(readFileSync(path, 'utf8')) as Partial<BenchResults> | null;
  } catch (error) {
    throw new RangeError(`bench: --compare ${path}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  if (!Array.isArray(earlier?.kernels)) throw new RangeError(`bench: --compare ${path}: not a bench results file (no kernels list)`);
  return earlier as BenchResults;
}

function parseOptions(args: readonly string[]) {
  const words: string[] = [];
  let batch = 4;
  let runs = 5;
  let compare: string | undefined;
  let endToEnd = true;
  let peers = new Set(['tfjs', 'ort']);
  let resnetBatches = [1, 8];
  let vggBatches = [1, 2];
  let winograd = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new RangeError(`bench: ${a} needs a value`);
      return v;
    };
    if (a === '--batch') batch = Number(value());
    else if (a === '--runs') runs = Number(value());
    else if (a === '--compare') compare = value();
    else if (a === '--no-end-to-end') endToEnd = false;
    else if (a === '--no-peers') peers = new Set();
    else if (a === '--peers') {
      peers = new Set(value().split(',').filter(Boolean));
      const unknown = [...peers].filter((p) => !['tfjs', 'ort', 'torch'].includes(p));
      if (unknown.length > 0) throw new RangeError(`bench: --peers takes tfjs, ort and torch, not ${unknown.join(', ')}`);
    }
    else if (a === '--resnet-batches') resnetBatches = value().split(',').map(Number);
    else if (a === '--vgg-batches') vggBatches = value().split(',').map(Number);
    else if (a === '--winograd') winograd = true;
    else if (a.startsWith('--')) throw new RangeError(`bench: unknown option ${a}`);
    else words.push(a);
  }
  if (!Number.isInteger(batch) || batch < 2) throw new RangeError(`bench: --batch ${batch} must be an integer ≥ 2`);
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`bench: --runs ${runs} must be a positive integer`);
  for (const [option, batches] of [['--resnet-batches', resnetBatches], ['--vgg-batches', vggBatches]] as const) {
    if (batches.length === 0 || !batches.every((b) => Number.isInteger(b) && b >= 1)) {
      throw new RangeError(`bench: ${option} ${batches.join(',')} must be positive integers, comma-separated`);
    }
  }
  return { words, batch, runs, compare, endToEnd, peers, resnetBatches, vggBatches, winograd };
}
