#!/usr/bin/env node
// Takes the README's screenshots (docs/*.png) of real runs in headless Chromium.
//
//   scripts/serve.sh &            # or any server of dist/
//   BASE_URL=http://127.0.0.1:8080/ node scripts/screenshots.mjs
//
// Every picture is a share link (seed, scenario, cursor) plus a few clicks, so it can be
// retaken after any change to the UI and shows what the app really draws.
import { chromium } from 'playwright-core';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.join(root, 'docs');
const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const shots = [
  {
    // Dueling proposers without a random wait: Prepares, Promises and Nacks crossing.
    file: 'lab.png',
    link: '?s=dueling-no-backoff&t=1450000',
    async then(page) {
      await page.locator('svg.cluster .node[data-node="2"]').click();
      await page.locator('#inspector[data-node="2"]').waitFor();
    },
  },
  {
    file: 'tour.png',
    link: '',
    async then(page) {
      await page.locator('#tours').click();
      await page.locator('[data-tour="dueling"]').click();
      for (let i = 1; i <= 2; i++) {
        await page.locator('#tour-next').click();
        await page.waitForFunction((n) => document.querySelector('#tour-count')?.textContent?.includes(`Step ${n} `), i);
      }
    },
    // Tall enough for the caption card under the picture.
    height: 1080,
  },
  {
    file: 'break-paxos.png',
    link: '?s=bug-minority-quorum&t=5000000',
    tab: '#tab-break-paxos',
  },
  {
    // AtlasDB as written: an Accept acked but not stored, two leaders at one round.
    file: 'atlasdb-hazard.png',
    link: '?s=atlasdb-accept-without-state&t=12000000',
    tab: '#tab-break-paxos',
  },
  {
    // Break Paxos → Found in real code: a switch per AtlasDB quirk, its source, its hazard.
    file: 'found-in-real-code.png',
    link: '?s=atlasdb-failover&t=9000000',
    tab: '#tab-break-paxos',
    async then(page) {
      // Scroll the side panel (not the page) to the section.
      await page.locator('#bp-real-title').evaluate((el) => {
        const body = el.closest('.tab-body');
        body.scrollTop += el.getBoundingClientRect().top - body.getBoundingClientRect().top - 8;
        window.scrollTo(0, 0);
      });
    },
  },
  {
    // Presenter mode for a lecture hall: large type, the caption under the picture.
    file: 'presenter.png',
    link: '?tour=leader-crash.2&present=1',
    async then(page) {
      await page.locator('.tour-card[data-step="2"]').waitFor();
    },
  },
  {
    // A phone: the picture takes the width; its words are drawn large or not at all.
    file: 'phone.png',
    link: '?s=leader-crash&t=9000000',
    width: 390,
    height: 844,
  },
  {
    // The Checker tab: the model checker found AtlasDB's accept-without-state counterexample in
    // a Web Worker; it is open in the visualizer (left) at its violation, the verdict and the
    // moves beside it.
    file: 'checker.png',
    link: '',
    tab: '#tab-checker',
    height: 900,
    async then(page) {
      await page.locator('#check-preset-atlasdb').click();
      await page.waitForFunction(() => document.querySelector('#check-status')?.dataset.status === 'done');
      await page.locator('#check-open').click();
      await page.locator('#safety.violated').waitFor();
      await page.locator('.notices .dismiss').first().click();
      await page.locator('#tab-checker').click();
      await page.locator('#check-result').evaluate((el) => {
        const body = el.closest('.tab-body');
        body.scrollTop += el.getBoundingClientRect().top - body.getBoundingClientRect().top - 8;
        window.scrollTo(0, 0);
      });
    },
  },
  {
    file: 'number-line.png',
    link: '?s=failover-monotonic&t=20000000',
    tab: '#tab-timestamps',
  },
];

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
await mkdir(out, { recursive: true });
let failed = 0;
for (const shot of shots) {
  const page = await browser.newPage({ viewport: { width: shot.width ?? 1280, height: shot.height ?? 800 } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  try {
    await page.goto(new URL(shot.link, BASE_URL).href);
    await page.locator('svg.cluster .node').first().waitFor();
    if (shot.tab) await page.locator(shot.tab).click();
    if (shot.then) await shot.then(page);
    await page.waitForTimeout(300);
    if (errors.length) throw new Error(`console errors: ${errors.join('; ')}`);
    const file = path.join(out, shot.file);
    await page.screenshot({ path: file, fullPage: false });
    console.log(`wrote ${path.relative(root, file)}`);
  } catch (e) {
    failed++;
    console.error(`${shot.file}: ${e.message}`);
  }
  await page.close();
}
await browser.close();
process.exit(failed ? 1 : 0);
