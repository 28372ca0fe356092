/**
 * One `k6 run` of a script: the values it reads passed with -e, its console output into a log file, its
 * summary exported as JSON and read back, optionally k6's web dashboard report exported as HTML (no
 * dashboard server is started). Bounded in time: k6 is interrupted at the deadline, killed 15 s later.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseSummary, type RunSummary } from './summary';

export interface K6RunOptions {
  k6: string;
  /** A name for the run: its log is <outDir>/<name>.log. */
  name: string;
  script: string;
  /** Values the script reads from __ENV (k6 run -e NAME=value). */
  vars: Record<string, string>;
  outDir: string;
  /** Where k6's web dashboard writes its HTML report; none when undefined. */
  reportFile?: string;
  timeoutMs: number;
  /**
   * Aborting interrupts k6 (SIGINT: it stops the test and still writes its summary) after a grace of 3 s, in
   * which a k6 that got the terminal's Ctrl-C itself has ended: a second SIGINT would cut its summary.
   */
  signal?: AbortSignal;
}

export interface K6RunResult {
  name: string;
  /** k6's exit code: 0 passed, 99 thresholds failed, others an error (null: killed by a signal). */
  exitCode: number | null;
  durationMs: number;
  logFile: string;
  summary?: RunSummary;
  /** The HTML report, when k6 wrote one (it skips runs too short to plot). */
  reportFile?: string;
  /** Why the run did not complete as a test: k6's own error line, a timeout, an unreadable summary. */
  error?: string;
  /** The last request k6 could not make at all (refused, reset, timed out), as k6 logged it. */
  requestError?: string;
}

/** k6 exit code 99: the test ran and a threshold failed. */
export const THRESHOLDS_FAILED = 99;

/** The last `level=error` message of a k6 log (logfmt, `msg="..."`), else its last non-empty line. */
export function lastError(log: string): string | undefined {
  const lines = log.split('\n').filter((line) => line.trim() !== '');
  const errors = lines.filter((line) => /level=(error|fatal)/.test(line));
  const line = errors.at(-1) ?? lines.at(-1);
  if (line === undefined) return undefined;
  const msg = /msg="((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
  return (msg === undefined ? line : msg.replace(/\\"/g, '"').replace(/\\n/g, ' ')).trim().slice(0, 300);
}

/** The error of the last `Request Failed` warning of a k6 log: `Get "http://…": dial tcp …: connection refused`. */
export function lastRequestError(log: string): string | undefined {
  const line = log
    .split('\n')
    .filter((l) => l.includes('msg="Request Failed"'))
    .at(-1);
  const error = line && /error="((?:[^"\\]|\\.)*)"/.exec(line)?.[1];
  return error ? error.replace(/\\"/g, '"').slice(0, 300) : undefined;
}

export function k6Args(options: Pick<K6RunOptions, 'script' | 'vars'>, summaryFile: string): string[] {
  return [
    'run',
    '--quiet',
    '--no-color',
    '--no-usage-report',
    // No REST API server: two runs at once (npm test beside npm run test:load) must not collide on its port.
    '--address=',
    `--summary-export=${summaryFile}`,
    ...Object.entries(options.vars).flatMap(([name, value]) => ['-e', `${name}=${value}`]),
    options.script,
  ];
}

export function dashboardEnv(reportFile: string | undefined): Record<string, string> {
  if (!reportFile) return {};
  // Port -1: export only, no dashboard server. A 2 s period gives even a 30 s run enough points to plot.
  return { K6_WEB_DASHBOARD: 'true', K6_WEB_DASHBOARD_PORT: '-1', K6_WEB_DASHBOARD_PERIOD: '2s', K6_WEB_DASHBOARD_EXPORT: reportFile };
}

export async function runK6(options: K6RunOptions): Promise<K6RunResult> {
  const logFile = path.join(options.outDir, `${options.name}.log`);
  const summaryFile = path.join(options.outDir, `${options.name}.summary.json`);
  rmSync(summaryFile, { force: true });
  if (options.reportFile) rmSync(options.reportFile, { force: true });
  const log = openSync(logFile, 'w');
  const started = Date.now();
  let timedOut = false;
  const exit = await new Promise<{ code: number | null; error?: Error }>((resolve) => {
    const child = spawn(options.k6, k6Args(options, summaryFile), {
      stdio: ['ignore', log, log],
      env: { ...process.env, K6_NO_USAGE_REPORT: 'true', ...dashboardEnv(options.reportFile) },
    });
    let killTimer: NodeJS.Timeout | undefined;
    const interrupt = () => {
      if (child.exitCode !== null || child.signalCode !== null || killTimer) return;
      child.kill('SIGINT');
      killTimer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    };
    const deadline = setTimeout(() => {
      timedOut = true;
      interrupt();
    }, options.timeoutMs);
    let graceTimer: NodeJS.Timeout | undefined;
    const abort = () => {
      graceTimer = setTimeout(interrupt, 3_000);
    };
    options.signal?.addEventListener('abort', abort, { once: true });
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('exit', (code) => {
      clearTimeout(deadline);
      clearTimeout(killTimer);
      clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', abort);
      resolve({ code });
    });
  });
  closeSync(log);
  const result: K6RunResult = { name: options.name, exitCode: exit.code, durationMs: Date.now() - started, logFile };
  if (existsSync(summaryFile)) {
    try {
      result.summary = parseSummary(JSON.parse(readFileSync(summaryFile, 'utf8')));
    } catch (error) {
      result.error = `unreadable summary ${summaryFile}: ${(error as Error).message}`;
    }
  }
  if (options.reportFile && existsSync(options.reportFile)) result.reportFile = options.reportFile;
  result.requestError = lastRequestError(readFileSync(logFile, 'utf8'));
  if (exit.error) result.error = `could not run ${options.k6}: ${exit.error.message}`;
  else if (timedOut) result.error = `stopped after ${Math.round(options.timeoutMs / 1000)} s (time limit)`;
  else if (exit.code !== 0 && exit.code !== THRESHOLDS_FAILED) {
    result.error = `k6 exit ${exit.code ?? 'by signal'}: ${lastError(readFileSync(logFile, 'utf8')) ?? 'no output'}`;
  }
  return result;
}

/** Whether a run passed: k6 exited 0, every threshold held, nothing went wrong. */
export function passed(result: K6RunResult): boolean {
  return result.exitCode === 0 && result.error === undefined && (result.summary?.thresholds.every((t) => t.passed) ?? false);
}
