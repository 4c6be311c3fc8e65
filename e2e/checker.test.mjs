// End-to-end: the Checker tab runs the model checker in a module Web Worker. The AtlasDB preset
// finds the accept-without-state counterexample, which opens in the visualizer as a normal run
// at its violation (banner, picture, space-time diagram); a long check shows live progress and
// Cancel terminates its worker; a bad field or link is refused in words; a check link reruns it;
// axe finds nothing serious.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

// Runs before the app: counts workers made and terminated, and which scripts they run.
function countWorkers() {
  const Base = window.Worker;
  const w = { made: 0, terminated: 0, scripts: [] };
  window.__workers = w;
  window.Worker = class extends Base {
    constructor(url, ...rest) {
      super(url, ...rest);
      w.made++;
      w.scripts.push(String(url));
    }
    terminate() {
      w.terminated++;
      super.terminate();
    }
  };
}

const status = (page) =>
  page.evaluate(() => {
    const s = document.querySelector('#check-status');
    return s && { status: s.dataset.status, unique: Number(s.dataset.unique), text: s.textContent.trim() };
  });
const waitStatus = (page, want, timeout = 30000) =>
  page.waitForFunction((w) => document.querySelector('#check-status')?.dataset.status === w, want, { timeout });

async function openTab(t) {
  await t.page.addInitScript(countWorkers);
  await t.page.goto(t.url('/'));
  await t.page.click('#tab-checker');
  await t.page.locator('#check-run').waitFor();
}

export default [
  {
    name: "the AtlasDB preset finds accept-without-state and it opens in the visualizer at the violation",
    async run(t) {
      const { page } = t;
      await openTab(t);
      assert.equal((await status(page)).status, 'idle');
      await page.click('#check-preset-atlasdb');
      await waitStatus(page, 'done');
      const scripts = await page.evaluate(() => window.__workers.scripts);
      assert.ok(scripts.some((s) => s.includes('check-worker.js')), `ran in a Web Worker: ${scripts}`);
      // The worker is terminated once the result is in.
      await page.waitForFunction(() => window.__workers.terminated >= 1);
      const result = page.locator('#check-result');
      assert.equal(await result.getAttribute('data-verdict'), 'VIOLATION');
      assert.match(await page.textContent('#check-verdict'), /VIOLATION of promise-reports-accepted/);
      assert.match((await status(page)).text, /^VIOLATION: [\d,]+ unique states in \d+/);
      const moves = await page.locator('#check-moves li').allTextContents();
      assert.ok(moves.length >= 3, `moves listed: ${moves}`);
      assert.ok(moves.some((m) => m.startsWith('deliver Accept')), moves.join(' | '));
      // The live counters are there, and the CLI command is the same check.
      assert.ok(Number(await page.getAttribute('#check-numbers', 'data-unique')) > 1);
      assert.match(await page.textContent('#check-cli'), /^paxoscope check --nodes 3 --log leadership --bfs .* --protocol atlasdb$/);
      assert.match(await page.textContent('#check-report'), /verdict: VIOLATION of promise-reports-accepted/);
      await t.screenshot('violation');

      await page.click('#check-open');
      // A normal run, paused just after the violation: the banner, the picture's explanation,
      // the space-time diagram.
      await page.locator('#safety.violated').waitFor();
      assert.match(await page.textContent('#safety'), /Safety violated: promise-reports-accepted/);
      await page.locator('#tab-spacetime[aria-selected="true"]').waitFor();
      await page.locator('svg.spacetime, .spacetime svg').first().waitFor();
      const picture = await page.textContent('section.picture');
      assert.match(picture, /promise-reports-accepted/, 'the violation picture explains it');
      assert.match(await page.textContent('.notices'), /model checker's counterexample/);
      // Time travel works on it: one step back is before the violation.
      await page.click('#safety');
      await page.keyboard.press('ArrowLeft');
      await page.locator('#safety.holds').waitFor();
      // The Checker tab still has the result.
      await page.click('#tab-checker');
      assert.equal(await page.getAttribute('#check-result', 'data-verdict'), 'VIOLATION');
      await t.screenshot('opened');
    },
  },
  {
    name: 'a long check shows live progress and Cancel terminates its worker',
    async run(t) {
      const { page } = t;
      await openTab(t);
      // The duel with a crash: 155 M unique states even reduced, so it is still running
      // whatever this machine's speed when Cancel comes.
      await page.selectOption('#check-search', 'dfs');
      await page.fill('#check-crashes', '1');
      await page.fill('#check-max-depth', '');
      await page.fill('#check-max-states', '6000000');
      await page.click('#check-run');
      await waitStatus(page, 'running');
      await page.waitForFunction(() => Number(document.querySelector('#check-status')?.dataset.unique) > 0);
      const first = (await status(page)).unique;
      await page.waitForFunction((u) => Number(document.querySelector('#check-status')?.dataset.unique) > u, first, { timeout: 10000 });
      const second = (await status(page)).unique;
      assert.ok(second > first, `progress moves: ${first} → ${second}`);
      assert.ok(Number(await page.getAttribute('#check-progress', 'value')) > 0, 'the progress bar moves');
      assert.equal(await page.getAttribute('#check-progress', 'max'), '6000000');
      assert.match(await page.textContent('#check-numbers'), /unique\/s/);
      assert.ok(await page.isDisabled('#check-run'), 'Run waits while a check runs');
      await t.screenshot('running');
      const made = await page.evaluate(() => window.__workers.made);
      const t0 = Date.now();
      await page.click('#check-cancel');
      await waitStatus(page, 'cancelled');
      await page.waitForFunction((m) => window.__workers.terminated >= m, made);
      t.metric('Cancel to worker terminated', Date.now() - t0, 'ms');
      const s = await status(page);
      assert.match(s.text, /^Cancelled at [\d,]+ unique states/);
      assert.ok(s.unique >= second);
      // Nothing arrives after Cancel.
      await page.waitForTimeout(600);
      assert.equal((await status(page)).status, 'cancelled');
      assert.ok(!(await page.isDisabled('#check-run')));
    },
  },
  {
    name: 'an out-of-range field is refused in words and nothing runs',
    async run(t) {
      const { page } = t;
      await openTab(t);
      await page.fill('#check-nodes', '9');
      await page.click('#check-run');
      await page.locator('#check-form-error').waitFor();
      assert.equal(await page.textContent('#check-form-error'), 'Nodes: 9 is out of range; use 3–5.');
      assert.equal((await status(page)).status, 'idle');
      assert.equal(await page.evaluate(() => window.__workers.made), 0);
      assert.match(await page.textContent('#check-cli'), /fix the form first/);
      // Keyboard: fix it and submit with Enter.
      await page.fill('#check-nodes', '3');
      await page.fill('#check-max-depth', '6');
      await page.focus('#check-max-depth');
      await page.keyboard.press('Enter');
      await waitStatus(page, 'done');
      assert.equal(await page.getAttribute('#check-result', 'data-verdict'), 'SAFE');
    },
  },
  {
    name: 'a check link opens the tab and runs it; the address bar carries the check',
    async run(t) {
      const { page } = t;
      await page.addInitScript(countWorkers);
      await page.goto(t.url('?check=nodes:3,log:leadership,search:bfs,crashes:0,proposers:2,timers:1,bug:minority-quorum'));
      await page.locator('#tab-checker[aria-selected="true"]').waitFor();
      await waitStatus(page, 'done');
      assert.match(await page.textContent('#check-verdict'), /VIOLATION of learned-is-chosen/);
      assert.match(await page.textContent('#check-cli'), /--bug minority-quorum$/);
      await page.waitForFunction(() => location.search.includes('check=') && location.search.includes('bug:minority-quorum'));
      // A bad one is refused in words and runs nothing.
      await page.goto(t.url('?check=nodes:9'));
      await page.locator('#tab-checker[aria-selected="true"]').waitFor();
      assert.match(await page.textContent('.notices'), /Ignored 'check=nodes:9': Nodes: 9 is out of range; use 3–5\./);
      assert.equal((await status(page)).status, 'idle');
    },
  },
  {
    name: 'axe: the Checker tab before and after a check',
    async run(t) {
      const { page } = t;
      const problems = [];
      for (const vp of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
        await page.setViewportSize(vp);
        await openTab(t);
        for (const when of ['before', 'after']) {
          if (when === 'after') {
            await page.click('#check-preset-atlasdb');
            await waitStatus(page, 'done');
          }
          if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ content: AXE });
          const bad = await page.evaluate(async () => {
            const r = await window.axe.run(document, { resultTypes: ['violations'] });
            return r.violations
              .filter((v) => v.impact === 'serious' || v.impact === 'critical')
              .map((v) => `${v.impact} ${v.id} ×${v.nodes.length}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
          });
          problems.push(...bad.map((b) => `${vp.width}×${vp.height} ${when}: ${b}`));
        }
      }
      assert.deepEqual(problems, [], problems.join('\n'));
    },
  },
];
