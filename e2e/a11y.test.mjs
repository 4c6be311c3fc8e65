// Accessibility as a test: axe-core over every state a lecturer shows a room — the default page,
// each guided tour's first step, Break Paxos after a counterexample, the dueling lab, the help
// dialog, the inspector and presenter mode — at a laptop's 1280×800 and a phone's 390×844.
// A serious or critical violation fails the test; moderate and minor ones are logged.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];
const TOURS = ['first-election', 'dueling', 'leader-crash', 'timestamp-bound', 'partitioned-leader', 'atlasdb'];

// Runs axe on the page as it is now; returns the violations, worst first, as short lines.
async function audit(t, label) {
  const { page } = t;
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ content: AXE });
  }
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.length,
      where: v.nodes.slice(0, 3).map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n')[1]?.trim() ?? ''}`),
    }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const other = violations.filter((v) => !bad.includes(v));
  t.metric(`axe ${label}`, `${bad.reduce((n, v) => n + v.nodes, 0)} serious/critical, ${other.reduce((n, v) => n + v.nodes, 0)} moderate/minor${other.length ? ` (${other.map((v) => v.id).join(', ')})` : ''}`);
  return bad.map((v) => `${v.impact} ${v.id} ×${v.nodes}\n    ${v.where.join('\n    ')}`);
}

// Opens `query` at each viewport, lets `setup` bring the page to the state to audit, audits it.
async function auditAt(t, name, query, setup) {
  const problems = [];
  for (const vp of VIEWPORTS) {
    await t.page.setViewportSize(vp);
    await t.page.goto(t.url(query));
    await t.page.locator('#safety').waitFor();
    if (setup) await setup(t.page);
    const label = `${name} ${vp.width}×${vp.height}`;
    problems.push(...(await audit(t, label)).map((p) => `${label}: ${p}`));
  }
  assert.deepEqual(problems, [], `axe found serious or critical problems:\n${problems.join('\n')}`);
}

export default [
  {
    name: 'axe: the default page',
    run: (t) => auditAt(t, 'default page', '/', async (page) => page.locator('svg.cluster .node').first().waitFor()),
  },
  ...VIEWPORTS.map((vp) => ({
    name: `axe: each guided tour's first step at ${vp.width}×${vp.height}`,
    async run(t) {
      const problems = [];
      {
        await t.page.setViewportSize(vp);
        for (const tour of TOURS) {
          await t.page.goto(t.url(`/?tour=${tour}.1`));
          await t.page.locator(`.tour-card[data-tour="${tour}"][data-step="1"]`).waitFor();
          const label = `tour ${tour}.1 ${vp.width}×${vp.height}`;
          problems.push(...(await audit(t, label)).map((p) => `${label}: ${p}`));
        }
      }
      assert.deepEqual(problems, [], `axe found serious or critical problems:\n${problems.join('\n')}`);
    },
  })),
  {
    name: 'axe: Break Paxos after a counterexample',
    run: (t) => auditAt(t, 'break paxos', '/?s=cold-start-5', async (page) => {
      await page.locator('#tab-break-paxos').click();
      await page.locator('#cx-minority-quorum').click();
      await page.locator('.bp-verdict.violated').waitFor();
    }),
  },
  {
    name: 'axe: the dueling lab',
    run: (t) => auditAt(t, 'dueling lab', '/?s=dueling-no-backoff', async (page) => {
      await page.locator('#compare-duel').click();
      await page.locator('.duel .duel-side').first().waitFor();
      await page.locator('#duel-step').click();
    }),
  },
  {
    name: 'axe: the help dialog',
    run: (t) => auditAt(t, 'help dialog', '/', async (page) => {
      await page.locator('.help-button').click();
      await page.locator('[role="dialog"]').waitFor();
    }),
  },
  {
    name: 'axe: the inspector on a node (and its toolbar on the picture)',
    run: (t) => auditAt(t, 'inspector', '/?s=leader-crash&t=9000000', async (page) => {
      await page.locator('svg.cluster .node[data-node="2"]').click();
      await page.locator('#inspector[data-node="2"]').waitFor();
      await page.locator('.context-toolbar').waitFor();
    }),
  },
  {
    name: 'axe: the inspector on a travelling message',
    run: (t) => auditAt(t, 'message inspector', '/?s=dueling-no-backoff&t=2000000', async (page) => {
      await page.locator('.msg-hits .msg:not(.dropped)').first().click();
      await page.locator('#ctx-drop').waitFor();
    }),
  },
  {
    name: 'axe: presenter mode',
    run: (t) => auditAt(t, 'presenter mode', '/?tour=leader-crash.1&present=1', async (page) => {
      await page.locator('.app.presenter').waitFor();
      await page.locator('.tour-card[data-step="1"]').waitFor();
    }),
  },
];
