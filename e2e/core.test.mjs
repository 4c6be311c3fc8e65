// The core path a student takes: play, crash the leader, see a new leader, partition the
// network, rewind with the timeline. The runner fails the test on any console error.
import assert from 'node:assert/strict';

/** Drags the speed slider to its fastest setting. */
async function fastest(page) {
  await page.locator('#speed').evaluate((el) => {
    el.value = el.max;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

/** Moves the timeline scrubber to `us` microseconds, as a drag would. */
async function scrubTo(page, us) {
  await page.locator('#scrubber').evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, us);
}

async function leaderId(page) {
  const leader = page.locator('svg.cluster .node[data-role="leader"]');
  await leader.first().waitFor({ state: 'attached', timeout: 20000 });
  return leader.first().getAttribute('data-node');
}

const clockSeconds = async (page) =>
  Number((await page.locator('#clock').textContent()).replace(/[^0-9.]/g, ''));

export default [
  {
    name: 'play, crash the leader, re-elect, partition, rewind',
    async run(t) {
      const { page } = t;
      await page.goto(t.url('/?s=cold-start-5'));
      await page.locator('svg.cluster .node').first().waitFor();
      assert.equal(await page.locator('svg.cluster .node').count(), 5, 'five nodes on the ring');
      assert.match(await page.locator('#safety').textContent(), /Safety holds/);

      await fastest(page);
      await page.locator('#play').click();
      const first = await leaderId(page);
      t.metric('first leader', `N${first}`);

      await page.locator('#crash-leader').click();
      await page.locator(`svg.cluster .node[data-node="${first}"][data-role="crashed"]`).waitFor();
      await page.waitForFunction(
        (old) => [...document.querySelectorAll('svg.cluster .node[data-role="leader"]')]
          .some((n) => n.getAttribute('data-node') !== old),
        first,
        { timeout: 20000 },
      );
      const second = await leaderId(page);
      assert.notEqual(second, first, 'a different node leads after the crash');
      t.metric('new leader', `N${second}`);

      await page.locator('#play').click(); // pause
      await t.waitForText('#play', 'Play');
      const paused = await clockSeconds(page);

      await page.locator('#split').click();
      const others = ['1', '2', '3', '4', '5'].filter((n) => n !== first && n !== second).slice(0, 2);
      for (const n of others) {
        await page.locator(`svg.cluster .node[data-node="${n}"]`).click();
      }
      await page.locator('#apply-split').click();
      await page.locator('svg.cluster .edge.cut').first().waitFor();
      assert.ok((await page.locator('svg.cluster .edge.cut').count()) >= 6, 'two nodes cut off from three');

      // Rewind to before the crash: everyone is up again and nothing is cut.
      await scrubTo(page, 500000);
      await page.waitForFunction(() => document.querySelector('#clock').textContent.includes('0.500'));
      assert.equal(await page.locator('svg.cluster .node[data-role="crashed"]').count(), 0);
      assert.equal(await page.locator('svg.cluster .edge.cut').count(), 0);
      // And forward again over the recorded past: the crash is still there.
      await scrubTo(page, Math.round(paused * 1e6));
      await page.locator(`svg.cluster .node[data-node="${first}"][data-role="crashed"]`).waitFor();
      assert.match(await page.locator('#safety').textContent(), /Safety holds/);
    },
  },
  {
    name: 'keyboard: arrows step one event forward and back, space plays and pauses',
    async run(t) {
      const { page } = t;
      await page.goto(t.url('/?s=cold-start-3'));
      // The event log shows what a step did: the cursor's step is the "current" rows.
      await page.locator('#tab-log').click();
      await page.locator('.eventlog').waitFor();
      const current = () => page.evaluate(() =>
        [...document.querySelectorAll('.log-rows .row.current .entry')].map((e) => Number(e.dataset.event)));
      const nextStep = async (after) => {
        const want = Math.max(...after) + 1;
        await page.waitForFunction((w) => [...document.querySelectorAll('.log-rows .row.current .entry')]
          .some((e) => Number(e.dataset.event) === w), want);
        return current();
      };
      await page.locator('h1').click(); // keys go to the page, not to a focused button
      await page.keyboard.press('ArrowRight');
      await page.locator('.log-rows .row.current').first().waitFor();
      const first = await current();
      assert.ok(first.length >= 1, 'the first step recorded events');
      // → runs the next step: its events follow the previous step's, none skipped.
      await page.keyboard.press('ArrowRight');
      const second = await nextStep(first);
      assert.equal(Math.min(...second), Math.max(...first) + 1, `${first} then ${second}`);
      const clock2 = await clockSeconds(page);
      // ← goes back exactly one step.
      await page.keyboard.press('ArrowLeft');
      await page.waitForFunction((w) => {
        const ev = [...document.querySelectorAll('.log-rows .row.current .entry')].map((e) => Number(e.dataset.event));
        return ev.length > 0 && Math.max(...ev) === w;
      }, Math.max(...first));
      assert.deepEqual(await current(), first, 'back at the first step');

      // Space plays (the clock runs past where we were) and pauses.
      await page.keyboard.press(' ');
      await t.waitForText('#play', 'Pause');
      await page.waitForFunction((c) => parseFloat(document.querySelector('#clock').textContent.slice(4)) > c, clock2);
      await page.keyboard.press(' ');
      await t.waitForText('#play', 'Play');
      // Paused, the share link records where the run stopped.
      const stopped = await clockSeconds(page);
      await page.waitForFunction((ms) => Math.round(Number(new URLSearchParams(location.search).get('t')) / 1000) === ms,
        Math.round(stopped * 1000));
    },
  },
  {
    name: 'a malformed share link opens the default lab with a clear message',
    async run(t) {
      const { page } = t;
      await page.goto(t.url('/?s=nope&n=42&seed=abc&iv=1:crash:99'));
      await page.locator('svg.cluster .node').first().waitFor();
      const notices = await page.locator('.notices').textContent();
      assert.match(notices, /no scenario called 'nope'/);
      assert.match(notices, /3–9 nodes/);
      assert.match(notices, /node 99 does not exist/);
      assert.equal(await page.locator('svg.cluster .node').count(), 5);
    },
  },
];
