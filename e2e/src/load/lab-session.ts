/**
 * The lab a load run sends traffic to: the one `faultline up` is running (found through its state file,
 * .lab/up.json), or one this run starts the same way (`npm start` does: build the bundles, `faultline up`)
 * and stops again. URLs always come from the lab's state: each Service's ClusterIP and port.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pollUntil } from '@faultline/test-support';
import { type LabState, readState, removeState } from '../cli/state';
import { isAlive } from '../process-alive';
import { WORKSPACE_ROOT } from '../targets/local/paths';

export interface LabSession {
  /** True when this run started the lab (and stops it). */
  readonly started: boolean;
  readonly state: LabState;
  /** http://ClusterIP:port of a Service, undefined when the lab has none of that name. */
  serviceUrl(service: string): string | undefined;
  /** Stops the lab when this run started it; does nothing to a lab that was already running. */
  stop(): Promise<void>;
}

const FAULTLINE = path.join(WORKSPACE_ROOT, 'e2e', 'bin', 'faultline.cjs');
const BUILD_LAB = path.join(WORKSPACE_ROOT, 'e2e', 'bin', 'build-lab.mjs');

function session(state: LabState, started: boolean, stop: () => Promise<void>): LabSession {
  return {
    started,
    state,
    serviceUrl(service) {
      const found = state.services.find((s) => s.name === service);
      return found && `http://${found.clusterIp}:${found.port}`;
    },
    stop,
  };
}

/** The lab `faultline up` is running now, if any. */
export function runningLab(): LabSession | undefined {
  const state = readState();
  if (!state || !isAlive(state.pid)) return undefined;
  return session(state, false, async () => undefined);
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * Builds the app bundles and runs `faultline up` as a child process (its output in `logFile`) until the lab's
 * state file names it. Throws with the end of its output when it exits first or is not ready in time.
 */
export async function startLab(options: { logFile: string; readyTimeoutMs?: number }): Promise<LabSession> {
  const log = openSync(options.logFile, 'w');
  try {
    const build = spawnSync(process.execPath, [BUILD_LAB], { cwd: WORKSPACE_ROOT, stdio: ['ignore', log, log], timeout: 300_000 });
    if (build.status !== 0) throw new Error(`building the lab failed:\n${tail(options.logFile)}`);
    const child = spawn(FAULTLINE, ['up'], { cwd: WORKSPACE_ROOT, stdio: ['ignore', log, log] });
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      if (!(await exited(child, 20_000))) {
        // `faultline up` did not stop its pods in time: kill them and it by PID, as `faultline down` does.
        const pids = [child.pid, ...(readState()?.pods.map((p) => p.pid) ?? [])].filter((pid): pid is number => pid !== undefined && isAlive(pid));
        for (const pid of pids) process.kill(pid, 'SIGKILL');
        await exited(child, 5_000);
      }
      if (readState()?.pid === child.pid) removeState();
    };
    const state = await pollUntil(
      () => {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`faultline up exited (${child.exitCode ?? child.signalCode}):\n${tail(options.logFile)}`);
        const current = readState();
        return current?.pid === child.pid ? current : undefined;
      },
      { timeoutMs: options.readyTimeoutMs ?? 90_000, intervalMs: 200, what: 'the lab started by faultline up' },
    ).catch(async (error: unknown) => {
      await stop();
      throw error;
    });
    return session(state, true, stop);
  } finally {
    closeSync(log);
  }
}
