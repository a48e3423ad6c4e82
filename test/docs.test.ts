// The documents: the README stays a front door (≤ 200 lines), every relative link in it and in docs/
// reaches a file, and every generated table in docs/ matches the result files it is printed from.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { docTables, withTables } from '../bench/doc_tables.ts';
import { docValues, localiseValues, valueNames, withValues } from '../bench/doc_values.ts';
import { localiseTable } from '../bench/localise_table.ts';
import { assertThrowsWith } from './support/throws_with.ts';

const DOCUMENTS = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

test('README.md is at most 200 lines', () => {
  const lines = readFileSync('README.md', 'utf8').split('\n').length - 1;
  assert.ok(lines <= 200, `README.md has ${lines} lines`);
});

test('every relative link and image in README.md, docs/ and weights/ reaches a file', () => {
  const broken: string[] = [];
  for (const document of [...DOCUMENTS, 'weights/README.md', 'weights/images/README.md']) {
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

// The documents whose prose may quote generated numbers.
const PROSE = [...DOCUMENTS, 'weights/README.md', 'weights/images/README.md'];

test('the numbers quoted in the prose of docs/ are what npm run docs prints from bench/results', () => {
  const values = docValues();
  let quoted = 0;
  for (const document of PROSE) {
    const text = readFileSync(document, 'utf8');
    quoted += valueNames(text).length;
    // Throws for a marker that no result file gives, or one not closed on its line.
    assert.ok(withValues(text, document, values) === text, `${document}'s quoted numbers differ from bench/results: run npm run docs`);
  }
  assert.ok(quoted >= 10, `only ${quoted} generated values are quoted`);
  // Every value given is quoted where it is meant to be, and a number changed by hand
  // inside a marker is caught and put back.
  for (const value of values) {
    const text = readFileSync(value.document, 'utf8');
    assert.ok(valueNames(text).includes(value.name), `${value.document} does not quote <!-- value:${value.name} -->`);
    if (value.text === undefined) continue;
    const marked = `<!-- value:${value.name} -->${value.text}<!-- /value:${value.name} -->`;
    assert.ok(text.includes(marked), `${value.document}: ${marked}`);
    const changed = value.text.replace(/\d/, (d) => String((Number(d) + 1) % 10));
    const tampered = text.replace(marked, `<!-- value:${value.name} -->${changed}<!-- /value:${value.name} -->`);
    assert.ok(tampered !== text);
    assert.is(withValues(tampered, value.document, values), text);
  }
});

test('a value marker that no result file gives, or that is not closed on its line, is refused', () => {
  const values = [{ document: 'd.md', name: 'x', text: '1.5 s' }, { document: 'd.md', name: 'later', pending: 'its file is not committed yet' }];
  assert.is(withValues('took <!-- value:x -->0.8 s<!-- /value:x --> a step', 'd.md', values), 'took <!-- value:x -->1.5 s<!-- /value:x --> a step');
  assert.is(withValues('<!-- value:later -->7%<!-- /value:later -->', 'd.md', values), '<!-- value:later -->7%<!-- /value:later -->');
  assertThrowsWith(() => withValues('<!-- value:y -->2<!-- /value:y -->', 'd.md', values), RangeError, /d\.md quotes <!-- value:y -->/);
  assertThrowsWith(() => withValues('<!-- value:x -->2<!-- /value:x -->', 'e.md', values), RangeError, /e\.md quotes <!-- value:x -->/);
  assertThrowsWith(() => withValues('<!-- value:x -->2\n<!-- /value:x -->', 'd.md', values), RangeError, /closes it on the same line 0 times/);
  const quoted = 'write `<!-- value:NAME -->` and `<!-- /value:NAME -->`';
  assert.is(withValues(quoted, 'd.md', values), quoted);
});

test("the localisation table prints localise --json's rules, Gaussians and box area", () => {
  const folder = mkdtempSync(join(tmpdir(), 'deepinside-docs-'));
  try {
    const file = join(folder, 'localise.json');
    writeFileSync(file, JSON.stringify({
      model: 'weights/m.safetensors', split: 'test', count: 1234, target: 'label', accuracy: 0.8512, boxArea: 0.1314,
      rules: { gradient: { inBox: 0.4604, pointing: 0.9736 }, guided: { inBox: 0.5926, pointing: 0.1 }, deconvnet: { inBox: 0.3261, pointing: 0.6749 } },
      gaussians: [{ sigma: 8, inBox: 0.335, pointing: 0.4254 }, { sigma: 16, inBox: 0.2166, pointing: 0.4 }],
    }));
    const table = localiseTable(file);
    // The prose's figures from the same file: the best Gaussian is the one that points best (then by mass).
    const quoted = new Map(localiseValues(file).filter((v) => v.document === 'weights/README.md').map((v) => [v.name, v.text]));
    assert.equal(Object.fromEntries(quoted), {
      'localise-count': '1,234', 'gradient-pointing': '97.4%', 'gradient-in-box': '46.0%', 'guided-in-box': '59.3%',
      'gaussian-pointing': '42.5%', 'gaussian-in-box': '33.5%',
      'deconvnet-pointing': '67.5%', 'deconvnet-in-box': '32.6%',
    });
    assert.match(table, /over the first 1,234 scenes of the cluttered test split \(maps of the true class; the model classifies 85\.1% of them correctly\)/);
    const rows = table.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| map'));
    assert.equal(rows, [
      "| saliency, gradient (the paper's) | 46.0% | 97.4% |",
      '| saliency, guided | 59.3% | 10.0% |',
      '| saliency, deconvnet | 32.6% | 67.5% |',
      '| centred Gaussian σ = 8 | 33.5% | 42.5% |',
      '| centred Gaussian σ = 16 | 21.7% | 40.0% |',
      '| uniform (box area) | 13.1% | — |',
    ]);
    writeFileSync(file, JSON.stringify({ model: 'm', split: 'test', count: 3, rules: {} }));
    assertThrowsWith(() => localiseTable(file), RangeError, /is not what localise --json prints/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test.run();
