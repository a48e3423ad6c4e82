// Every command's --help: an example that uses only options the command parses, and a mention of every
// option it parses (read from its parseOptions call in src/cli/, so that a new option without help fails).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMANDS } from '../src/cli/mod.ts';

/**
 * Each command's parsed option names, from the `parseOptions('name', args, { … })` calls in src/cli, with the
 * option sets they spread (`...METHOD_OPTIONS`) read from where those are declared.
 */
function parsedOptions(): Map<string, string[]> {
  const names = (body: string) => [...body.matchAll(/(?:^|[{,])\s*'?([a-z][a-z0-9-]*)'?: \{ type: '(string|boolean)'/gm)].map((m) => m[1]);
  const sources = readdirSync(join('src', 'cli')).filter((f) => f.endsWith('.ts')).map((file) => readFileSync(join('src', 'cli', file), 'utf8'));
  const sets = new Map<string, string[]>();
  for (const source of sources) {
    for (const set of source.matchAll(/export const ([A-Z_]+) = \{([\s\S]*?)\n\} as const;/g)) sets.set(set[1], names(set[2]));
  }
  const found = new Map<string, string[]>();
  for (const source of sources) {
    for (const call of source.matchAll(/parseOptions\('([a-z-]+)', \w+, \{([\s\S]*?)\}\);/g)) {
      const spread = [...call[2].matchAll(/\.\.\.([A-Z_]+)/g)].flatMap((m) => sets.get(m[1]) ?? []);
      found.set(call[1], [...(found.get(call[1]) ?? []), ...names(call[2]), ...spread]);
    }
  }
  return found;
}

const parsed = parsedOptions();

test('the option reader finds the options of commands that take them', () => {
  assert.ok(parsed.get('classviz')?.includes('mean-prior'), JSON.stringify([...parsed]));
  assert.ok(parsed.get('saliency')?.includes('overlay'), JSON.stringify([...parsed]));
  assert.ok(parsed.size >= COMMANDS.length - 1, `${parsed.size} commands parse options`);
});

for (const command of COMMANDS) {
  test(`${command.name} --help has an example and mentions every option it parses`, () => {
    const example = /\nexample:\n {2}(npx )?deepinside (\S+)(.*)$/m.exec(command.help);
    assert.ok(example, `${command.name} --help has no "example:" line followed by an indented deepinside command:\n${command.help}`);
    assert.is(example[2], command.name, `${command.name}'s example runs ${example[2]}`);
    const options = parsed.get(command.name) ?? [];
    for (const flag of example[3].matchAll(/--([a-z][a-z0-9-]*)/g)) {
      assert.ok(options.includes(flag[1]), `${command.name}'s example uses --${flag[1]}, which it does not parse (it parses ${options.join(', ') || 'none'})`);
    }
    for (const option of options) {
      assert.ok(new RegExp(`--${option}\\b`).test(command.help), `${command.name} parses --${option} but its --help never mentions it`);
    }
  });
}

test.run();
