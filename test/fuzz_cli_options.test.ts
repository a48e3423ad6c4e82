import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { classvizCommand, type Command, type CommandContext, localiseCommand, predictCommand, saliencyCommand, trainCommand } from '../src/cli/mod.ts';
import { parseNumber } from '../src/cli/parse_options.ts';
import type { Gpu } from '../src/gpu/mod.ts';
import { FormatError } from '../src/io/mod.ts';
import { temporaryFolder, writePng } from './support/cli_fixture.ts';
import { fuzzRuns, fuzzSeed, MAX_MESSAGE_LENGTH } from './support/fuzz_parser.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, randomImage, writeModel } from './support/test_models.ts';

const RUNS = fuzzRuns(300);

const numberTexts = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.double().map(String),
  fc.integer().map(String),
  fc.constantFrom('', ' ', '0', '-0', '1e309', '-1e309', 'NaN', 'Infinity', '0x10', '0b11', '1_000', ' 3 ', '3.', '.5', '1e-400', '9007199254740993', '+2', '--1', '2,5'),
);
const rules = fc.record({ integer: fc.boolean(), min: fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined }), max: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }), positive: fc.boolean() });

test(`parseNumber: ${RUNS * 4} option values give a number that keeps every rule, or a one-line RangeError naming the option`, () => {
  fc.assert(
    fc.property(numberTexts, rules, (text, rule) => {
      let value: number;
      try {
        value = parseNumber('--opt', text, rule);
      } catch (error) {
        assert.instance(error, RangeError);
        assert.match((error as Error).message, /^--opt [^\n]* (is not|must be) [^\n]*$/);
        return;
      }
      assert.ok(Number.isFinite(value), `${text} → ${value}`);
      assert.is(value, Number(text));
      if (rule.integer) assert.ok(Number.isInteger(value));
      if (rule.min !== undefined) assert.ok(value >= rule.min);
      if (rule.max !== undefined) assert.ok(value <= rule.max);
      if (rule.positive) assert.ok(value > 0);
    }),
    { seed: fuzzSeed(), numRuns: RUNS * 4 },
  );
});

// Whole command lines: real option names with hostile values, beside a real model and image, so that a case
// can get past parsing. A command that accepts its arguments reaches the GPU, which this context refuses.
const folder = temporaryFolder();
const random = testRandom('fuzz_cli_options');
const model = writeModel(folder, 'colour', COLOUR_SPEC, random).path;
const image = writePng(join(folder, 'rgb.png'), randomImage(random, 20, 24, 3));
const out = join(folder, 'out');
const emptyData = temporaryFolder();

class GpuReached extends Error {}
const context: CommandContext = {
  gpu: async (): Promise<Gpu> => {
    throw new GpuReached('the arguments were accepted');
  },
  print: () => {},
  note: () => {},
  progress: () => {},
};

/** Each command, a valid command line to start from, its options that take values, and its flags. */
const OPTIONS: [Command, string[], string[], string[]][] = [
  [predictCommand, ['--model', model, '--image', image], ['--model', '--preset', '--image', '--top'], ['--json']],
  [saliencyCommand, ['--model', model, '--image', image, '--out', `${out}.png`], ['--model', '--preset', '--image', '--class', '--rule', '--out', '--overlay', '--npy', '--colormap'], []],
  [classvizCommand, ['--model', model, '--class', '1', '--out', `${out}.png`], ['--model', '--preset', '--class', '--steps', '--lr', '--out', '--npy', '--batch', '--gradient-blur', '--jitter', '--blur', '--blur-every', '--seed'], ['--priors', '--mean-prior']],
  [localiseCommand, ['--model', model], ['--model', '--split', '--rule', '--class', '--limit', '--batch'], ['--json']],
  [trainCommand, ['--dataset', 'fashion-mnist', '--out', `${out}.safetensors`], ['--dataset', '--out', '--epochs', '--batch', '--lr', '--optimizer', '--schedule', '--weight-decay', '--seed', '--limit', '--test-limit', '--features', '--classifier', '--init', '--avgpool', '--freeze'], ['--no-augment', '--test-each-epoch', '--save-each-epoch']],
];

const values = fc.oneof(
  numberTexts,
  fc.constantFrom(model, image, `${out}.png`, `${out}.npy`, `${out}.safetensors`, folder, join(folder, 'missing', 'x.png'), 'top', 'truth', 'gradient', 'guided', 'inferno', 'adam', 'sgd', 'fashion-mnist', 'cluttered', 'test', '8,M,16', '32', 'all'),
);

const commandLines = fc.integer({ min: 0, max: OPTIONS.length - 1 }).chain((c) => {
  const [command, base, valued, flags] = OPTIONS[c];
  const pair = fc.tuple(fc.constantFrom(...valued), values).map(([name, value]) => [name, value]);
  const flag = flags.length > 0 ? fc.constantFrom(...flags).map((name) => [name]) : pair;
  const stray = fc.oneof(fc.string({ maxLength: 8 }).map((s) => [s]), fc.constantFrom(['--'], ['-x'], ['--help=1']));
  const changes = fc.array(fc.oneof({ arbitrary: pair, weight: 8 }, { arbitrary: flag, weight: 2 }, { arbitrary: stray, weight: 1 }), { maxLength: 4 });
  // A later value of an option replaces an earlier one, so the changes override the valid base.
  return fc.tuple(fc.constant(command), fc.tuple(fc.boolean(), changes).map(([keep, more]) => [...(keep ? [base] : []), ...more]));
});

test(`${RUNS} command lines with hostile option values stop with one line (RangeError or FormatError) or reach the GPU, writing nothing`, async () => {
  const outcomes = new Map<string, number>();
  const count = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
  await fc.assert(
    fc.asyncProperty(commandLines, async ([command, parts]) => {
      const args = parts.flat();
      if (command === trainCommand) args.push('--data', emptyData);
      if (command === localiseCommand) args.push('--data', emptyData);
      try {
        await command.run(args, context);
      } catch (error) {
        if (error instanceof GpuReached) {
          count('reached the GPU');
          return;
        }
        const ok = error instanceof RangeError || error instanceof FormatError;
        assert.ok(ok, `deepinside ${command.name} ${args.join(' ')} threw ${String(error)}`);
        const message = (error as Error).message;
        assert.not.match(message, /\n/, message);
        assert.ok(message.length <= MAX_MESSAGE_LENGTH, message.slice(0, 200));
        count(message.replace(/^[a-z]+: /, '').split(/[ :]/).slice(0, 2).join(' '));
        return;
      }
      assert.unreachable(`deepinside ${command.name} ${args.join(' ')} finished without the GPU`);
    }).afterEach(() => {
      const left = readdirSync(folder).filter((name) => !['colour.safetensors', 'rgb.png'].includes(name));
      assert.equal(left, [], 'no file written');
    }),
    { seed: fuzzSeed(), numRuns: RUNS },
  );
  if (process.env.DEEPINSIDE_FUZZ_REPORT) console.log('fuzz command lines:', [...outcomes].sort((a, b) => b[1] - a[1]).slice(0, 12));
  assert.ok((outcomes.get('reached the GPU') ?? 0) > 0, 'some command lines are accepted');
  assert.ok(outcomes.size > 10, 'the refusals are varied');
});

test.run();
