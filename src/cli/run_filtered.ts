import { spawn } from 'node:child_process';
import { StderrFilter } from './stderr_filter.ts';

/** Set in the child that `runFiltered` starts, so that it runs the command instead of starting another. */
export const FILTERED_CHILD = 'DEEPINSIDE_FILTERED_CHILD';
/** Tells the child that its parent's standard error is a terminal (its own is a pipe), and how wide. */
export const STDERR_TTY = 'DEEPINSIDE_STDERR_TTY';

/**
 * Runs this program again as a child whose standard error passes through a `StderrFilter`, so that
 * the warnings Dawn's native code writes straight to file descriptor 2 (which no JavaScript in the
 * process can intercept, and which the `webgpu` package offers no option to silence) do not reach the
 * user. Standard input and output are the child's own; signals that reach this process (Ctrl-C reaches
 * both) wait for the child. Resolves to the child's exit code; a child killed by a signal kills this
 * process with the same signal.
 */
export function runFiltered(args: readonly string[]): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env, [FILTERED_CHILD]: '1' };
  if (process.stderr.isTTY) env[STDERR_TTY] = String(process.stderr.columns || 80);
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...args], { stdio: ['inherit', 'inherit', 'pipe'], env });
  const filter = new StderrFilter((text) => process.stderr.write(text));
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => filter.push(chunk));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // Ctrl-C on a terminal reaches the child itself; a signal sent to this process alone is passed on.
    process.on(signal, () => void (signal !== 'SIGINT' && child.kill(signal)));
  }
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      filter.end();
      if (signal) {
        process.removeAllListeners(signal);
        process.kill(process.pid, signal);
      }
      resolve(code ?? 1);
    });
  });
}
