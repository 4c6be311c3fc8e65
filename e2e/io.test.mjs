// End-to-end: getting runs in and out (export, import, share link, "Copy as Rust test") and the
// dueling lab, in real Chromium.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const text = async (page, selector) => ((await page.textContent(selector)) ?? '').trim();

// Waits until the notices contain `needle`; returns their text.
async function noticeContaining(page, needle) {
  await page.waitForFunction(
    (n) => document.querySelector('.notices')?.textContent?.includes(n),
    needle,
    { timeout: 10000 },
  );
  return text(page, '.notices');
}

// Clicks "Export trace" and returns { name, file, json }.
async function exportTrace(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export')]);
  const dir = await mkdtemp(path.join(tmpdir(), 'paxoscope-e2e-'));
  const file = path.join(dir, download.suggestedFilename());
  await download.saveAs(file);
  const json = JSON.parse(await readFile(file, 'utf8'));
  return { name: download.suggestedFilename(), file, json };
}

// The hash tests/replays.rs pins for the replay test `fn name()`.
async function pinnedHash(name) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const src = await readFile(path.join(here, '..', 'tests', 'replays.rs'), 'utf8');
  const at = src.indexOf(`fn ${name}()`);
  const m = at >= 0 && src.slice(at).match(/assert_eq!\(hash, (0x[0-9a-f_]+)\);/);
  assert.ok(m, `tests/replays.rs pins a hash for ${name}`);
  return m[1];
}

async function open(page, url, clock) {
  await page.goto(url);
  await page.locator('#clock').waitFor();
  if (clock) await page.waitForFunction((c) => document.querySelector('#clock')?.textContent === c, clock);
}

export default [
  {
    name: 'export downloads the trace; importing it back gives the same clock and safety banner',
    async run(t) {
      const { page } = t;
      // A counterexample after its violation: the banner has something to say.
      await open(page, t.url('/?s=bug-minority-quorum&seed=41&t=3000000'), 't = 3.000 s');
      const clock = await text(page, '#clock');
      const safety = await text(page, '#safety');
      assert.match(safety, /Safety violated: learned-is-chosen/);

      const { name, file, json } = await exportTrace(page);
      assert.equal(name, 'paxoscope-bug-minority-quorum-seed41-t3000.json');
      assert.equal(json.version, 2);
      assert.equal(json.config.protocol.nodes, 5);
      assert.ok(json.events.some((e) => e.kind === 'violation'), 'the violation is in the record');
      assert.equal(json.seed, 41);
      assert.equal(json.cursor_us, 3000000);
      assert.ok(json.events.length > 50, `${json.events.length} events`);
      t.metric('exported events', json.events.length);

      // Somewhere else entirely, then import the file.
      await open(page, t.url('/?s=cold-start-3'), 't = 0.000 s');
      assert.match(await text(page, '#safety'), /Safety holds/);
      await page.setInputFiles('#import-file', file);
      const notices = await noticeContaining(page, 'Trace loaded');
      assert.match(notices, /reproduced every recorded event/);
      assert.equal(await text(page, '#clock'), clock);
      assert.equal(await text(page, '#safety'), safety);
    },
  },
  {
    name: 'malformed, unknown-version and oversized files are refused and the run is kept',
    async run(t) {
      const { page } = t;
      await open(page, t.url('/?s=leader-crash&seed=7&t=9000000'), 't = 9.000 s');
      const before = await text(page, '#clock');
      const url = page.url();

      await page.setInputFiles('#import-file', {
        name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 1, "seed": '),
      });
      let notices = await noticeContaining(page, 'That file was not loaded');
      assert.match(notices, /ends in the middle of its JSON.*Your current run is unchanged/);

      await page.setInputFiles('#import-file', {
        name: 'future.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 99, "seed": 1}'),
      });
      notices = await noticeContaining(page, 'version 99');

      // Bigger than the 32 MB limit: refused before it is read.
      const huge = path.join(await mkdtemp(path.join(tmpdir(), 'paxoscope-e2e-')), 'huge.json');
      await writeFile(huge, Buffer.alloc(33 * 1024 * 1024, 0x20));
      await page.setInputFiles('#import-file', huge);
      notices = await noticeContaining(page, 'traces up to 32 MB');
      assert.match(notices, /33\.0 MB/);

      assert.equal(await text(page, '#clock'), before);
      assert.equal(page.url(), url, 'the share link (the run) is unchanged');
      assert.match(await text(page, '#safety'), /Safety holds/);
    },
  },
  {
    name: 'the share link is copied and reproduces the run in a new page',
    async run(t) {
      const { page, context } = t;
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(t.baseUrl).origin });
      await open(page, t.url('/?s=leader-crash'), 't = 0.000 s');
      // Do things: play a while, crash a node, move on.
      await page.click('#play');
      await page.waitForFunction(() => parseFloat(document.querySelector('#clock').textContent.slice(4)) > 1.5);
      await page.click('#play');
      await page.click('.faults button[data-node="4"]');
      await page.click('#step-phase');
      await page.click('#share');
      await page.locator('#share-copied').waitFor();
      const link = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(link, page.url());
      assert.match(link, /[?&]iv=[^&]*crash:4/);
      const clock = await text(page, '#clock');
      const mine = (await exportTrace(page)).json;

      const other = await context.newPage();
      await open(other, link, clock);
      assert.equal(await text(other, '#clock'), clock);
      const theirs = (await exportTrace(other)).json;
      assert.equal(theirs.events.length, mine.events.length, 'same event count');
      assert.deepEqual(theirs.events, mine.events, 'same events');
      t.metric('events at the shared moment', mine.events.length);
      await other.close();
    },
  },
  {
    name: 'without clipboard access the link is shown to copy by hand',
    async run(t) {
      const { page } = t;
      await page.addInitScript(() => {
        navigator.clipboard.writeText = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));
      });
      await open(page, t.url('/?s=cold-start-5&seed=9&t=2000000'), 't = 2.000 s');
      await page.click('#share');
      const field = page.locator('#share-manual');
      await field.waitFor();
      assert.equal(await field.inputValue(), page.url());
      assert.ok(await field.evaluate((el) => document.activeElement === el), 'the field has focus');
    },
  },
  {
    name: '"Copy as Rust test" shows a test with the run\'s hash and copies it',
    async run(t) {
      const { page, context } = t;
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(t.baseUrl).origin });
      await open(page, t.url('/?s=leader-crash&seed=7&t=14000000&iv=8000000:crash-leader,9000000:crash:2'), 't = 14.000 s');
      await page.click('#rust-test');
      const code = await page.locator('#rust-test-code').inputValue();
      // The same run is committed in tests/replays.rs: the dialog gives the hash pinned there
      // (read from the file, so the two cannot drift apart).
      assert.match(code, /fn replay_leader_crash_seed7_at_14000ms\(\)/);
      assert.match(code, new RegExp(`assert_eq!\\(hash, ${await pinnedHash('replay_leader_crash_seed7_at_14000ms')}\\);`));
      assert.match(await text(page, '#rust-test-hint'), /tests\//);
      await page.click('#copy-rust-test');
      await page.getByText('Copied ✓').waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), code);
      await page.keyboard.press('Escape');
      await page.locator('#rust-test-code').waitFor({ state: 'detached' });
    },
  },
  {
    name: 'the dueling lab: no leader without backoff, a leader with random backoff',
    async run(t) {
      const { page } = t;
      await open(page, t.url('/?s=dueling-no-backoff'), 't = 0.000 s');
      await page.click('#compare-duel');
      await page.locator('.duel').waitFor();
      assert.equal(await page.locator('.duel-side svg.cluster').count(), 2);
      assert.equal(await page.locator('.duel-side.left .duel-policy').inputValue(), 'none');
      assert.equal(await page.locator('.duel-side.right .duel-policy').inputValue(), 'uniform');
      await page.locator('#duel-speed').fill('130'); // 20× real time
      await page.click('#duel-play');
      await page.waitForFunction(
        () => document.querySelector('.duel-side.right .duel-leader')?.textContent.startsWith('leader elected'),
        null,
        { timeout: 15000 },
      );
      await page.waitForFunction(() => parseFloat(document.querySelector('#duel-clock').textContent.slice(4)) > 6);
      await page.click('#duel-play');
      const left = await text(page, '.duel-side.left .duel-leader');
      const right = await text(page, '.duel-side.right .duel-leader');
      assert.equal(left, 'no leader yet');
      assert.match(right, /^leader elected at t = \d+\.\d{3} s/);
      const pre = async (side) => Number(await text(page, `.duel-side.${side} .preempted`));
      assert.ok((await pre('left')) > (await pre('right')), 'more pre-empted ballots without backoff');
      t.metric('duel', `${await text(page, '#duel-clock')}; left ${left} (${await pre('left')} pre-empted); right ${right}`);
      await t.screenshot('duel');
      await page.click('#close-duel');
      await page.locator('.stage').waitFor();
    },
  },
];
