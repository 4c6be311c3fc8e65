// The three analytic views in the side panel: event log, space-time diagram, number line.
// Each test opens a scenario at a moment, opens the tab, interacts, and screenshots the view.
import assert from 'node:assert/strict';

const clock = (page) => page.locator('#clock').textContent();

async function open(t, query, tab) {
  await t.page.goto(t.url(query), { waitUntil: 'domcontentloaded' });
  await t.page.locator(`#${tab}`).click();
}

export default [
  {
    name: 'event log: rows, node and type filters, click moves the clock',
    async run(t) {
      const { page } = t;
      await open(t, '/?s=leader-crash&t=9000000', 'tab-log');
      const rows = page.locator('.log-rows .row');
      await rows.first().waitFor();
      const all = await rows.count();
      assert.ok(all >= 100, `a busy run fills the log (${all} rows)`);
      assert.ok(await page.locator('.log-rows .row.current').count() >= 1, 'the cursor step is highlighted');

      // The newest row is scrolled into view at the bottom.
      const atBottom = await page.locator('.log-rows').evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 2);
      assert.ok(atBottom, 'the log is scrolled to the cursor');

      // Type filter: only Ping messages (and non-message events) remain.
      await page.locator('.log-filters .chip', { hasText: /^Ping$/ }).click();
      await page.waitForFunction(() => [...document.querySelectorAll('.log-filters .chip.on')].some((c) => c.textContent === 'Ping'));
      const msgTexts = await page.locator('.log-rows .row.send .text, .log-rows .row.arrive .text').allTextContents();
      assert.ok(msgTexts.length > 0, 'some Ping rows');
      for (const s of msgTexts) assert.match(s, /Ping/, s);

      // Node filter on top: only events touching N2.
      await page.locator('.log-filters .chip', { hasText: /^N2$/ }).click();
      await page.waitForFunction(() => [...document.querySelectorAll('.log-filters .chip.on')].some((c) => c.textContent === 'N2'));
      const texts = await page.locator('.log-rows .row.send .text, .log-rows .row.arrive .text').allTextContents();
      for (const s of texts) assert.match(s, /N2/, s);
      await t.screenshot('filtered');

      await page.locator('.log-filters .chip.clear').click();
      await page.waitForFunction(() => !document.querySelector('.log-filters .chip.clear'));

      // "Show earlier events" renders another page.
      const shown = await rows.count();
      await page.getByRole('button', { name: 'Show earlier events' }).click();
      await page.waitForFunction((n) => document.querySelectorAll('.log-rows .row').length > n, shown);

      // Clicking an earlier row moves the clock back.
      const before = await clock(page);
      await rows.nth(20).locator('.entry').click();
      await page.waitForFunction((b) => document.querySelector('#clock').textContent !== b, before);
      assert.notEqual(await clock(page), before);
      await t.screenshot('event-log');
    },
  },
  {
    name: 'space-time: arrows, hover highlights the message in the cluster, click seeks',
    async run(t) {
      const { page } = t;
      await open(t, '/?s=leader-crash&t=9000000', 'tab-spacetime');
      const arrows = page.locator('svg.st .arrow');
      await arrows.first().waitFor();
      assert.ok(await arrows.count() >= 20, 'many arrows in the window');
      assert.ok(await page.locator('svg.st .lane').count() >= 5, 'a lane per node');
      assert.ok(await page.locator('svg.st .mark').count() >= 1, 'crash / leader marks');

      // Hover a message the cluster shows (travelling or just dropped): the cluster highlights
      // it; leaving clears it.
      const id = await page.evaluate(() => {
        const shown = new Set([...document.querySelectorAll('.msg-hits .msg')].map((m) => m.dataset.msg));
        // The newest such arrow: it is drawn on top of the others.
        return [...document.querySelectorAll('svg.st .arrow')].map((a) => a.dataset.msg).filter((m) => shown.has(m)).pop();
      });
      assert.ok(id, 'an arrow for a message the cluster shows');
      assert.equal(await page.locator('.msg-hits .msg.highlighted').count(), 0);
      await page.locator(`svg.st .arrow[data-msg="${id}"] .hit`).hover({ force: true });
      await page.locator(`.msg-hits .msg.highlighted[data-msg="${id}"]`).waitFor();
      await t.screenshot('hover');
      await page.locator('h1').hover();
      await page.waitForFunction(() => !document.querySelector('.msg-hits .msg.highlighted'));

      // Clicking a delivered arrow moves the cursor to its arrival (back in time).
      const before = await clock(page);
      await page.locator('svg.st .arrow.delivered').nth(3).locator('.hit').click({ force: true });
      await page.waitForFunction((b) => document.querySelector('#clock').textContent !== b, before);

      // Keyboard: Enter on a focused arrow seeks too.
      const mid = await clock(page);
      await page.locator('svg.st .arrow.delivered').nth(2).focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction((b) => document.querySelector('#clock').textContent !== b, mid);

      // Zoom out.
      const span = await page.locator('.st-bar span').textContent();
      await page.getByRole('button', { name: 'Show a longer stretch of time' }).click();
      await page.waitForFunction((s) => document.querySelector('.st-bar span').textContent !== s, span);
      await t.screenshot('space-time');
    },
  },
  {
    name: 'number line: fences, two leaders, the skipped reservation after failover',
    async run(t) {
      const { page } = t;
      await open(t, '/?s=failover-monotonic&t=20000000', 'tab-timestamps');
      await page.locator('svg.nl').waitFor();
      assert.ok(await page.locator('svg.nl .fence').count() >= 3, 'fences');
      const owners = await page.locator('svg.nl rect.served').evaluateAll((rs) => rs.map((r) => r.dataset.node));
      assert.ok(new Set(owners).size >= 2, `two leaders served (${owners})`);
      assert.equal(await page.locator('svg.nl rect.skipped').count(), 1);
      const notes = await page.locator('svg.nl .note.skipped').textContent();
      assert.match(notes, /reserved by N\d, never handed out: skipped/);
      assert.equal(await page.locator('svg.nl path.counter').count(), 1, 'the counter marker');
      assert.match(await page.locator('.nl-why').textContent(), /never go backwards/);
      await t.screenshot('number-line');

      // Playing moves the counter.
      const y0 = await page.locator('svg.nl path.counter').getAttribute('d');
      await page.locator('#play').click();
      await page.waitForFunction((d) => document.querySelector('svg.nl path.counter')?.getAttribute('d') !== d, y0, { timeout: 10000 });
      await page.locator('#play').click();
    },
  },
  {
    name: 'number line: a timestamp violation shows its ranges in red',
    async run(t) {
      const { page } = t;
      await open(t, '/?s=bug-skip-bound-recovery&t=12000000', 'tab-timestamps');
      await page.locator('svg.nl rect.conflict').first().waitFor();
      assert.match(await page.locator('svg.nl .note.conflict').first().textContent(), /unique-timestamps|real-time-order/);
      await page.locator('#tab-log').click();
      await page.locator('.log-rows .row').first().waitFor();
      await page.locator('#tab-spacetime').click();
      await page.locator('svg.st .arrow').first().waitFor();
      await page.locator('#tab-timestamps').click();
      await page.locator('svg.nl').waitFor();
      await t.screenshot('violation');
    },
  },
];
