/** `faultline down`: stops the lab a `faultline up` is running. */
import { isAlive } from '../../process-alive';
import { readState, removeState } from '../state';
import { checkFlags, type ParsedArgs } from '../args';

export const DOWN_HELP = `Usage: faultline down

Stops the lab started by \`faultline up\` (found through .lab/up.json): SIGTERM to the up process, which
stops every pod; pods still alive after 10 s are killed by PID.`;

async function waitGone(pids: number[], timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pids.some(isAlive)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !pids.some(isAlive);
}

export async function down(args: ParsedArgs): Promise<number> {
  checkFlags(args, []);
  const state = readState();
  if (!state) {
    process.stdout.write('no lab is running\n');
    return 0;
  }
  const podPids = state.pods.map((p) => p.pid).filter((pid): pid is number => pid !== undefined);
  if (isAlive(state.pid)) process.kill(state.pid, 'SIGTERM');
  if (!(await waitGone([state.pid, ...podPids], 10_000))) {
    for (const pid of [state.pid, ...podPids].filter(isAlive)) process.kill(pid, 'SIGKILL');
  }
  removeState();
  process.stdout.write(`lab stopped (pid ${state.pid})\n`);
  return 0;
}
