/** Entry point of a `builtin/detect` worker thread: loads centernet once, then detects per frame. */
import { workerData } from 'node:worker_threads';
import { loadCenternet } from './centernet.js';
import type { Detection, DetectInput, DetectWorkerData } from './detect-protocol.js';
import { serveJobs } from './worker-pool.js';

serveJobs<DetectInput, Detection[]>(async () => {
  const centernet = await loadCenternet(workerData as DetectWorkerData);
  return async ({ pixels }) => ({ output: await centernet.detect(pixels) });
});
