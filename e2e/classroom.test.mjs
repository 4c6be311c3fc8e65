// Classroom-ready (issue #12): what a first teaching tryout broke, checked end to end — the
// keyboard, notices that go with their run, exact share links, the picture's one geometry
// during a tour, actions at the node, the phone and laptop layouts, presenter mode, and links
// that a mangled URL cannot turn into a flood.
import assert from 'node:assert/strict';

const clock = (page) => page.locator('#clock').textContent();
const active = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return a ? `${a.tagName.toLowerCase()}${a.id ? '#' + a.id : ''}${a.className && typeof a.className === 'string' ? '.' + a.className.split(' ').join('.') : ''}` : 'none';
});
// The top of the sticky play bar, in viewport pixels.
const playbarTop = (page) => page.locator('footer.playback').evaluate((el) => el.getBoundingClientRect().top);
const rect = (page, selector) => page.locator(selector).first().evaluate((el) => {
  const r = el.getBoundingClientRect();
  return { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height };
});

// The smallest rendered text on the page, in CSS pixels: HTML text at its font size, SVG text
// at its font size times the drawing's scale. Returns [size, where] for the smallest few.
function smallestText() {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !n.textContent.trim()) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || el.closest('[aria-hidden="true"], .visually-hidden, title, desc, option')) continue;
    let size = parseFloat(cs.fontSize);
    const svg = el.closest('svg');
    if (svg && svg.viewBox?.baseVal?.width) size *= svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    out.push([Math.round(size * 10) / 10, `${el.tagName.toLowerCase()}.${String(el.className?.baseVal ?? el.className)}: ${n.textContent.trim().slice(0, 30)}`]);
  }
  return out.sort((a, b) => a[0] - b[0]).slice(0, 5);
}

export default [
  {
    name: 'keyboard: Space presses a focused button, not Play; Space elsewhere plays',
    async run(t) {
      const { page } = t;
      await page.goto(t.url('/?s=leader-crash'));
      await page.locator('#tab-log').focus();
      await page.keyboard.press(' ');
      await page.locator('#tab-log.active').waitFor();
      assert.equal((await page.locator('#play').textContent()).trim(), 'Play', 'Space on a tab pressed the tab only');
      await page.locator('#new-seed').waitFor();
      // A node of the picture is a control too: Space selects it.
      await page.locator('svg.cluster .node[data-node="2"]').focus();
      await page.keyboard.press(' ');
      await page.locator('#inspector[data-node="2"]').waitFor();
      assert.equal((await page.locator('#play').textContent()).trim(), 'Play');
      // With nothing focused, Space is Play.
      await page.evaluate(() => document.activeElement?.blur());
      await page.keyboard.press(' ');
      await t.waitForText('#play', 'Pause');
      await page.keyboard.press(' ');
      await t.waitForText('#play', 'Play');
    },
  },
  {
    name: 'keyboard: Esc on help returns focus to the Help button, whoever opened it',
    async run(t) {
      const { page } = t;
      await page.goto(t.url('/'));
      await page.locator('.help-button').click();
      await page.locator('[role="dialog"]').waitFor();
      await page.keyboard.press('Escape');
      await page.locator('[role="dialog"]').waitFor({ state: 'detached' });
      assert.equal(await active(page), 'button.help-button');
      // Opened with "?" while nothing had focus.
      await page.evaluate(() => document.activeElement?.blur());
      await page.keyboard.press('?');
      await page.locator('[role="dialog"]').waitFor();
      await page.keyboard.press('Escape');
      await page.locator('[role="dialog"]').waitFor({ state: 'detached' });
      assert.equal(await active(page), 'button.help-button');
    },
  },
  {
    name: 'keyboard: a focused node has a clear ring; a focused control is scrolled clear of the play bar',
    async run(t) {
      const { page } = t;
      await page.goto(t.url('/?s=leader-crash'));
      const node = page.locator('svg.cluster .node[data-node="3"]');
      await node.waitFor();
      const ring = () => node.locator('.focus-ring').evaluate((el) => {
        const cs = getComputedStyle(el);
        return { stroke: cs.stroke, width: parseFloat(cs.strokeWidth) };
      });
      assert.equal((await ring()).stroke, 'none', 'no ring without focus');
      await node.focus(); // playwright's focus() counts as keyboard focus (:focus-visible)
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Tab');
      const focused = await ring();
      assert.notEqual(focused.stroke, 'none', 'a ring on keyboard focus');
      assert.ok(focused.width >= 5, `a thick ring (${focused.width})`);
      await t.screenshot('focused node');

      // Tab through the page: no focused control may sit under the sticky play bar.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.locator('h1').click();
      const hidden = [];
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const where = await page.evaluate(() => {
          const a = document.activeElement;
          const bar = document.querySelector('footer.playback');
          if (!a || !bar || bar.contains(a) || a === document.body) return null;
          const r = a.getBoundingClientRect();
          const b = bar.getBoundingClientRect();
          // Covered: the bar (stuck to the bottom, or in its place in the flow) overlaps it.
          const covered = r.bottom > b.top + 1 && r.top < b.bottom - 1;
          return covered ? `${a.tagName}#${a.id}.${a.className?.baseVal ?? a.className} ${Math.round(r.top)}–${Math.round(r.bottom)} under the bar ${Math.round(b.top)}–${Math.round(b.bottom)}` : null;
        });
        if (where) hidden.push(where);
      }
      assert.deepEqual(hidden, [], 'focused controls under the play bar');
    },
  },
  {
    name: 'violation notices go with their run: Reset and a new scenario clear them',
    async run(t) {
      const { page } = t;
      await page.goto(t.url('/?s=cold-start-5'));
      await page.locator('#tab-break-paxos').click();
      await page.locator('#cx-minority-quorum').click();
      await page.locator('#safety.violated').waitFor();
      await page.locator('#cx-skip-bound-recovery').click();
      await page.waitForFunction(() => /unique-timestamps/.test(document.querySelector('#safety')?.textContent ?? ''));
      const paused = () => page.locator('.notice', { hasText: 'Paused at' }).count();
      assert.equal(await paused(), 1, 'one notice: the run on screen');
      await page.locator('#reset').click();
      await page.locator('#safety.holds').waitFor();
      assert.equal(await paused(), 0, 'Reset cleared it');
      await page.locator('#cx-minority-quorum').click();
      await page.locator('#safety.violated').waitFor();
      await page.locator('#scenario').selectOption('leader-crash');
      await page.locator('#safety.holds').waitFor();
      assert.equal(await paused(), 0, 'a new scenario cleared it');
    },
  },
  {
    name: 'share link: the cursor as (time, step); Share moves nothing and reopens the same event',
    async run(t) {
      const { page } = t;
      // Step one event at a time from t = 0 until the cursor stands inside an instant (more
      // events due at the same time), as after the 40 single steps.
      await page.goto(t.url('/?s=dueling-no-backoff'));
      await page.locator('#safety').waitFor();
      let inside = false;
      for (let i = 0; i < 80 && !inside; i++) {
        const before = page.url();
        await page.locator('#step').click();
        // The address bar is written after each render.
        await page.waitForFunction((b) => location.href !== b, before);
        inside = /[?&]st=\d+/.test(page.url());
      }
      assert.ok(inside, 'stepping reached a cursor inside an instant');
      await page.locator('#tab-log').click();
      await page.locator('.log-rows .row.current').first().waitFor();
      const before = { clock: await clock(page), current: await page.locator('.log-rows .row.current').last().textContent() };
      await page.locator('#share').click();
      await page.waitForFunction(() => document.querySelector('#share-copied, #share-manual'));
      assert.equal(await clock(page), before.clock, 'Share did not move the clock');
      assert.equal(await page.locator('.log-rows .row.current').last().textContent(), before.current, 'nor the event');
      const link = page.url();
      // Inside an instant a time alone would reopen at the instant's end.
      assert.match(link, /[?&]st=\d+(&|$)/, `the link holds the step: ${link}`);
      const other = await page.context().newPage();
      await other.goto(link);
      await other.locator('#tab-log').click();
      await other.locator('.log-rows .row.current').first().waitFor();
      assert.equal(await other.locator('#clock').textContent(), before.clock);
      assert.equal(await other.locator('.log-rows .row.current').last().textContent(), before.current, `${link} reopens the same event`);
      await other.close();
    },
  },
  {
    name: 'a tour: SVG and canvas share one box, and picture and caption fit on one screen',
    async run(t) {
      const { page } = t;
      for (const vp of [{ width: 1280, height: 800 }, { width: 1024, height: 640 }]) {
        await page.setViewportSize(vp);
        await page.goto(t.url('/'));
        await page.locator('#invite-tour').click();
        await page.locator('.tour-card[data-step="0"]').waitFor();
        // N, as a presenter would (a click lets playwright scroll the button into view first).
        await page.keyboard.press('n');
        await page.locator('.tour-card[data-step="1"]').waitFor();
        const svg = await rect(page, 'svg.cluster');
        const canvas = await rect(page, '.msg-canvas');
        for (const k of ['left', 'top', 'width', 'height']) {
          assert.ok(Math.abs(svg[k] - canvas[k]) <= 1, `${vp.width}: svg ${k} ${svg[k]} vs canvas ${canvas[k]}`);
        }
        const bar = await playbarTop(page);
        const nodes = await page.locator('svg.cluster .node .body').evaluateAll((els) => els.map((e) => {
          const r = e.getBoundingClientRect();
          return { top: r.top, bottom: r.bottom };
        }));
        for (const n of nodes) assert.ok(n.top >= 0 && n.bottom <= bar, `${vp.width}: a node at ${n.top}–${n.bottom}, bar at ${bar}`);
        const caption = await rect(page, '#tour-caption');
        assert.ok(caption.top >= 0 && caption.bottom <= bar, `${vp.width}: the caption at ${caption.top}–${caption.bottom}, bar at ${bar}`);
        await t.screenshot(`tour ${vp.width}`);
      }
    },
  },
  {
    name: 'node actions at the node; split instructions on the picture',
    async run(t) {
      const { page } = t;
      await page.goto(t.url('/?s=leader-crash&t=3000000'));
      await page.locator('svg.cluster .node[data-node="2"]').click();
      const bar = page.locator('.context-toolbar[data-node="2"]');
      await bar.waitFor();
      const node = await rect(page, 'svg.cluster .node[data-node="2"] .body');
      const tb = await rect(page, '.context-toolbar');
      const gap = Math.max(0, tb.left - node.right, node.left - tb.right, tb.top - node.bottom, node.top - tb.bottom);
      assert.ok(gap < 60, `the toolbar is next to its node (gap ${gap} px)`);
      await page.locator('#ctx-crash').click();
      await page.locator('svg.cluster .node.crashed[data-node="2"]').waitFor();
      await page.locator('#ctx-restart').click();
      await page.waitForFunction(() => !document.querySelector('svg.cluster .node.crashed[data-node="2"]'));
      await t.screenshot('node toolbar');

      await page.locator('#split').click();
      const split = await rect(page, '.split-bar');
      const picture = await rect(page, 'svg.cluster');
      assert.ok(split.top >= picture.top && split.bottom <= picture.bottom, 'the split bar is on the picture');
      assert.match(await page.locator('#split-hint').textContent(), /blue 5 \| red 0/);
      await page.locator('svg.cluster .node[data-node="1"]').click();
      await page.waitForFunction(() => /blue 4 \| red 1/.test(document.querySelector('#split-hint').textContent));
      await page.locator('#apply-split').click();
      await page.locator('.split-bar').waitFor({ state: 'detached' });
      await page.locator('svg.cluster .partition-caption').waitFor();
    },
  },
  {
    name: 'phone 390×844 and 360×740: nothing under 11 px, the picture gets the width, a slim play bar',
    async run(t) {
      const { page } = t;
      for (const vp of [{ width: 390, height: 844 }, { width: 360, height: 740 }]) {
        await page.setViewportSize(vp);
        await page.goto(t.url('/?s=leader-crash&t=9000000'));
        await page.locator('svg.cluster .node').first().waitFor();
        const small = (await page.evaluate(smallestText)).filter(([size]) => size < 11);
        assert.deepEqual(small, [], `${vp.width}: text under 11 px`);
        const svg = await rect(page, 'svg.cluster');
        assert.ok(svg.width >= vp.width * 0.85, `${vp.width}: the picture is ${svg.width} px wide`);
        const bar = await rect(page, 'footer.playback');
        assert.ok(bar.height <= 140, `${vp.width}: the play bar is ${bar.height} px tall`);
        const wide = await page.evaluate(() => document.documentElement.scrollWidth);
        assert.ok(wide <= vp.width, `${vp.width}: the page is ${wide} px wide`);
        await t.screenshot(`phone ${vp.width}`);
      }
    },
  },
  {
    name: 'laptop 1024×640: the header is one row; the play bar covers no part of the picture',
    async run(t) {
      const { page } = t;
      await page.setViewportSize({ width: 1024, height: 640 });
      await page.goto(t.url('/'));
      await page.locator('svg.cluster .node').first().waitFor();
      const tops = await page.locator('header.top > *').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).filter((r) => r.width > 0).map((r) => [r.top, r.bottom]));
      const rows = Math.max(...tops.map((r) => r[0])) - Math.min(...tops.map((r) => r[0]));
      assert.ok(rows < 20, `header items start within one row (${JSON.stringify(tops)})`);
      for (const vp of [{ width: 1024, height: 640 }, { width: 1280, height: 800 }]) {
        await page.setViewportSize(vp);
        await page.evaluate(() => window.scrollTo(0, 0));
        const svg = await rect(page, 'svg.cluster');
        const bar = await playbarTop(page);
        assert.ok(svg.bottom <= bar + 1, `${vp.width}: the picture ends at ${svg.bottom}, the play bar starts at ${bar}`);
      }
    },
  },
  {
    name: 'presenter mode: ?present=1, large caption, no side panels, clicker keys, kept in the link',
    async run(t) {
      const { page } = t;
      await page.goto(t.url('/?tour=leader-crash.1&present=1'));
      await page.locator('.app.presenter').waitFor();
      await page.locator('.tour-card[data-step="1"]').waitFor();
      assert.equal(await page.locator('aside.side').count(), 0, 'no side panel');
      assert.equal(await page.locator('.controls').count(), 0, 'no settings');
      const size = await page.locator('#tour-caption').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      assert.ok(size >= 26, `a large caption (${size} px)`);
      await page.keyboard.press('PageDown');
      await page.locator('.tour-card[data-step="2"]').waitFor();
      await page.keyboard.press('ArrowRight');
      await page.locator('.tour-card[data-step="3"]').waitFor();
      await page.keyboard.press('PageUp');
      await page.locator('.tour-card[data-step="2"]').waitFor();
      await page.waitForFunction(() => /[?&]present=1(&|$)/.test(location.search) && location.search.includes('tour=leader-crash.2'));
      await t.screenshot('presenter');
      await page.locator('#present').click();
      await page.waitForFunction(() => !document.querySelector('.app.presenter') && !location.search.includes('present='));
      await page.locator('aside.side').waitFor();
      await page.locator('#present').click();
      await page.locator('.app.presenter').waitFor();
    },
  },
  {
    name: 'links: a 60 KB value and 8,000 unknown parameters make a few short notices',
    async run(t) {
      const { page } = t;
      // A sweep parameter's reason quoted its whole value: 60 KB made a 612,468 px wide page.
      await page.goto(t.url(`/?x=leader-crash&xn=${'9'.repeat(60000)}`));
      await page.locator('.notice').first().waitFor();
      const wide = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(wide <= 1280, `the page is ${wide} px wide`);
      const many = Array.from({ length: 8000 }, (_, i) => `z${i}=1`).join('&');
      await page.goto(t.url(`/?${many}`));
      await page.locator('.notice').first().waitFor();
      const n = await page.locator('.notice').count();
      assert.ok(n <= 6, `${n} notices`);
      await page.goto(t.url('/?tour=first-election.999'));
      await page.locator('.notice', { hasText: 'has 8 steps, not 999' }).waitFor();
      await page.goto(t.url('/?tour=%3Cb%3Enope'));
      await page.locator('.notice', { hasText: "'<b>nope'" }).waitFor();
    },
  },
];
