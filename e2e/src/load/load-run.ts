/**
 * `npm run test:load`: k6 found first (nothing is started without it), then the lab (a running one, or one
 * started here), then each script in turn with the lab's URLs, then the lab stopped if it was started here,
 * and one table. A script that cannot run is a row that says why; the others still run.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { findK6, K6_INSTALL_HINT } from './k6-binary';
import { type K6RunResult, passed, runK6 } from './k6-run';
import { type LabSession, runningLab, startLab } from './lab-session';
import type { LoadOptions } from './options';
import { scriptUrls, selectScripts } from './scripts';
import { formatReport } from './table';

export interface LoadIo {
  out(line: string): void;
  err(line: string): void;
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C / SIGTERM: the running script is interrupted, the rest skipped, the lab stopped. */
  signal: AbortSignal;
}

/** Longest a single script may run: its own duration at this time scale, plus start-up and graceful stops. */
function scriptTimeoutMs(timeScale: number): number {
  return Math.round(120_000 * timeScale) + 90_000;
}

export async function runLoad(options: LoadOptions, io: LoadIo): Promise<number> {
  const started = Date.now();
  const scripts = selectScripts(options.scripts);
  const k6 = findK6(io.env);
  if (!k6) {
    io.err(K6_INSTALL_HINT);
    return 2;
  }
  let lab: LabSession | undefined = runningLab();
  if (!lab && !options.start) {
    io.err('no lab is running and --no-start was given: start one with `npm start` (or `npx faultline up`), or drop --no-start');
    return 2;
  }
  mkdirSync(options.outDir, { recursive: true });
  if (lab) io.out(`using the running lab (faultline up, pid ${lab.state.pid})`);
  else {
    const logFile = path.join(options.outDir, 'lab.log');
    io.out(`starting the lab (build, faultline up; output in ${logFile})`);
    lab = await startLab({ logFile });
    io.out(`lab ready: ${lab.state.pods.length} pods, ${lab.state.services.length} Services`);
  }

  const results: K6RunResult[] = [];
  try {
    for (const script of scripts) {
      if (io.signal.aborted) break;
      const { env: urls, missing } = scriptUrls(script, (service) => lab.serviceUrl(service));
      if (missing.length) {
        results.push({ name: script.name, exitCode: null, durationMs: 0, logFile: '-', error: `the lab has no ${missing.join(', ')} Service (not built? node e2e/bin/build-lab.mjs)` });
        continue;
      }
      io.out(`k6 run ${path.relative(process.cwd(), script.file)} (${Object.entries(urls).map(([k, v]) => `${k}=${v}`).join(' ')})`);
      const result = await runK6({
        k6,
        name: script.name,
        script: script.file,
        vars: { ...urls, SCALE: String(options.scale), TIME_SCALE: String(options.timeScale) },
        outDir: options.outDir,
        reportFile: options.report && script.report ? path.join(options.outDir, `${script.name}.html`) : undefined,
        timeoutMs: scriptTimeoutMs(options.timeScale),
        signal: io.signal,
      });
      results.push(result);
    }
  } finally {
    if (lab.started) {
      io.out('stopping the lab started for this run');
      await lab.stop();
    }
  }

  io.out('');
  for (const line of formatReport(results)) io.out(line);
  io.out('');
  const reports = results.filter((r) => r.reportFile).map((r) => r.reportFile as string);
  if (options.report) {
    const skipped = scripts.filter((s) => s.report && results.some((r) => r.name === s.name && !r.reportFile)).map((s) => s.name);
    if (reports.length) io.out(`reports: ${reports.join(' ')}`);
    if (skipped.length) io.out(`no report for ${skipped.join(', ')} (k6 writes none for a run too short to plot; see its log)`);
  }
  const ok = results.filter(passed).length;
  io.out(`${ok} of ${scripts.length} scripts passed; test:load took ${((Date.now() - started) / 1000).toFixed(1)} s (logs and summaries in ${options.outDir})`);
  if (io.signal.aborted) return 130;
  return ok === scripts.length && results.length === scripts.length ? 0 : 1;
}
