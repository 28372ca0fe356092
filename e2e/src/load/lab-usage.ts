/** CPU time and resident memory of a set of processes (the lab's pods and `faultline up`), from /proc. */
import { readFileSync } from 'node:fs';

export interface Usage {
  /** user + system CPU seconds of the processes still alive. */
  cpuSeconds: number;
  rssBytes: number;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

/** Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted after the parenthesised command name. */
export function cpuTicks(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export function rssOf(status: string): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  return kb === undefined ? 0 : Number(kb) * 1024;
}

export function usage(pids: readonly number[]): Usage {
  let ticks = 0;
  let rssBytes = 0;
  for (const pid of pids) {
    try {
      ticks += cpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      rssBytes += rssOf(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      // gone (a pod restarted): counts as nothing
    }
  }
  return { cpuSeconds: ticks / TICKS, rssBytes };
}

/** CPU seconds the whole machine has been busy (all cores, /proc/stat: everything but idle and iowait). */
export function machineBusySeconds(stat = readFileSync('/proc/stat', 'utf8')): number {
  const [, ...ticks] = (stat.split('\n')[0] ?? '').trim().split(/\s+/).map(Number);
  const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - (ticks[3] ?? 0) - (ticks[4] ?? 0)) / TICKS;
}
