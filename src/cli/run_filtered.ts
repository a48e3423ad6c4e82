import { spawn } from 'node:child_process';
import { StderrFilter } from './stderr_filter.ts';

/** Set in the child that `runFiltered` starts, so that it runs the command instead of starting another. */
export const FILTERED_CHILD = 'DEEPINSIDE_FILTERED_CHILD';
/** The terminal's width, when the parent's standard error is one (the child cannot ask file descriptor 3). */
export const STDERR_COLUMNS = 'DEEPINSIDE_STDERR_COLUMNS';
/**
 * In the child, the parent's own standard error, passed as file descriptor 3: the child writes its notes,
 * progress and errors there directly, so that they stay in order with its standard output (a line relayed
 * through the filter would arrive after output written since); only what reaches descriptor 2 from
 * elsewhere, Dawn's native code, goes through the filter.
 */
export const CHILD_STDERR_FD = 3;

/**
 * Runs this program again as a child whose standard error passes through a `StderrFilter`, so that
 * the warnings Dawn's native code writes straight to file descriptor 2 (which no JavaScript in the
 * process can intercept, and which the `webgpu` package offers no option to silence) do not reach the
 * user. Standard input and output are the child's own, and so is this process's standard error, as
 * descriptor `CHILD_STDERR_FD`, for the child's own messages; signals that reach this process (Ctrl-C reaches
 * both) wait for the child. Resolves to the child's exit code; a child killed by a signal kills this
 * process with the same signal.
 */
export function runFiltered(args: readonly string[]): Promise<number> {
  const env: NodeJS.ProcessEnv = { ...process.env, [FILTERED_CHILD]: '1' };
  if (process.stderr.isTTY) env[STDERR_COLUMNS] = String(process.stderr.columns || 80);
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...args], { stdio: ['inherit', 'inherit', 'pipe', 2], env });
  const filter = new StderrFilter((text) => process.stderr.write(text));
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => filter.push(chunk));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    // Passed on, so that a signal sent to this process alone stops the command too; Ctrl-C on a terminal
    // reaches the child as well, and its handler exits at the first.
    process.on(signal, () => void child.kill(signal));
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
