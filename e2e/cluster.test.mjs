// The cluster picture and the inspector, end to end: watch a leader crash, inspect a node,
// select and drop a message (while paused and while playing), and see why safety broke.
import assert from 'node:assert/strict';

const text = async (page, selector) => ((await page.locator(selector).first().textContent()) ?? '').trim();

// The virtual clock shown by the transport bar, in µs.
const clock = async (page) => {
  const t = await text(page, '#clock'); // "t = 8.123 s"
  return Math.round(Number(t.replace(/[^0-9.]/g, '')) * 1e6);
};

export default [
  {
    name: 'leader crash: play, a node goes down, inspect it and a survivor',
    async run(t) {
      const { page } = t;
      await page.goto(t.url('?s=leader-crash&t=7800000'));
      await page.locator('svg.cluster .node').first().waitFor();
      assert.equal(await page.locator('svg.cluster .node').count(), 5);
      assert.equal(await page.locator('svg.cluster .node.crashed').count(), 0);
      const leader = await page.locator('svg.cluster .node.leader').getAttribute('data-node');
      assert.ok(leader, 'a leader before the crash');

      await page.locator('#play').click();
      await page.locator('svg.cluster .node.crashed').waitFor({ timeout: 10000 });
      await page.locator('#play').click();
      await t.waitForText('#play', 'Play');
      assert.ok((await clock(page)) >= 8000000);
      const crashed = await page.locator('svg.cluster .node.crashed').getAttribute('data-node');
      assert.equal(crashed, leader, 'the leader is the one that crashed');

      // The crashed node: disk kept, memory gone.
      await page.locator(`svg.cluster .node[data-node="${crashed}"]`).click();
      await page.locator('#inspector .volatile.lost').waitFor();
      assert.match(await text(page, '#inspector .lost-note'), /^Gone/);
      assert.ok((await page.locator('#inspector .durable tbody tr').count()) >= 1);
      await t.screenshot('crashed node');

      // A survivor: its promise, its proposers, its timers, in words.
      const other = crashed === '1' ? '2' : '1';
      await page.locator(`svg.cluster .node[data-node="${other}"]`).click();
      await page.locator(`#inspector[data-node="${other}"]`).waitFor();
      assert.match(await text(page, '#inspector .durable table[data-log="leadership"] tbody tr'), /^0\s*\(/);
      assert.match(await text(page, '#inspector .volatile'), /counter \d+/);
      assert.ok((await page.locator('#inspector .timers li').count()) >= 1);
      // Keyboard: Enter on a focused node selects it.
      await page.locator('svg.cluster .node[data-node="3"]').focus();
      await page.keyboard.press('Enter');
      await page.locator('#inspector[data-node="3"]').waitFor();
    },
  },
  {
    name: 'select a travelling message, read it, drop it, watch it vanish',
    async run(t) {
      const { page } = t;
      await page.goto(t.url('?s=dueling-no-backoff&t=2000000'));
      const target = page.locator('.msg-hits .msg:not(.dropped)').first();
      await target.waitFor();
      const id = await target.getAttribute('data-msg');
      await target.click();
      await page.locator(`#inspector[data-msg="${id}"]`).waitFor();
      assert.match(await text(page, '#inspector .msg-words'), /ballot \(\d+,\d,\d\)/);
      assert.match(await text(page, '#msg-fate'), /^travelling — arrives in/);
      await page.locator('#drop-message').click();
      await page.waitForFunction(() => document.querySelector('#msg-fate')?.textContent.includes('you asked to drop it'));
      assert.equal(await page.locator(`.msg-hits .msg.doomed[data-msg="${id}"]`).count(), 1);
      assert.ok(page.url().includes('drop'), `the drop is in the share link: ${page.url()}`);
      await t.screenshot('doomed message');
      // Let time pass: it vanishes instead of arriving.
      await page.locator('#play').click();
      await page.waitForFunction(() => document.querySelector('#msg-fate')?.textContent.startsWith('dropped by you'));
      await page.locator('#play').click();
      assert.match(await text(page, '#msg-fate'), /^dropped by you at/);
    },
  },
  {
    name: 'while playing, a click on the canvas selects the message under it',
    async run(t) {
      const { page } = t;
      await page.goto(t.url('?s=dueling-no-backoff&t=2000000'));
      const target = page.locator('.msg-hits .msg:not(.dropped)').first();
      await target.waitFor();
      const id = await target.getAttribute('data-msg');
      const canvas = page.locator('canvas.msg-canvas');
      const [box, before] = [await target.boundingBox(), await canvas.boundingBox()];
      const at = { x: box.x - before.x + box.width / 2, y: box.y - before.y + box.height / 2 };
      // Nearly stop time, then play: the targets go, the canvas still takes the click.
      await page.evaluate(() => {
        const s = document.querySelector('#speed');
        s.value = s.min;
        s.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await page.locator('#play').click();
      await t.waitForText('#play', 'Pause');
      await canvas.evaluate((c) => c.scrollIntoView({ block: 'center' })); // clicking Play scrolled
      assert.equal(await page.locator('.msg-hits').count(), 0, 'no per-message elements while playing');
      const now = await canvas.boundingBox();
      await page.mouse.click(now.x + at.x, now.y + at.y);
      // Time has nearly stopped: the message under the click is still the one we aimed at.
      await page.locator(`#inspector.msg-inspector[data-msg="${id}"]`).waitFor();
      await page.locator('#play').click();
    },
  },
  {
    name: 'past a violation the picture shows the two quorums that chose different values',
    async run(t) {
      const { page } = t;
      // Ignoring promised values: two quorums chose different leaders, and they share nodes
      // that reported the first value in vain.
      await page.goto(t.url('?s=bug-ignore-promised-values&t=5000000'));
      await page.locator('#why').waitFor();
      assert.ok((await page.locator('svg.cluster .why-halo.qa').count()) >= 3);
      assert.ok((await page.locator('svg.cluster .why-halo.qb').count()) >= 3);
      assert.match(await text(page, 'svg.cluster .why-centre'), /^A ∩ B = \{N\d(,N\d)*\}$/);
      const why = await text(page, '#why');
      assert.match(why, /Quorum A \{N\d,N\d,N\d\} accepted/);
      assert.match(why, /should have reported A's value/);
      await t.screenshot('violation');
    },
  },
];
