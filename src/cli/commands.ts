import { checkCommand } from './check.ts';
import { classvizCommand } from './classviz.ts';
import type { Command } from './command.ts';
import { evaluateCommand } from './evaluate.ts';
import { localiseCommand } from './localise.ts';
import { meanImageCommand } from './mean_image.ts';
import { predictCommand } from './predict.ts';
import { saliencyCommand } from './saliency.ts';
import { segmentCommand } from './segment.ts';
import { showcaseCommand } from './showcase.ts';
import { trainCommand } from './train.ts';

/** Every `deepinside` command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [checkCommand, predictCommand, saliencyCommand, segmentCommand, classvizCommand, showcaseCommand, trainCommand, evaluateCommand, localiseCommand, meanImageCommand];
