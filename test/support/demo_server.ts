// The browser demo under test: built into a temporary folder, served on 127.0.0.1, and opened in Debian's
// headless Chromium through playwright-core (test/demo_page*.test.ts share it).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import * as assert from 'uvu/assert';

/** The shipped models the page lists (or DEEPINSIDE_DEMO_WEIGHTS's). */
export const DEMO_WEIGHTS = process.env.DEEPINSIDE_DEMO_WEIGHTS || 'weights';
const CHROMIUM = process.env.DEEPINSIDE_CHROMIUM || '/usr/bin/chromium';
/** Where the page tests write their screenshots. */
export const SCREENSHOTS = join('out', 'demo');
// PLATFORM.md's flags: WebGPU on (SwiftShader headless), and nothing that reaches the network.
const FLAGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A running demo: its address, the browser, and how to stop both. */
export interface DemoServer {
  readonly address: string;
  readonly browser: Browser;
  close(): Promise<void>;
}

/** Builds the page into `folder`/dist, serves it on a free port and launches Chromium. */
export async function startDemo(folder: string): Promise<DemoServer> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: npm test's set-up installs Debian's chromium as root; elsewhere set DEEPINSIDE_CHROMIUM`);
  const dist = join(folder, 'dist');
  execFileSync(process.execPath, ['.ci/build.mjs', 'demo'], { env: { ...process.env, DEEPINSIDE_DEMO_WEIGHTS: DEMO_WEIGHTS, DEEPINSIDE_DEMO_OUT: dist }, stdio: 'pipe' });
  const server = spawn(process.execPath, ['.build/demo/serve.mjs', '--port', '0', '--dir', dist], { stdio: ['ignore', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolve, reject) => {
    let printed = '';
    server.stdout!.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(printed);
      if (match) resolve(match[0]);
    });
    server.on('exit', (code) => reject(new Error(`the demo server exited (${code}) before printing its address: ${printed}`)));
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    address,
    browser,
    async close() {
      await browser.close();
      server.kill();
    },
  };
}

/** Waits until the page's results (`deepinsideDemo`, as `r`) satisfy `ready`, failing with the page's problem message if it shows one. */
export async function waitFor(page: Page, what: string, ready: string): Promise<void> {
  const outcome = await page.waitForFunction(
    ([condition]) => {
      const problem = document.getElementById('problem')!;
      if (!problem.hidden) return `problem: ${problem.textContent}`;
      const results = (globalThis as { deepinsideDemo?: unknown }).deepinsideDemo;
      return new Function('r', `return ${condition}`)(results) ? 'ok' : false;
    },
    [ready],
    { timeout: 300_000, polling: 100 },
  );
  const value = await outcome.jsonValue();
  if (value !== 'ok') throw new Error(`${what}: the page says ${value}`);
}
