// A Web Worker of the Experiments tab: loads the app's own wasm module (its start function
// sees no window and mounts nothing) and computes chunks of a sweep with `sweep_chunk`.
//
// Message in:  "JOB SETTING FIRST COUNT QUERY"  (QUERY: the sweep's x… link parameters)
// Message out: "JOB\n" + CSV lines (one per run), or "JOB\nerror: WHY"
// The page terminates the worker to cancel; each chunk is small, so that is quick.
import init, { sweep_chunk } from '../pkg/paxoscope.js';

const ready = init();

self.onmessage = async (event) => {
  const [job, setting, first, count, query] = String(event.data).split(' ');
  let reply;
  try {
    await ready;
    reply = sweep_chunk(query ?? '', Number(setting), Number(first), Number(count));
  } catch (err) {
    reply = `error: ${err && err.message ? err.message : err}`;
  }
  self.postMessage(`${job}\n${reply}`);
};
