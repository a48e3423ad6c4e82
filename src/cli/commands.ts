import { checkCommand } from './check.ts';
import type { Command } from './command.ts';

/** Every `deepinside` command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [checkCommand];
