// Smoke test: the page loads, the app renders, the Play/Pause button toggles and runs the clock.
import assert from 'node:assert/strict';

// Records, in the page, when the app's DOM first appears (ms since navigation start).
function recordFirstRender() {
  const mark = () => {
    if (window.__e2eFirstRender === undefined && document.querySelector('#play')) {
      window.__e2eFirstRender = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(mark);
  observer.observe(document, { childList: true, subtree: true });
}

export default [
  {
    name: 'loads, renders the heading, #play toggles Play/Pause and runs the clock',
    async run(t) {
      const { page } = t;
      await page.addInitScript(recordFirstRender);

      const response = await page.goto(t.url('/'), { waitUntil: 'domcontentloaded' });
      assert.equal(response.status(), 200, 'index.html status');

      const heading = page.locator('h1');
      await heading.waitFor({ state: 'visible' });
      assert.equal((await heading.textContent()).trim(), 'PaxosScope');
      assert.equal(await page.title(), 'PaxosScope');

      const timing = await page.evaluate(() => {
        const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
        const nav = performance.getEntriesByType('navigation')[0];
        return {
          firstRender: window.__e2eFirstRender,
          domContentLoaded: nav?.domContentLoadedEventEnd,
          wasmMs: wasm ? wasm.responseEnd - wasm.startTime : undefined,
          wasmBytes: wasm?.encodedBodySize,
        };
      });
      assert.ok(typeof timing.firstRender === 'number', 'first render was recorded');
      t.metric('time to first render', timing.firstRender, 'ms after navigation start');
      t.metric('DOMContentLoaded', timing.domContentLoaded, 'ms');
      if (timing.wasmMs !== undefined) t.metric('wasm fetch', `${timing.wasmBytes} bytes in ${Math.round(timing.wasmMs)}`, 'ms');

      const play = page.locator('#play');
      assert.equal((await play.textContent()).trim(), 'Play');
      assert.equal((await page.locator('#clock').textContent()).trim(), 't = 0.000 s');
      await play.click();
      await t.waitForText('#play', 'Pause');
      // Playing runs the simulation: the virtual clock moves.
      await page.waitForFunction(() => document.querySelector('#clock').textContent.trim() !== 't = 0.000 s');
      await play.click();
      await t.waitForText('#play', 'Play');
      await play.click();
      await t.waitForText('#play', 'Pause');
    },
  },
];
