// Terminal output conventions: Dawn's device-creation warnings are dropped and nothing else; progress is
// one redrawn line on a terminal (with rate and time left), at most one line per tenth of a job in a log,
// nothing with --quiet.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isDawnNoise } from '../src/cli/dawn_noise.ts';
import { ProgressPrinter } from '../src/cli/progress_printer.ts';
import { StderrFilter } from '../src/cli/stderr_filter.ts';

const UNIFORM = 'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.';
const STORAGE = 'Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.';

test('isDawnNoise matches the two device-creation warnings and not errors or other warnings', () => {
  assert.ok(isDawnNoise(UNIFORM));
  assert.ok(isDawnNoise(STORAGE));
  assert.not.ok(isDawnNoise(`Error: ${UNIFORM}`));
  assert.not.ok(isDawnNoise('Warning: maxStorageBufferBindingSize artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.'));
  assert.not.ok(isDawnNoise(`${UNIFORM} And something else`));
  assert.not.ok(isDawnNoise('Couldn\'t load Vulkan: libvulkan.so.1'));
});

/** Feeds a stream to a StderrFilter in the given chunks; returns what passed and when. */
function filtered(chunks: readonly string[]): { passed: string; perChunk: string[] } {
  const perChunk: string[] = [];
  let current = '';
  const filter = new StderrFilter((text) => (current += text));
  for (const chunk of chunks) {
    filter.push(chunk);
    perChunk.push(current);
    current = '';
  }
  filter.end();
  perChunk.push(current);
  return { passed: perChunk.join(''), perChunk };
}

test('StderrFilter drops the noise lines, even split across chunks, and passes everything else whole', () => {
  const real = 'deepinside: model file nope.safetensors does not exist\n';
  const stream = `${UNIFORM}\n${STORAGE}\nError: the device was lost\n${real}`;
  assert.is(filtered([stream]).passed, `Error: the device was lost\n${real}`);
  // Every split point of the stream gives the same result.
  for (let cut = 1; cut < stream.length; cut += 7) {
    assert.is(filtered([stream.slice(0, cut), stream.slice(cut)]).passed, `Error: the device was lost\n${real}`, `cut at ${cut}`);
  }
  // One character at a time.
  assert.is(filtered([...stream]).passed, `Error: the device was lost\n${real}`);
});

test('StderrFilter passes a redrawn progress line at once, without waiting for a newline', () => {
  const { perChunk } = filtered(['\r\x1b[2Kstep 1/10', '\r\x1b[2Kstep 2/10', '\ndone\n']);
  assert.equal(perChunk.slice(0, 3), ['\r\x1b[2Kstep 1/10', '\r\x1b[2Kstep 2/10', '\ndone\n']);
});

test('StderrFilter keeps a line that only begins like the noise, and a noise prefix cut off at the end', () => {
  assert.is(filtered(['Warning: maxDynamicUniformBuffers went wrong\n']).passed, 'Warning: maxDynamicUniformBuffers went wrong\n');
  assert.is(filtered(['Warning: maxDyn']).passed, 'Warning: maxDyn');
});

/** A printer on a clock the test moves; returns what it wrote. */
function printer(mode: 'tty' | 'log' | 'quiet', columns = 200) {
  let clock = 0;
  const written: string[] = [];
  const p = new ProgressPrinter({ mode, write: (text) => written.push(text), columns, now: () => clock });
  return { p, written, tick: (ms: number) => (clock += ms) };
}

test('in a log, a job of 200 steps reported every step prints one line per tenth, the last with its time', () => {
  const { p, written, tick } = printer('log');
  for (let step = 0; step <= 200; step++) {
    p.progress(`step ${step}/200`, { job: 'ascent', done: step, total: 200, unit: 'steps' });
    tick(50);
  }
  assert.is(written.length, 10, written.join(''));
  assert.ok(written.every((line) => line.endsWith('\n')));
  assert.is(written[0], 'step 20/200  20 steps/s, 0:09 left\n');
  assert.is(written[9], 'step 200/200  20 steps/s, took 0:10\n');
});

test('in a log, a new job starts its own tenths and clock, and a line without a count prints as it is', () => {
  const { p, written, tick } = printer('log');
  for (const job of ['a', 'b']) {
    for (let done = 0; done <= 4; done++) {
      p.progress(`${job} ${done}/4`, { job, done, total: 4, unit: 'images' });
      tick(1000);
    }
  }
  p.progress('averaging the images');
  assert.equal(written.map((l) => l.split('  ')[0].trim()), ['a 1/4', 'a 2/4', 'a 3/4', 'a 4/4', 'b 1/4', 'b 2/4', 'b 3/4', 'b 4/4', 'averaging the images']);
  assert.is(written[4], 'b 1/4  1.0 images/s, 0:03 left\n');
});

test('on a terminal, one line is redrawn at most ten times a second, always at the end, and cut to the width', () => {
  const { p, written, tick } = printer('tty', 40);
  for (let step = 0; step <= 100; step++) {
    p.progress(`step ${step}/100`, { job: 'ascent', done: step, total: 100, unit: 'steps' });
    tick(25);
  }
  // 2.5 s: a redraw every 100 ms (every fourth step) and the last.
  assert.is(written.length, 26, String(written.length));
  assert.ok(written.every((text) => text.startsWith('\r\x1b[2K') && !text.includes('\n')));
  assert.ok(written.every((text) => text.length - 5 <= 39), written.find((t) => t.length - 5 > 39));
  assert.is(written.at(-1), '\r\x1b[2Kstep 100/100  40 steps/s, took 0:03');
  p.endLine();
  p.endLine();
  assert.is(written.at(-1), '\n');
  assert.is(written.at(-2), '\r\x1b[2Kstep 100/100  40 steps/s, took 0:03');
});

test('on a narrow terminal the line is cut before its rate and time left, which stay whole', () => {
  const { p, written, tick } = printer('tty', 50);
  p.progress('class 0 "T-shirt/top" [..........] step 0/20  S_c -0.15', { job: 'a', done: 0, total: 20, unit: 'steps' });
  tick(1000);
  p.progress('class 0 "T-shirt/top" [#####.....] step 10/20  S_c 16.083', { job: 'a', done: 10, total: 20, unit: 'steps' });
  assert.is(written.at(-1), '\r\x1b[2Kclass 0 "T-shirt/top" [##…  10 steps/s, 0:01 left');
  assert.is(written.at(-1)!.length - 5, 49, "one column short of the terminal's 50");
});

test('a line that says its own rate gets none added; quiet prints nothing', () => {
  const { p, written, tick } = printer('log');
  tick(1000);
  p.progress('epoch 1/1 3/3 left 0:00', { job: 'training', done: 3, total: 3, unit: 'batches', timed: false });
  assert.equal(written, ['epoch 1/1 3/3 left 0:00\n']);
  const quiet = printer('quiet');
  quiet.p.progress('step 1/1', { job: 'x', done: 1, total: 1, unit: 'steps' });
  quiet.p.progress('note');
  quiet.p.endLine();
  assert.equal(quiet.written, []);
});

test.run();
