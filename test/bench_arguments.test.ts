import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BENCH_USAGE, parseBenchArguments } from '../bench/bench_arguments.ts';

// A mistyped bench option must fail at once in one line, not after a 12-minute run.

function refusal(args: string[]): string {
  try {
    parseBenchArguments(args);
  } catch (error) {
    assert.instance(error, RangeError);
    return (error as Error).message;
  }
  assert.unreachable(`accepted ${args.join(' ')}`);
  return '';
}

test('the defaults, and every option read', () => {
  const d = parseBenchArguments([]);
  assert.equal([d.batch, d.runs, d.endToEnd, d.winograd, [...d.peers], d.vggBatches, d.resnetBatches, d.compare], [4, 5, true, false, ['tfjs', 'ort'], [1, 2], [1, 8], undefined]);
  const a = parseBenchArguments(['VGG16', '--batch', '8', '--runs', '3', '--no-end-to-end', '--peers', 'torch', '--vgg-batches', '1,8,32', '--resnet-batches', '2', '--winograd', 'fc6']);
  assert.equal([a.words, a.batch, a.runs, a.endToEnd, a.winograd, [...a.peers], a.vggBatches, a.resnetBatches], [['VGG16', 'fc6'], 8, 3, false, true, ['torch'], [1, 8, 32], [2]]);
  assert.equal([...parseBenchArguments(['--no-peers']).peers], []);
});

test('bad options are refused in one line naming the option', () => {
  const cases: Array<[string[], string]> = [
    [['--runz', '3'], 'unknown option --runz'],
    [['--runs'], '--runs needs a value'],
    [['--runs', '0'], '--runs 0'],
    [['--batch', '1'], '--batch 1'],
    [['--vgg-batches', '1,0'], '--vgg-batches 1,0'],
    [['--resnet-batches', 'x'], '--resnet-batches'],
    [['--peers', 'torch,keras'], 'not keras'],
  ];
  for (const [args, part] of cases) {
    const message = refusal(args);
    assert.ok(message.startsWith('bench: ') && message.includes(part) && !message.includes('\n'), `${args.join(' ')}: ${message}`);
  }
});

test('--compare reads its file before the run: missing, not JSON, or not a results file is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-arguments-'));
  try {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ adapter: 'x', date: '2026-12-04', kernels: [{ kernel: 'k', layer: 'l', batch: 1, ms: 2 }] }));
    const a = parseBenchArguments(['--compare', good]);
    assert.is(a.compare, good);
    assert.is(a.earlier?.kernels[0].ms, 2);
    for (const [name, text, part] of [
      ['missing.json', undefined, 'ENOENT'],
      ['broken.json', '{', 'JSON'],
      ['null.json', 'null', 'not a bench results file'],
      ['other.json', '{"kernels": 3}', 'not a bench results file'],
    ] as const) {
      const path = join(dir, name);
      if (text !== undefined) writeFileSync(path, text);
      const message = refusal(['--compare', path]);
      assert.ok(message.includes(path) && message.includes(part) && !message.includes('\n'), message);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--help names every option the parser takes', () => {
  for (const option of ['--batch', '--runs', '--compare', '--no-end-to-end', '--peers', '--no-peers', '--resnet-batches', '--vgg-batches', '--winograd', '--help']) {
    assert.ok(BENCH_USAGE.includes(option), option);
  }
});

test.run();
