import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { hostLine, parseCpuinfo } from '../bench/host.ts';
import { markdownTable } from '../bench/results.ts';

// The bench records the CPU beside a CPU adapter's name, which is the same on every CPU.

const ZEN4 = `processor\t: 0
vendor_id\t: AuthenticAMD
cpu family\t: 25
model\t\t: 17
model name\t: AMD EPYC
flags\t\t: fpu sse4_2 avx avx2 fma avx512f avx512vl

processor\t: 1
model name\t: something else
flags\t\t: fpu
`;

test('parseCpuinfo reads the first processor: its name, family, model and widest vector extension', () => {
  const h = parseCpuinfo(ZEN4, 'from os', 2, 24 * 2 ** 30);
  assert.equal(h, { cpu: 'AMD EPYC (family 25, model 17)', logicalCores: 2, vector: 'AVX-512', memoryGiB: 24 });
  assert.is(hostLine(h), 'AMD EPYC (family 25, model 17), AVX-512, 2 logical cores, 24 GiB');
});

test('parseCpuinfo tells AVX2 from AVX-512, and falls back to os facts without /proc/cpuinfo', () => {
  const avx2 = parseCpuinfo(ZEN4.replace(' avx512f avx512vl', ''), 'from os', 2, 2 ** 30);
  assert.is(avx2.vector, 'AVX2');
  const none = parseCpuinfo('', 'Apple M2', 8, 16 * 2 ** 30);
  assert.equal(none, { cpu: 'Apple M2', logicalCores: 8, vector: '', memoryGiB: 16 });
  assert.is(hostLine(none), 'Apple M2, 8 logical cores, 16 GiB');
});

test("the results' Markdown names the host where the file records one, and not in older files", () => {
  const base = {
    date: '2026-12-04T00:00:00.000Z', adapter: 'llvmpipe', timing: 'timestamp-query', runs: 3, command: 'npm run bench',
    ceilings: { copyGBs: 1, arithmeticGFLOPs: 1, arithmeticFrom: 'x' }, kernels: [], endToEnd: [],
  };
  const host = parseCpuinfo(ZEN4, 'from os', 2, 24 * 2 ** 30);
  assert.ok(markdownTable({ ...base, host }).includes('Host: AMD EPYC (family 25, model 17), AVX-512, 2 logical cores, 24 GiB.'));
  assert.not.ok(markdownTable(base).includes('Host:'));
});

test.run();
