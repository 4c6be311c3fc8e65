// The teaching layer end to end: a guided tour (mouse and keyboard), a Break Paxos switch and
// counterexample, and the help overlay. The runner fails a test on any console error.
import assert from 'node:assert/strict';

const caption = (page) => page.locator('#tour-caption').textContent();
const clock = (page) => page.locator('#clock').textContent();

// Waits until the tour card shows stop `at` of tour `name` and the app has settled there: it
// writes the stop into the address bar after every panel has rendered.
async function atStop(page, name, at) {
  await page.locator(`.tour-card[data-tour="${name}"][data-step="${at}"]`).waitFor();
  await page.waitForFunction((want) => location.search.split(/[?&]/).includes(want), `tour=${name}.${at}`);
}

export default [
  {
    name: 'a guided tour: start, step through captions, back, exit',
    async run(t) {
      const { page } = t;
      await page.goto(t.url('/'));
      await page.locator('#tours').click();
      await page.locator('[data-tour="dueling"]').click();
      await atStop(page, 'dueling', 0);
      assert.match(await page.locator('#tour-count').textContent(), /^Introduction/);
      const intro = await caption(page);

      const seen = [intro];
      const clocks = [await clock(page)];
      for (let i = 1; i <= 3; i++) {
        await page.locator('#tour-next').click();
        await t.waitForText('#tour-count', `Step ${i} of 7`);
        await atStop(page, 'dueling', i);
        seen.push(await caption(page));
        clocks.push(await clock(page));
        assert.notEqual(seen[i], seen[i - 1], `step ${i} has its own caption`);
      }
      assert.notEqual(clocks[1], clocks[0], 'Next ran the simulation');
      assert.match(seen[2], /was rejected: N\d had already promised \(\d+,\d,\d\)/);
      await t.screenshot('tour step');

      // The address bar is a link to this step: a new page opens the tour on the same caption.
      const other = await page.context().newPage();
      await other.goto(page.url());
      await atStop(other, 'dueling', 3);
      assert.equal(await other.locator('#tour-caption').textContent(), seen[3]);
      assert.equal(await other.locator('#clock').textContent(), clocks[3]);
      await other.close();

      // Keyboard: B goes back (a real rewind), N goes forward again.
      await page.locator('h1').click();
      await page.keyboard.press('b');
      await t.waitForText('#tour-count', 'Step 2 of 7');
      await atStop(page, 'dueling', 2);
      assert.equal(await caption(page), seen[2]);
      assert.equal(await clock(page), clocks[2]);
      await page.keyboard.press('n');
      await t.waitForText('#tour-count', 'Step 3 of 7');
      await atStop(page, 'dueling', 3);
      assert.equal(await clock(page), clocks[3]);

      // Wander off (one event on by hand: the tour pauses and leaves the link), then resume.
      await page.locator('#step').click();
      await page.locator('#tour-resume').waitFor();
      await page.waitForFunction(() => !location.search.includes('tour='));
      await page.locator('#tour-resume').click();
      await page.locator('#tour-resume').waitFor({ state: 'detached' });
      await atStop(page, 'dueling', 3);
      assert.equal(await clock(page), clocks[3]);
      assert.equal(await caption(page), seen[3]);

      await page.locator('#tour-exit').click();
      await page.locator('.tour-card').waitFor({ state: 'detached' });
      t.metric('dueling tour captions read', seen.length);
    },
  },
  {
    name: 'Break Paxos: flip a switch, run a counterexample, see the violation',
    async run(t) {
      const { page } = t;
      await page.goto(t.url('/?s=cold-start-5'));
      await page.locator('#tab-break-paxos').click();
      await page.locator('.bp-verdict.holds').waitFor();
      await page.locator('#bug-minority-quorum').check();
      await page.locator('[data-bug="minority-quorum"].on').waitFor();
      assert.match(await page.locator('.bp-verdict').textContent(), /Bugs switched on: minority-quorum/);

      await page.locator('#cx-minority-quorum').click();
      await page.locator('#safety.violated').waitFor();
      assert.match(await page.locator('#safety').textContent(), /learned-is-chosen/);
      const verdict = await page.locator('.bp-verdict.violated').textContent();
      assert.match(verdict, /2 of 5 acked — a majority is 3/);
      assert.match(verdict, /Chosen by the majority \{N\d,N\d,N\d\}/);
      await page.locator('.bp-verdict svg.bp-picture').waitFor();
      await page.evaluate(() => window.scrollTo(0, 0));
      await t.screenshot('break paxos violation');

      await page.locator('#cx-skip-bound-recovery').click();
      await page.waitForFunction(() => /unique-timestamps/.test(document.querySelector('#safety')?.textContent ?? ''));
      // The panel scrolls back up to the explanation.
      await page.waitForFunction(() => document.querySelector('.tab-body').scrollTop === 0);
      await page.evaluate(() => window.scrollTo(0, 0));
      await t.screenshot('break paxos unique timestamps');
      // Move on past the violation, then "Jump to the first bad event" brings the clock back.
      const title = await page.locator('#bp-title').textContent(); // "✗ … broken at 1.234 s"
      const at = `t = ${title.split(' broken at ')[1]}`;
      const atUs = Math.round(parseFloat(at.slice(4)) * 1e6);
      const later = await page.locator('#scrubber').evaluate((el, us) => {
        const v = Math.min(us + 500000, Number(el.max));
        el.value = String(v);
        el.dispatchEvent(new Event('input', { bubbles: true }));
        return v;
      }, atUs);
      assert.ok(later > atUs, `room after the violation at ${at} on the scale`);
      await page.waitForFunction((c) => document.querySelector('#clock').textContent !== c, at);
      await page.locator('#bp-jump').click();
      await t.waitForText('#clock', at);
      await page.locator('#safety.violated').waitFor();
    },
  },
  {
    name: 'help overlay: ? opens it, it lists every message type, Esc closes it',
    async run(t) {
      const { page } = t;
      await page.goto(t.url('/'));
      await page.locator('.help-button').focus();
      await page.keyboard.press('?');
      const dialog = page.locator('[role="dialog"]');
      await dialog.waitFor();
      assert.equal(await dialog.getAttribute('aria-modal'), 'true');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'help-close');
      const types = await page.locator('#help-messages dt').allTextContents();
      assert.equal(types.length, 21);
      for (const type of ['Prepare', 'Promise', 'Nack', 'Accept', 'Accepted', 'Learn', 'Ping', 'TimestampRequest', 'LockRequest', 'ConnectionRefused']) {
        assert.ok(types.includes(type), type);
      }
      // Tab stays inside the dialog.
      await page.locator('#help-done').focus();
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'help-close');
      await t.screenshot('help');
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      assert.equal(await page.evaluate(() => document.activeElement?.className), 'help-button',
        'focus returns to where it was');
    },
  },
];
