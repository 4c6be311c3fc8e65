// The Checker tab's Web Worker: loads the app's own wasm module (its start function sees no
// window and mounts nothing) and runs one model check in it, in slices of ~200 ms.
//
// Message in:  a StartCheck as JSON text: {"job":N,"spec":{…}} (src/lab/checker.rs)
// Messages out: FromWorker as JSON text, one key naming the kind: {"progress":{…}} after every
//               slice, then one {"done":{…}} (verdict, report, counterexample trace) or
//               {"failed":{"job":N,"error":"…"}}.
// The page terminates the worker to cancel.
import init, { check_start, check_step, check_busy } from '../pkg/paxoscope.js';

const ready = init();
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

self.onmessage = async (event) => {
  try {
    await ready;
    const refused = check_start(String(event.data));
    if (refused) {
      self.postMessage(refused);
      return;
    }
    do {
      self.postMessage(check_step());
      await tick();
    } while (check_busy());
  } catch (err) {
    const error = `the worker stopped: ${err && err.message ? err.message : err}`;
    self.postMessage(JSON.stringify({ failed: { job: 0, error } }));
  }
};
