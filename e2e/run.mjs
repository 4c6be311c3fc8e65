#!/usr/bin/env node
// A small end-to-end test runner: playwright-core driving Debian's Chromium, no framework.
//
//   BASE_URL=http://127.0.0.1:8080/ node e2e/run.mjs [FILTER...]
//
// Runs every e2e/*.test.mjs (or those whose file or test name contains a FILTER). A test file
// default-exports an array of tests, `{ name, run: async (t) => { ... }, allowConsoleErrors? }`.
// Each test gets a fresh browser context and page; the runner records console errors, uncaught
// page errors, failed requests and HTTP >= 400 responses, and fails a test that saw any (unless
// `allowConsoleErrors` is a RegExp matching them all; `timeoutMs` overrides E2E_TIMEOUT_MS).
// After each test it saves a screenshot to e2e/out/. It prints PASS/FAIL per test and ends
// with `e2e: N passed, M failed`; the exit code is 1 when a test failed or none ran.
//
// Environment: BASE_URL (default http://127.0.0.1:8080/), CHROMIUM (default /usr/bin/chromium),
// E2E_TIMEOUT_MS per test (default 30000), HEADED=1 to watch (needs a display).

import { chromium } from 'playwright-core';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.join(here, 'out');
const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS ?? 30000);
const filters = process.argv.slice(2);

// Without the networking flags Chromium keeps trying to reach Google and, with no network here,
// fills the log with refused connections.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const tty = process.stdout.isTTY;
const paint = (code, s) => (tty ? `\x1b[${code}m${s}\x1b[0m` : s);
const green = (s) => paint(32, s);
const red = (s) => paint(31, s);
const dim = (s) => paint(2, s);
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80);

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function loadTests() {
  const files = (await readdir(here)).filter((f) => f.endsWith('.test.mjs')).sort();
  const tests = [];
  for (const file of files) {
    const mod = await import(pathToFileURL(path.join(here, file)).href);
    const list = Array.isArray(mod.default) ? mod.default : [mod.default];
    for (const test of list) {
      if (!test || typeof test.run !== 'function' || !test.name) {
        throw new Error(`${file}: the default export must be an array of { name, run }`);
      }
      const id = `${file} › ${test.name}`;
      if (filters.length === 0 || filters.some((f) => id.includes(f))) tests.push({ ...test, file, id });
    }
  }
  return tests;
}

async function runTest(browser, test) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(Math.min(10000, TIMEOUT));
  const problems = []; // console errors and friends: fail the test
  const notes = []; // console warnings, metrics, logs: printed under the test

  page.on('console', (msg) => {
    const where = msg.location()?.url ? ` (${msg.location().url})` : '';
    if (msg.type() === 'error') problems.push(`console.error: ${msg.text()}${where}`);
    else if (msg.type() === 'warning') notes.push(`console.warn: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.stack || err.message}`));
  page.on('requestfailed', (req) => {
    problems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });

  const shot = path.join(outDir, `${slug(test.file.replace(/\.test\.mjs$/, ''))}--${slug(test.name)}.png`);
  const t = {
    page,
    context,
    browser,
    baseUrl: BASE_URL,
    url: (p = '') => new URL(p, BASE_URL).href,
    log: (msg) => notes.push(String(msg)),
    metric: (name, value, unit = '') => {
      const v = typeof value === 'number' ? Math.round(value * 10) / 10 : value;
      notes.push(`${name}: ${v}${unit ? ' ' + unit : ''}`);
    },
    // Waits until `selector`'s textContent equals `text` (Yew renders asynchronously).
    waitForText: (selector, text, opts = {}) =>
      page.waitForFunction(
        ([s, want]) => document.querySelector(s)?.textContent?.trim() === want,
        [selector, text],
        { timeout: opts.timeout ?? 5000 },
      ),
    screenshot: (name) => page.screenshot({ path: shot.replace(/\.png$/, `--${slug(name)}.png`) }),
    problems,
  };

  const started = performance.now();
  let error = null;
  try {
    await withTimeout(test.run(t), test.timeoutMs ?? TIMEOUT, 'test');
  } catch (err) {
    error = err;
  }
  try {
    await withTimeout(page.screenshot({ path: shot }), 10000, 'screenshot');
    notes.push(`screenshot: ${path.relative(process.cwd(), shot)}`);
  } catch (err) {
    notes.push(`screenshot failed: ${err.message}`);
  }
  const allow = test.allowConsoleErrors;
  const unexpected = problems.filter((p) => !(allow instanceof RegExp && allow.test(p)));
  if (!error && unexpected.length > 0) {
    const msg = `${unexpected.length} console error(s) / failed request(s):\n${unexpected.join('\n')}`;
    error = Object.assign(new Error(msg), { stack: msg });
  } else if (error && unexpected.length > 0) {
    notes.push(...unexpected.map((p) => `also: ${p}`));
  }
  await context.close().catch(() => {});
  return { error, notes, ms: performance.now() - started };
}

async function main() {
  await mkdir(outDir, { recursive: true });
  const tests = await loadTests();
  if (tests.length === 0) {
    console.error(red(`e2e: no tests found${filters.length ? ` matching ${filters.join(', ')}` : ''}`));
    console.log('e2e: 0 passed, 0 failed');
    return 1;
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: process.env.HEADED !== '1',
    args: CHROMIUM_ARGS,
  });
  console.log(`e2e: ${tests.length} test(s) against ${BASE_URL} in Chromium ${browser.version()}`);
  let passed = 0;
  let failed = 0;
  try {
    for (const test of tests) {
      const { error, notes, ms } = await runTest(browser, test);
      if (error) {
        failed++;
        console.log(`${red('FAIL')} ${test.id} ${dim(`(${Math.round(ms)} ms)`)}`);
        const text = error.stack && !String(error.stack).includes(error.message)
          ? `${error.message}\n${error.stack}` : String(error.stack || error.message);
        for (const line of text.split('\n')) console.log(`     ${red(line)}`);
      } else {
        passed++;
        console.log(`${green('PASS')} ${test.id} ${dim(`(${Math.round(ms)} ms)`)}`);
      }
      for (const note of notes) console.log(`     ${dim(note)}`);
    }
  } finally {
    await browser.close();
  }
  console.log(`e2e: ${passed} passed, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(red(`e2e: runner error: ${err.stack || err}`));
    console.log('e2e: 0 passed, 1 failed');
    process.exit(1);
  },
);
