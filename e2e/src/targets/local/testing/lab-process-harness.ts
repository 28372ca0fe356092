// A harness stand-in for lab-process.spec.ts: starts one LabProcess (a small HTTP server), prints its PID,
// then waits to be killed.
import { LabProcess } from '../lab-process';

const port = Number(process.argv[2]);
void LabProcess.start({
  name: 'test server',
  command: process.execPath,
  args: ['-e', `require('node:http').createServer((_q, r) => r.end('ok')).listen(${port}, '127.0.0.1')`],
  readyUrl: `http://127.0.0.1:${port}/`,
  readyTimeoutMs: 10_000,
}).then((lab) => {
  process.stdout.write(`${lab.pid}\n`);
  setInterval(() => undefined, 1_000);
});
