/** Worker-thread side of columnDriftMany: runs columnDrift on the columns it is sent. */
import { parentPort } from 'node:worker_threads';
import { columnDrift } from './column-drift.js';
import type { DriftTask, DriftTaskReply } from './drift-task.js';

parentPort?.on('message', (task: DriftTask) => {
  let reply: DriftTaskReply;
  try {
    reply = { id: task.id, result: columnDrift(task.reference, task.current, task.options) };
  } catch {
    // The caller reruns a failed column on its own thread, so that it throws the original error.
    reply = { id: task.id, failed: true };
  }
  parentPort?.postMessage(reply);
});
