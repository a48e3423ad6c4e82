import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PixelImage } from '../../src/attribution/mod.ts';
import { type Command, type CommandContext, encodePng } from '../../src/cli/mod.ts';
import type { Gpu } from '../../src/gpu/mod.ts';
import { gpu } from './gpu.ts';

/** Writes an image as a PNG and returns its path. */
export function writePng(path: string, image: PixelImage): string {
  writeFileSync(path, encodePng(image));
  return path;
}

/** A fresh temporary folder. */
export function temporaryFolder(): string {
  return mkdtempSync(join(tmpdir(), 'deepinside-test-'));
}

/** A command context that records what a command prints, and shares the tests' GPU. */
export class CapturingContext implements CommandContext {
  readonly printed: string[] = [];
  readonly notes: string[] = [];
  readonly progressLines: string[] = [];
  /** How many times the command asked for the GPU: 0 shows it gave up before any work. */
  gpuRequests = 0;

  async gpu(): Promise<Gpu> {
    this.gpuRequests++;
    return gpu;
  }

  print(line: string): void {
    this.printed.push(line);
  }

  note(line: string): void {
    this.notes.push(line);
  }

  progress(line: string): void {
    this.progressLines.push(line);
  }
}

/** Runs a command in this process; resolves to its exit code and what it printed. */
export async function runCommand(command: Command, args: readonly string[]): Promise<{ code: number; context: CapturingContext }> {
  const context = new CapturingContext();
  const code = await command.run(args, context);
  return { code, context };
}

/** Runs a command that must fail; resolves to its error (the one line `deepinside` would print) and context. */
export async function commandError(command: Command, args: readonly string[]): Promise<{ error: Error; context: CapturingContext }> {
  const context = new CapturingContext();
  try {
    await command.run(args, context);
  } catch (error) {
    return { error: error as Error, context };
  }
  throw new Error(`deepinside ${command.name} ${args.join(' ')} succeeded but should have failed`);
}
