// Performance: frame time with 9 nodes and 300+ messages in flight, no animation frames while
// paused, and time to first render of that heavy link.
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
// share the cores with it, so it is noisy; PERF_BUDGET_MS (default 50 ms) guards it against a
// change that makes frames much slower.
import assert from 'node:assert/strict';

// A link with 9 nodes, 40 busy clients and 0.8–1.5 s messages: 320+ messages travelling.
export const HEAVY = '?p=classroom&n=9&cl=40&ct=50&lat=800-1500&t=10000000';
// The target: one 60 Hz frame (PERF_FRAME_MS moves it, e.g. for a 120 Hz display).
const TARGET_MS = Number(process.env.PERF_FRAME_MS ?? 16.7);
const JITTER_MS = 1;
const BUDGET_MS = Number(process.env.PERF_BUDGET_MS ?? 50);
const PLAY_MS = Number(process.env.PERF_PLAY_MS ?? 4000);
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

// Opens the link with the instruments in place; returns the time to first render.
async function open(t) {
  await t.page.addInitScript(instrument);
  await t.page.goto(t.url(URL));
  await t.page.locator('svg.cluster .node').first().waitFor();
  return t.page.evaluate(() => window.__perf.first);
}

export default [
  {
    name: 'heavy link: first render within 1 s, 300+ messages, no animation frames while paused',
    async run(t) {
      const { page } = t;
      const first = await open(t);
      t.metric('time to first render (9 nodes, 320+ messages)', first, 'ms');
      assert.ok(first < 1000, `first render took ${first} ms`);
      const inFlight = await page.locator('.msg-hits .msg:not(.dropped)').count();
      t.metric('messages in flight at the link time', inFlight);
      assert.ok(inFlight >= MIN_MESSAGES, `only ${inFlight} messages in flight`);

      // Play a little, pause: from then on the app must not ask for a single frame.
      await page.locator('#play').click();
      await t.waitForText('#play', 'Pause');
      await page.waitForTimeout(500);
      const playing = await page.evaluate(() => window.__perf.appFrames);
      assert.ok(playing > 5, `only ${playing} frames requested while playing`);
      await page.locator('#play').click();
      await t.waitForText('#play', 'Play');
      await page.waitForTimeout(200);
      const before = await page.evaluate(() => window.__perf.appFrames);
      await page.waitForTimeout(1000);
      const after = await page.evaluate(() => window.__perf.appFrames);
      t.metric('animation frames requested in 1 s while paused', after - before);
      assert.equal(after - before, 0, 'the paused app requested animation frames');
    },
  },
  {
    name: `9 nodes, 300+ messages in flight: p95 frame time within ${TARGET_MS} ms`,
    async run(t) {
      const { page } = t;
      await open(t);
      await page.locator('#play').click();
      await t.waitForText('#play', 'Pause');
      await page.waitForTimeout(300); // let the first frames (JIT, caches) pass
      await page.evaluate(startRecording);
      await page.waitForTimeout(PLAY_MS);
      const { work, gaps, counts } = await page.evaluate(() => window.__perf.stop());
      await page.locator('#play').click();
      assert.ok(work.length > 20, `only ${work.length} frames in ${PLAY_MS} ms`);
      const minCount = Math.min(...counts);
      t.metric('frames recorded', work.length);
      t.metric('messages drawn while playing (incl. fading drops), min / max', `${minCount} / ${Math.max(...counts)}`);
      const late = gaps.filter((g) => g > TARGET_MS * 1.5).length;
      t.metric('frame time p50', pct(gaps, 0.5), 'ms');
      t.metric('frame time p95', pct(gaps, 0.95), 'ms');
      t.metric('frames dropped (interval > 1.5 frames)', `${late} of ${gaps.length} (${(late / gaps.length * 100).toFixed(1)} %)`);
      t.metric('main-thread work per frame p50', pct(work, 0.5), 'ms');
      t.metric('main-thread work per frame p95', pct(work, 0.95), 'ms');
      t.metric('main-thread work per frame max', Math.max(...work), 'ms');
      assert.ok(minCount >= MIN_MESSAGES, `the load fell to ${minCount} messages in flight`);
      assert.ok(pct(gaps, 0.95) <= TARGET_MS + JITTER_MS, `p95 frame time ${pct(gaps, 0.95).toFixed(1)} ms > ${TARGET_MS} ms: ${late} frames dropped`);
      assert.ok(pct(work, 0.95) <= BUDGET_MS, `p95 main-thread work ${pct(work, 0.95).toFixed(1)} ms > ${BUDGET_MS} ms`);
    },
  },
];
