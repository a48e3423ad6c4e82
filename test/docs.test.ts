// The documents: the README stays a front door (≤ 200 lines), every relative link in it and in docs/
// reaches a file, and every generated table in docs/ matches the result files it is printed from.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { docTables, withTables } from '../bench/doc_tables.ts';

const DOCUMENTS = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

test('README.md is at most 200 lines', () => {
  const lines = readFileSync('README.md', 'utf8').split('\n').length - 1;
  assert.ok(lines <= 200, `README.md has ${lines} lines`);
});

test('every relative link and image in README.md and docs/ reaches a file', () => {
  const broken: string[] = [];
  for (const document of DOCUMENTS) {
    const text = readFileSync(document, 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue;
      const path = normalize(join(dirname(document), target.split('#')[0]));
      if (!existsSync(path)) broken.push(`${document}: ${target}`);
    }
  }
  assert.equal(broken, []);
});

test('the tables in docs/ are what npm run docs prints from bench/results', () => {
  const tables = docTables();
  assert.ok(tables.length >= 3);
  for (const document of new Set(tables.map((t) => t.document))) {
    const text = readFileSync(document, 'utf8');
    assert.ok(withTables(text, document, tables) === text, `${document}'s tables differ from bench/results: run npm run docs`);
  }
  // The check can fail: a table's numbers changed by hand are caught, and the generator puts them back.
  for (const table of tables) {
    const text = readFileSync(table.document, 'utf8');
    const tampered = text.replace(table.markdown, table.markdown.replace(/\d/, (d) => String((Number(d) + 1) % 10)));
    assert.ok(tampered !== text, `${table.document}: table ${table.name} is not in it`);
    assert.is(withTables(tampered, table.document, tables), text);
  }
});

test.run();
