import { checkCommand } from './check.ts';
import { classvizCommand } from './classviz.ts';
import type { Command } from './command.ts';
import { describeCommand } from './describe.ts';
import { evaluateCommand } from './evaluate.ts';
import { fidelityCommand } from './fidelity.ts';
import { localiseCommand } from './localise.ts';
import { meanImageCommand } from './mean_image.ts';
import { mergeCommand } from './merge.ts';
import { predictCommand } from './predict.ts';
import { saliencyCommand } from './saliency.ts';
import { segmentCommand } from './segment.ts';
import { showcaseCommand } from './showcase.ts';
import { trainCommand } from './train.ts';

/** Every `deepinside` command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [checkCommand, predictCommand, saliencyCommand, segmentCommand, classvizCommand, describeCommand, showcaseCommand, trainCommand, evaluateCommand, localiseCommand, fidelityCommand, mergeCommand, meanImageCommand];
