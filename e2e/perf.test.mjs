// Performance: frame time with 9 nodes and 300+ messages in flight, no animation frames while
// paused, and the heavy link's first render and per-frame work compared with a light link's.
//
// Frame time is the time from one presented frame to the next: the interval between the
// timestamps of consecutive `requestAnimationFrame` callbacks. At 60 Hz it is 16.7 ms when the
// page keeps up and 33 ms or more when a frame is dropped, so "p95 frame time ≤ 16.7 ms" means
// at most 5 % of frames are dropped. (Timestamps jitter by a tenth of a millisecond around the
// vsync, hence the 1 ms tolerance; a dropped frame is 16 ms beyond it.)
//
// Headroom is printed too: the main thread's work per frame, from the frame's timestamp to a
// message posted from a frame callback, which runs once the frame's callbacks, Yew's render,
// style, layout and paint are done. On this 2-core machine software raster and compositing
// share the cores with it, so it is noisy.
//
// What is asserted, and how it copes with a loaded machine:
// - p95 frame time ≤ TARGET_MS + 1 ms is a product target and stays an absolute limit. Retry
//   policy: one PLAY_MS window is measured; if it misses the target (or records too few frames
//   to judge), a second window is measured at once on the same page, still playing, and the
//   test fails only if both miss. Both windows' numbers are printed, so a retry is visible.
// - Every other limit is a ratio to a light link (cold-start-5) measured in the same test, so
//   a machine that is slow for everyone does not fail it: the heavy link's first render at most
//   FIRST_RATIO × the light one's (each the best of two loads), and its p95 main-thread work
//   per frame at most WORK_RATIO × the light run's.
// - Counts are exact: 300+ messages in flight, and not one animation frame requested while
//   paused (that window is measured for 1 s on purpose).
import assert from 'node:assert/strict';

// A link with 9 nodes, 40 busy clients and 0.8–1.5 s messages: 320+ messages travelling.
export const HEAVY = '?p=classroom&n=9&cl=40&ct=50&lat=800-1500&t=10000000';
// The light link the ratios compare with: five nodes, few messages, the same 10 s of run.
const LIGHT = '?s=cold-start-5&t=10000000';
// The target: one 60 Hz frame (PERF_FRAME_MS moves it, e.g. for a 120 Hz display).
const TARGET_MS = Number(process.env.PERF_FRAME_MS ?? 16.7);
const JITTER_MS = 1;
// Seen here: the heavy link's first render 0.7–1.5× the light one's (both compute 10 s of run
// before drawing), its p95 work per frame 1.5–3.5× (7–10 ms against 12–24 ms). 6× lets the
// heavy link's work reach about what the old absolute 50 ms budget allowed.
const FIRST_RATIO = Number(process.env.PERF_FIRST_RATIO ?? 3);
const WORK_RATIO = Number(process.env.PERF_WORK_RATIO ?? 6);
const PLAY_MS = Number(process.env.PERF_PLAY_MS ?? 4000);
const LIGHT_PLAY_MS = 2000;
// PERF_URL measures another link (then the 300-message floor is not asserted).
const URL = process.env.PERF_URL ?? HEAVY;
const MIN_MESSAGES = URL === HEAVY ? 300 : 0;

// Runs in the page before the app: counts the app's requestAnimationFrame calls and keeps the
// original for the measuring loop (which must not count itself).
function instrument() {
  const raf = window.requestAnimationFrame.bind(window);
  window.__perf = { appFrames: 0, raf, first: undefined };
  window.requestAnimationFrame = (cb) => {
    window.__perf.appFrames++;
    return raf(cb);
  };
  const mark = () => {
    if (window.__perf.first === undefined && document.querySelector('svg.cluster .node')) {
      window.__perf.first = performance.now();
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(mark);
  observer.observe(document, { childList: true, subtree: true });
}

// Starts recording frames in the page; `window.__perf.stop()` ends it and returns the samples.
function startRecording() {
  const p = window.__perf;
  const work = [];
  const gaps = [];
  const counts = [];
  let last;
  let running = true;
  const channel = new MessageChannel();
  let pending = [];
  channel.port1.onmessage = () => {
    const ts = pending.shift();
    work.push(performance.now() - ts);
    if (work.length % 15 === 0) counts.push(Number(document.querySelector('.msg-canvas')?.dataset.messages ?? 0));
  };
  const frame = (ts) => {
    if (!running) return;
    if (last !== undefined) gaps.push(ts - last);
    last = ts;
    pending.push(ts);
    channel.port2.postMessage(null);
    p.raf(frame);
  };
  p.raf(frame);
  p.stop = () => {
    running = false;
    return { work, gaps, counts };
  };
}

const pct = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

// Puts the instruments in place for every page load of this page (call once per page).
const instrumentPage = (t) => t.page.addInitScript(instrument);

// Loads `link`; returns its time to first render (ms after navigation start).
async function load(t, link) {
  await t.page.goto(t.url(link));
  await t.page.locator('svg.cluster .node').first().waitFor();
  return t.page.evaluate(() => window.__perf.first);
}

// Waits until the app has asked for `n` more animation frames than it had.
async function appFramesPass(page, n) {
  const from = await page.evaluate(() => window.__perf.appFrames);
  await page.waitForFunction((want) => window.__perf.appFrames >= want, from + n);
}

// Waits until two frames in a row pass without the app asking for another: its loop stopped.
const appLoopStops = (page) => page.evaluate(() => new Promise((resolve) => {
  const p = window.__perf;
  let seen = p.appFrames;
  let quiet = 0;
  const frame = () => {
    if (p.appFrames === seen) quiet++;
    else [seen, quiet] = [p.appFrames, 0];
    if (quiet >= 2) resolve();
    else p.raf(frame);
  };
  p.raf(frame);
}));

// Records frames for `ms` while the app plays (the window is the measurement: a fixed time on
// purpose). Returns the samples and their summary.
async function recordWindow(page, ms) {
  await page.evaluate(startRecording);
  await page.waitForTimeout(ms);
  const { work, gaps, counts } = await page.evaluate(() => window.__perf.stop());
  return {
    work,
    gaps,
    counts,
    frameP50: pct(gaps, 0.5),
    frameP95: pct(gaps, 0.95),
    workP50: pct(work, 0.5),
    workP95: pct(work, 0.95),
    late: gaps.filter((g) => g > TARGET_MS * 1.5).length,
  };
}

// Plays the loaded link: starts, lets the first frames (JIT, caches) pass, records one window
// (and a second one when `retry(window)` says the first missed), pauses. Returns the windows.
async function play(t, ms, retry = () => false) {
  const { page } = t;
  await page.locator('#play').click();
  await t.waitForText('#play', 'Pause');
  await appFramesPass(page, 15);
  const windows = [await recordWindow(page, ms)];
  if (retry(windows[0])) windows.push(await recordWindow(page, ms));
  await page.locator('#play').click();
  await t.waitForText('#play', 'Play');
  return windows;
}

const framesOk = (w) => w.gaps.length > 20 && w.frameP95 <= TARGET_MS + JITTER_MS;

function report(t, label, w) {
  t.metric(`${label}: frames recorded`, w.gaps.length + 1);
  t.metric(`${label}: frame time p50 / p95`, `${w.frameP50.toFixed(1)} / ${w.frameP95.toFixed(1)}`, 'ms');
  t.metric(`${label}: frames dropped (interval > 1.5 frames)`,
    `${w.late} of ${w.gaps.length} (${(w.late / Math.max(1, w.gaps.length) * 100).toFixed(1)} %)`);
  t.metric(`${label}: main-thread work per frame p50 / p95 / max`,
    `${w.workP50.toFixed(1)} / ${w.workP95.toFixed(1)} / ${Math.max(...w.work).toFixed(1)}`, 'ms');
}

export default [
  {
    name: `heavy link: first render within ${FIRST_RATIO}× a light link's, 300+ messages, no animation frames while paused`,
    async run(t) {
      const { page } = t;
      await instrumentPage(t);
      // Alternate the loads so both get a warm cache; keep each link's best.
      const [l1, h1, l2, h2] = [await load(t, LIGHT), await load(t, URL), await load(t, LIGHT), await load(t, URL)];
      const [light, heavy] = [Math.min(l1, l2), Math.min(h1, h2)];
      t.metric('time to first render, light link (best of 2)', light, 'ms');
      t.metric('time to first render, 9 nodes and 320+ messages (best of 2)', heavy, 'ms');
      t.metric('first render ratio heavy / light', heavy / light);
      assert.ok(heavy <= FIRST_RATIO * light,
        `the heavy link's first render took ${heavy.toFixed(0)} ms, ${(heavy / light).toFixed(1)}× the light one's ${light.toFixed(0)} ms`);
      const inFlight = await page.locator('.msg-hits .msg:not(.dropped)').count();
      t.metric('messages in flight at the link time', inFlight);
      assert.ok(inFlight >= MIN_MESSAGES, `only ${inFlight} messages in flight`);

      // Play a little, pause: from then on the app must not ask for a single frame.
      await page.locator('#play').click();
      await t.waitForText('#play', 'Pause');
      await appFramesPass(page, 6);
      await page.locator('#play').click();
      await t.waitForText('#play', 'Play');
      await appLoopStops(page);
      const before = await page.evaluate(() => window.__perf.appFrames);
      await page.waitForTimeout(1000); // the measured window
      const after = await page.evaluate(() => window.__perf.appFrames);
      t.metric('animation frames requested in 1 s while paused', after - before);
      assert.equal(after - before, 0, 'the paused app requested animation frames');
    },
  },
  {
    name: `9 nodes, 300+ messages in flight: p95 frame time within ${TARGET_MS} ms (one retry), work within ${WORK_RATIO}× a light run's`,
    async run(t) {
      await instrumentPage(t);
      await load(t, LIGHT);
      const [light] = await play(t, LIGHT_PLAY_MS);
      report(t, 'light link', light);
      await load(t, URL);
      const windows = await play(t, PLAY_MS, (w) => !framesOk(w));
      windows.forEach((w, i) => report(t, `heavy link, window ${i + 1}`, w));
      if (windows.length > 1) t.log('the first window missed the frame target: measured a second one (retry policy)');
      const heavy = windows[windows.length - 1];
      const minCount = Math.min(...heavy.counts);
      t.metric('messages drawn while playing (incl. fading drops), min / max', `${minCount} / ${Math.max(...heavy.counts)}`);
      assert.ok(minCount >= MIN_MESSAGES, `the load fell to ${minCount} messages in flight`);
      assert.ok(framesOk(heavy), windows.map((w, i) => `window ${i + 1}: ${w.gaps.length + 1} frames, `
        + `p95 frame time ${w.frameP95.toFixed(1)} ms > ${TARGET_MS} ms, ${w.late} frames dropped`).join('; '));
      const ratio = heavy.workP95 / light.workP95;
      t.metric('main-thread work p95 ratio heavy / light', ratio);
      assert.ok(ratio <= WORK_RATIO,
        `p95 main-thread work ${heavy.workP95.toFixed(1)} ms is ${ratio.toFixed(1)}× the light run's ${light.workP95.toFixed(1)} ms`);
    },
  },
];
