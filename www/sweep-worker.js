// A Web Worker of the Experiments tab: loads the app's own wasm module (its start function
// sees no window and mounts nothing) and computes chunks of a sweep with `sweep_chunk`.
//
// Message in:  a ChunkRequest as JSON (src/lab/experiments.rs): job, query, setting, first, count
// Message out: a ChunkReply as JSON: the job and its CSV rows, or why there are none
// Both ends are typed Rust; this script only carries the text. The page terminates the worker
// to cancel; each chunk is small, so that is quick.
import init, { sweep_chunk } from '../pkg/paxoscope.js';

const ready = init();

self.onmessage = async (event) => {
  let reply;
  try {
    await ready;
    reply = sweep_chunk(String(event.data));
  } catch (err) {
    reply = JSON.stringify({ job: 0, rows: { Err: `the worker failed: ${err && err.message ? err.message : err}` } });
  }
  self.postMessage(reply);
};
