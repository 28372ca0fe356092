/** The state file of a running `faultline up`: how `down`, `fault` and `trace` find the lab. */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WORKSPACE_ROOT } from '../targets/local/paths';
import type { PodInfo, ServiceInfo } from '../targets/target';
import { isAlive } from '../process-alive';

export interface LabState {
  pid: number;
  startedAt: string;
  adminToken: string;
  zipkinUrl: string;
  /** The trace UI (Zipkin's Lens) when the lab runs it: http://127.0.0.16:9411/zipkin/ */
  traceUiUrl?: string;
  /** The lab's Prometheus when it runs: http://127.0.0.90:9090 */
  prometheusUrl?: string;
  services: ServiceInfo[];
  pods: PodInfo[];
}

export const STATE_FILE = process.env.FAULTLINE_STATE ?? path.join(WORKSPACE_ROOT, '.lab', 'up.json');

export function writeState(state: LabState): void {
  mkdirSync(path.dirname(STATE_FILE), { recursive: true });
  writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

export function readState(): LabState | undefined {
  try {
    return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

export function removeState(): void {
  rmSync(STATE_FILE, { force: true });
}

/** The running lab's state, or an error telling the user to start one. */
export function requireRunningLab(): LabState {
  const state = readState();
  if (!state || !isAlive(state.pid)) throw new Error('no lab is running: start one with `npm start` in another terminal (it builds the apps, then runs the lab)');
  return state;
}
