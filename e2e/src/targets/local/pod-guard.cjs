// Preloaded into every pod process of the local target (`node --require pod-guard.cjs`): when the
// harness that started the pod is gone (killed without a chance to clean up), the pod exits too,
// so no process outlives the lab. Polls the parent PID; the timer does not keep the process alive.
'use strict';
const parent = process.ppid;
const timer = setInterval(() => {
  let alive = process.ppid === parent;
  if (alive) {
    try {
      process.kill(parent, 0);
    } catch {
      alive = false;
    }
  }
  if (!alive) process.kill(process.pid, 'SIGKILL');
}, 500);
timer.unref();
