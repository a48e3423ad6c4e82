// The report page showcase writes (out/index.html): rendered from data, escaped, linked by relative paths,
// and opened from disk (file://, no server) in Debian's headless Chromium, where every image must load.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { showcaseCommand } from '../src/cli/mod.ts';
import { renderReportPage } from '../src/cli/report_page.ts';
import { runCommand, temporaryFolder, writePng } from './support/cli_fixture.ts';
import { testRandom } from './support/seed.ts';
import { COLOUR_SPEC, GREY_SPEC, randomImage, writeModel } from './support/test_models.ts';
import { assertThrowsWith } from './support/throws_with.ts';

const random = testRandom('cli_showcase_page');
const CHROMIUM = process.env.DEEPINSIDE_CHROMIUM || '/usr/bin/chromium';
const FLAGS = ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--allow-file-access-from-files'];

test('renderReportPage escapes text, percent-encodes paths and refuses a path that is not relative', () => {
  const html = renderReportPage({
    title: 'a <b> & "c"',
    sections: [{ title: 'model', rows: [{ title: 'row', images: [{ src: 'm/a b#1.png', alt: 'x"y', caption: '<i>', width: 112 }] }], tables: [{ caption: 't', head: ['a'], rows: [['1 < 2']] }] }],
  });
  assert.ok(html.includes('<title>a &lt;b&gt; &amp; &quot;c&quot;</title>'));
  assert.ok(html.includes('src="m/a%20b%231.png" alt="x&quot;y" width="112"'), html);
  assert.ok(html.includes('<figcaption>&lt;i&gt;</figcaption>'));
  assert.ok(html.includes('<td>1 &lt; 2</td>'));
  assert.not.ok(/<script|https?:\/\//.test(html), 'the page loads nothing from elsewhere and runs nothing');
  for (const src of ['/tmp/a.png', 'file:///tmp/a.png', 'http://example.com/a.png']) {
    assertThrowsWith(() => renderReportPage({ title: 't', sections: [{ title: 's', rows: [{ title: 'r', images: [{ src, alt: 'a' }] }] }] }), RangeError, /is not a relative path/);
  }
});

let browser: Browser | undefined;

test.after(async () => {
  await browser?.close();
});

test('showcase writes index.html last; opened from disk in Chromium, every image on it loads, with the text it promises', async () => {
  const weights = join(temporaryFolder(), 'weights');
  mkdirSync(join(weights, 'images'), { recursive: true });
  writeModel(weights, 'vgg-fashion', GREY_SPEC, random);
  writeModel(weights, 'vgg-cluttered', COLOUR_SPEC, random);
  for (const name of ['fashion-0-zero', 'fashion-1-one']) writePng(join(weights, 'images', `${name}.png`), randomImage(random, 12, 10, 1));
  for (const name of ['cluttered-0-tench', 'cluttered-1-goldfish']) writePng(join(weights, 'images', `${name}.png`), randomImage(random, 20, 24, 3));
  // A localisation result beside the colour model, as localise --json writes it.
  writeFileSync(join(weights, 'vgg-cluttered.localise.json'), JSON.stringify({
    model: 'vgg-cluttered.safetensors', split: 'test', count: 100, target: 'label', accuracy: 0.85, boxArea: 0.131,
    rules: { gradient: { inBox: 0.46, pointing: 0.974 } }, gaussians: [{ sigma: 8, inBox: 0.335, pointing: 0.425 }],
  }));
  const out = join(temporaryFolder(), 'a folder #1');
  const { code, context } = await runCommand(showcaseCommand, ['--weights', weights, '--out', out, '--steps', '1', '--prior-steps', '1']);
  assert.is(code, 0);
  const page = join(out, 'index.html');
  assert.is(context.printed.at(-1), page);
  assert.is(context.printed.at(-3), join(out, 'contact-sheet.png'));
  const times = JSON.parse(readFileSync(join(out, 'timings.json'), 'utf8')) as { steps: { step: string; seconds: number; cpuSeconds: number }[] };
  assert.ok(times.steps.some((t) => t.step.startsWith('vgg-cluttered: class models with priors')), JSON.stringify(times));
  assert.ok(times.steps.every((t) => t.seconds >= 0 && t.cpuSeconds >= 0));
  const html = readFileSync(page, 'utf8');
  for (const text of ['fashion-0-zero: ', 'cluttered-1-goldfish: ', 'saliency maps (section 3.1)', 'guided backpropagation', 'class models (section 2)', 'mass in box', '97.4%', 'WebGPU adapter and device']) {
    assert.ok(html.includes(text), `index.html lacks "${text}"`);
  }
  // Top three classes with probabilities, as text.
  assert.ok(/fashion-1-one: [^<]+ \d+\.\d%, [^<]+ \d+\.\d%, [^<]+ \d+\.\d%</.test(html), 'no top-three text for fashion-1-one');

  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: npm test's set-up installs Debian's chromium as root; elsewhere set DEEPINSIDE_CHROMIUM`);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  const load = async (folder: string) => {
    const tab = await browser!.newPage();
    await tab.goto(pathToFileURL(join(folder, 'index.html')).href, { waitUntil: 'load' });
    // Lazy images below the fold load only when scrolled to: scroll through, then wait for each.
    await tab.evaluate(async () => {
      for (const img of Array.from(document.images)) {
        img.loading = 'eager';
        img.scrollIntoView();
      }
      await Promise.all(Array.from(document.images).map((img) => (img.complete ? null : new Promise((done) => { img.onload = img.onerror = done; }))));
    });
    const images = await tab.evaluate(() => Array.from(document.images).map((img) => ({ src: img.getAttribute('src'), ok: img.complete && img.naturalWidth > 0 })));
    await tab.close();
    return images;
  };
  const images = await load(out);
  // Per model: its images, three maps and an overlay of each, and two class-model grids.
  assert.is(images.length, 2 * (1 + 4) + 2 + 2 * (1 + 4) + 2, JSON.stringify(images));
  const broken = images.filter((img) => !img.ok).map((img) => img.src);
  assert.equal(broken, [], `images that did not load: ${broken.join(', ')}`);

  // The check can fail: the same page with one of its files gone reports that image.
  renameSync(join(out, 'vgg-cluttered', 'cluttered-1-goldfish-guided.png'), join(out, 'moved.png'));
  const missing = (await load(out)).filter((img) => !img.ok).map((img) => img.src);
  assert.equal(missing, ['vgg-cluttered/cluttered-1-goldfish-guided.png']);
});

test.run();
