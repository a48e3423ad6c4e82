import { parseArgs, type ParseArgsConfig } from 'node:util';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/**
 * A command's `--name value` options, strictly: an unknown option, a missing value or a stray positional
 * argument is a RangeError naming the command, not a guess.
 */
export function parseOptions<T extends OptionsConfig>(command: string, args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    // Node's messages run on with advice about '--'; the first sentence is the news.
    const message = (error as Error).message.split(/\.(\s|$)/)[0];
    throw new RangeError(`${command}: ${message}; see deepinside ${command} --help`);
  }
}

/**
 * The number an option's text spells, checked: `integer` demands a whole number, `min` a least value, `max` a most,
 * `positive` a value above 0.
 * @throws RangeError naming the option and the rule.
 */
export function parseNumber(
  option: string,
  text: string,
  rules: { readonly integer?: boolean; readonly min?: number; readonly max?: number; readonly positive?: boolean } = {},
): number {
  const value = text.trim() === '' ? NaN : Number(text);
  const kind = rules.integer ? 'a whole number' : 'a number';
  if (!Number.isFinite(value) || (rules.integer && !Number.isInteger(value))) {
    throw new RangeError(`${option} ${text} is not ${kind}`);
  }
  if (rules.min !== undefined && value < rules.min) throw new RangeError(`${option} ${text} must be ${kind} ≥ ${rules.min}`);
  if (rules.max !== undefined && value > rules.max) throw new RangeError(`${option} ${text} must be ${kind} ≤ ${rules.max}`);
  if (rules.positive && !(value > 0)) throw new RangeError(`${option} ${text} must be ${kind} > 0`);
  return value;
}
