// The processor a benchmark ran on. A CPU adapter names only its driver (lavapipe is "llvmpipe (LLVM
// 15.0.6, 256 bits)" on every x86 CPU), yet the same command took 2111 ms for VGG16's map on one 2-core
// AVX2 EPYC (2026-12-03) and 1213 ms on an AVX-512 one (2026-12-04): a result without its CPU cannot be
// compared with the next.

import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** What the results file records of the host. */
export interface HostInfo {
  /** The model name, with the x86 family and model numbers where /proc/cpuinfo gives them (a VM may hide the name). */
  readonly cpu: string;
  readonly logicalCores: number;
  /** The widest x86 vector extension the CPU reports (AVX-512, AVX2, AVX, SSE4.2), or '' where unknown. */
  readonly vector: string;
  readonly memoryGiB: number;
}

/** This machine's HostInfo, from /proc/cpuinfo where there is one and Node's `os` otherwise. */
export function describeHost(): HostInfo {
  let cpuinfo = '';
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux: the model name from `os` alone.
  }
  const cores = cpus();
  return parseCpuinfo(cpuinfo, cores[0]?.model ?? 'unknown CPU', cores.length, totalmem());
}

/** HostInfo from the text of /proc/cpuinfo (its first processor's block), with `os`'s facts as fallbacks. */
export function parseCpuinfo(cpuinfo: string, model: string, logicalCores: number, memoryBytes: number): HostInfo {
  const first = cpuinfo.split(/\n\s*\n/)[0] ?? '';
  const field = (name: string) => first.match(new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm'))?.[1]?.trim();
  const name = field('model name') ?? model;
  const family = field('cpu family');
  const number = field('model');
  const flags = new Set((field('flags') ?? '').split(/\s+/));
  const vector = flags.has('avx512f') ? 'AVX-512' : flags.has('avx2') ? 'AVX2' : flags.has('avx') ? 'AVX' : flags.has('sse4_2') ? 'SSE4.2' : '';
  return {
    cpu: family !== undefined && number !== undefined ? `${name} (family ${family}, model ${number})` : name,
    logicalCores,
    vector,
    memoryGiB: Math.round(memoryBytes / 2 ** 30),
  };
}

/** One line for tables' captions: "AMD EPYC (family 25, model 17), AVX-512, 2 logical cores, 24 GiB". */
export function hostLine(h: HostInfo): string {
  return [h.cpu, ...(h.vector ? [h.vector] : []), `${h.logicalCores} logical cores`, `${h.memoryGiB} GiB`].join(', ');
}
