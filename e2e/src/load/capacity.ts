/**
 * `npm run bench:load`: the store's capacity on this machine. The shopper script runs at a fixed arrival rate,
 * stepped up by half each time, until a step is not held (order p95 above 1.5 s, more than 1% failed or
 * dropped); prints each step, the highest rate held with the lab's CPU and RSS at that rate, and that figure
 * beside the previous run's (saved in .lab/load/capacity.json). With `--goal RATE` the highest rate held is
 * checked against it: "goal met", or "goal missed" with both figures and exit 1. Uses a running lab or
 * starts one (and stops it), as `npm run test:load` does.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkFlags, parseArgs } from '../cli/args';
import { WORKSPACE_ROOT } from '../targets/local/paths';
import { judgeStep, rates, type StepVerdict } from './capacity-steps';
import { findK6, K6_INSTALL_HINT } from './k6-binary';
import { runK6 } from './k6-run';
import { machineBusySeconds, usage } from './lab-usage';
import { type LabSession, runningLab, startLab } from './lab-session';
import { selectScripts } from './scripts';
import { formatColumns } from './table';
import { GoalReport } from '@faultline/test-support';

const HELP = `Usage: npm run bench:load -- [--start RATE] [--max RATE] [--steps N] [--seconds S] [--goal RATE]

Steps the shopper's arrival rate (shoppers per second, each: page, product list, one order, 1 s pause)
from --start (default 5) by half each step, up to --max (default 400) and --steps (default 8), each step
--seconds long (default 20), until the store no longer holds it: order p95 > 1.5 s, > 1% of requests failed
or > 1% of shoppers dropped. Prints the highest rate held and the lab's CPU (cores busy) and RSS there.
--goal RATE: the rate the store must hold; prints "goal met" or "goal missed" (held vs goal) and exits 1
when missed. Exit codes: 0 done (goal met or none given), 1 goal missed or error, 2 k6 absent, 130 interrupted.`;

interface Step extends StepVerdict {
  rate: number;
  requests: number;
  labCores: number;
  labRssMb: number;
  /** The whole machine, k6 included. */
  machineCores: number;
}

interface Saved {
  date: string;
  machine: string;
  highest?: Step;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(os.totalmem() / 1024 ** 3)} GiB`;
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['start', 'max', 'steps', 'seconds', 'goal']);
  checkFlags(args, ['start', 'max', 'steps', 'seconds', 'goal']);
  if (args.flags.help) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const num = (name: string, fallback: number) => {
    const value = Number(args.flags[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
    return value;
  };
  const [start, max, stepCount, seconds] = [num('start', 5), num('max', 400), num('steps', 8), num('seconds', 20)];
  const goal = args.flags.goal === undefined ? undefined : num('goal', 0);
  const k6 = findK6(process.env);
  if (!k6) {
    process.stderr.write(`${K6_INSTALL_HINT}\n`);
    return 2;
  }
  const outDir = path.join(WORKSPACE_ROOT, '.lab', 'load');
  mkdirSync(outDir, { recursive: true });
  const savedFile = path.join(outDir, 'capacity.json');
  const previous = existsSync(savedFile) ? (JSON.parse(readFileSync(savedFile, 'utf8')) as Saved) : undefined;

  let lab: LabSession | undefined = runningLab();
  if (!lab) {
    process.stdout.write('starting the lab\n');
    lab = await startLab({ logFile: path.join(outDir, 'lab.log') });
  }
  const abort = new AbortController();
  process.on('SIGINT', () => abort.abort());
  process.on('SIGTERM', () => abort.abort());
  const store = lab.serviceUrl('store-front');
  const shopper = selectScripts(['shopper'])[0].file;
  const steps: Step[] = [];
  try {
    if (!store) throw new Error('the lab has no store-front Service');
    for (const rate of rates(start, max, stepCount)) {
      if (abort.signal.aborted) break;
      // The lab: every pod and `faultline up`, which carries the Services' traffic (kube-proxy's part).
      const pids = [lab.state.pid, ...lab.state.pods.map((p) => p.pid).filter((pid): pid is number => pid !== undefined)];
      const before = usage(pids);
      const busyBefore = machineBusySeconds();
      const began = Date.now();
      const result = await runK6({
        k6,
        name: `capacity-${rate}`,
        script: shopper,
        vars: { STORE_URL: store, ARRIVAL_RATE: String(rate), ARRIVAL_SECONDS: String(seconds) },
        outDir,
        timeoutMs: seconds * 1000 + 120_000,
        signal: abort.signal,
      });
      const wall = (Date.now() - began) / 1000;
      const after = usage(pids);
      const verdict = judgeStep(result.summary, rate, seconds);
      const step: Step = {
        rate,
        requests: result.summary?.requests ?? 0,
        labCores: (after.cpuSeconds - before.cpuSeconds) / wall,
        labRssMb: mb(after.rssBytes),
        machineCores: (machineBusySeconds() - busyBefore) / wall,
        ...verdict,
      };
      steps.push(step);
      process.stdout.write(
        `${rate} shoppers/s: ${step.requests} requests, order p95 ${Math.round(step.orderP95Ms ?? NaN)} ms, ${((step.failedRate ?? 0) * 100).toFixed(2)}% failed, lab ${step.labCores.toFixed(2)} cores ${step.labRssMb} MB, machine ${step.machineCores.toFixed(2)} cores${step.held ? '' : ` — not held: ${step.reason}`}\n`,
      );
      if (!step.held) break;
    }
  } finally {
    if (lab.started) await lab.stop();
  }

  const rows = [
    ['shoppers/s', 'requests', 'req/s', 'order p95', 'failed', 'lab CPU', 'lab RSS', 'machine CPU', 'held'],
    ...steps.map((s) => [
      String(s.rate),
      String(s.requests),
      (s.requests / seconds).toFixed(0),
      s.orderP95Ms === undefined ? '-' : `${Math.round(s.orderP95Ms)} ms`,
      `${((s.failedRate ?? 0) * 100).toFixed(2)}%`,
      `${s.labCores.toFixed(2)} cores`,
      `${s.labRssMb} MB`,
      `${s.machineCores.toFixed(2)} cores`,
      s.held ? 'yes' : `no: ${s.reason}`,
    ]),
  ];
  process.stdout.write(`\n${formatColumns(rows, new Set([0, 1, 2, 3, 4, 5, 6, 7])).join('\n')}\n\n`);
  const highest = steps.filter((s) => s.held).at(-1);
  const saved: Saved = { date: new Date().toISOString(), machine: machine(), highest };
  const figure = (s: Step | undefined) =>
    s ? `${s.rate} shoppers/s (${(s.requests / seconds).toFixed(0)} req/s, order p95 ${Math.round(s.orderP95Ms ?? 0)} ms), lab ${s.labCores.toFixed(2)} cores and ${s.labRssMb} MB` : 'no rate held';
  process.stdout.write(`highest rate held: ${figure(highest)} on ${saved.machine}\n`);
  if (steps.length && steps.every((s) => s.held)) process.stdout.write(`(every step held: raise --max or --steps to find the limit)\n`);
  if (previous) process.stdout.write(`previous run (${previous.date}): ${figure(previous.highest)} on ${previous.machine}\n`);
  writeFileSync(savedFile, `${JSON.stringify({ ...saved, steps }, null, 2)}\n`);
  if (abort.signal.aborted) return 130;
  if (goal === undefined) return 0;
  const goals = new GoalReport((line) => process.stdout.write(`${line}\n`));
  goals.check({ what: 'highest shopper rate held', measured: highest?.rate ?? 0, op: '>=', goal, unit: 'shoppers/s', digits: 0 });
  return goals.finish(false);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench:load: ${(error as Error).message}\n`);
    process.exitCode = 1;
  },
);
