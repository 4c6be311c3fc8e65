#!/usr/bin/env node
// The engine benchmark in headless Chromium: the same workload and bare event loop as
// `cargo bench --bench engine` (src/bench.rs), run by the app's own wasm module in a module
// Web Worker (where the app mounts nothing, as in the Experiments tab). Prints lines in the
// native benchmark's format so scripts/bench.sh can put the two side by side.
//
//   BASE_URL=http://127.0.0.1:8080/ node e2e/bench.mjs
//
// Environment: BASE_URL (a server of dist/), CHROMIUM (default /usr/bin/chromium),
// BENCH_STEPS (default 1000000), BENCH_RUNS (best of, default 3); the model-checker workload
// (src/bench.rs `run_check`): BENCH_CHECK_STATES (default 1000000), BENCH_CHECK_RUNS (default 2).
import { chromium } from 'playwright-core';

const BASE_URL = process.env.BASE_URL ?? 'http://127.0.0.1:8080/';
const STEPS = Number(process.env.BENCH_STEPS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CHECK_STATES = Number(process.env.BENCH_CHECK_STATES ?? 1_000_000);
const CHECK_RUNS = Number(process.env.BENCH_CHECK_RUNS ?? 2);

// Runs inside the page: starts a module worker that loads pkg/paxoscope.js and times the
// three measurements, best of `runs`, interleaved so a noisy moment hurts all of them alike.
async function inPage([steps, runs, checkStates, checkRuns]) {
  const src = `
    import init, { bench_engine, bench_bare_loop, bench_check } from '${new URL('pkg/paxoscope.js', location.href)}';
    self.onmessage = async (e) => {
      await init();
      const [steps, runs, checkStates, checkRuns] = e.data;
      const best = { bare: Infinity, plain: Infinity, recorded: Infinity };
      let end = 0;
      for (let i = 0; i < runs; i++) {
        let t = performance.now(); bench_bare_loop(steps); best.bare = Math.min(best.bare, performance.now() - t);
        t = performance.now(); bench_engine(steps, false); best.plain = Math.min(best.plain, performance.now() - t);
        t = performance.now(); end = bench_engine(steps, true); best.recorded = Math.min(best.recorded, performance.now() - t);
      }
      let check = Infinity, unique = 0;
      for (let i = 0; i < checkRuns; i++) {
        const t = performance.now(); unique = bench_check(checkStates); check = Math.min(check, performance.now() - t);
      }
      self.postMessage({ ...best, end, check, unique });
    };`;
  const url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
  const worker = new Worker(url, { type: 'module' });
  return await new Promise((resolve, reject) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => reject(new Error(e.message || 'worker failed'));
    worker.postMessage([steps, runs, checkStates, checkRuns]);
  });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.goto(BASE_URL);
  const r = await page.evaluate(inPage, [STEPS, RUNS, CHECK_STATES, CHECK_RUNS]);
  const rate = (ms) => STEPS / (ms / 1000) / 1e6;
  const line = (label, ms) => console.log(`${label.padEnd(39)}${rate(ms).toFixed(2).padStart(7)} M events/s  (${ms.toFixed(0)} ms)`);
  console.log(`PaxosScope engine benchmark in Chromium (${STEPS} steps per run, best of ${RUNS})`);
  line('bare event loop (heap, no Paxos):', r.bare);
  line('throughput, not recording (swarm):', r.plain);
  line('throughput, recording (browser, CLI):', r.recorded);
  console.log(`ratio to the bare loop: recording ${(r.bare / r.recorded).toFixed(3)}, not recording ${(r.bare / r.plain).toFixed(3)}`);
  if (CHECK_RUNS > 0) {
    const mu = r.unique / (r.check / 1000) / 1e6;
    console.log(`${'checker workload (DFS, 3-node duel):'.padEnd(39)}${mu.toFixed(3).padStart(7)} M unique/s  (${r.check.toFixed(0)} ms; ${r.unique} unique states, best of ${CHECK_RUNS})`);
  }
} finally {
  await browser.close();
}
