/**
 * Benchmark of the local target: time until `faultline up`'s whole lab is ready and its total RSS, without
 * and with the trace UI (zipkin-server's JVM; Prometheus runs in both when installed), then the wall time
 * of `faultline scenario run --all`. Prints the figures against the goals, one pair per configuration (without
 * the UI: ready ≤ 5 s after build, lab ≤ 800 MB RSS; with it, whose JVM starts in about 9 s: ≤ 12 s, ≤ 1 GB),
 * and all local scenarios ≤ 60 s. Needs the apps built.
 * `--memory-only` stops after the memory figures. Each goal is reported as "goal met" or "goal missed" with
 * the measured figure beside it; a missed goal (or a failed scenario run) makes the run exit 1.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fullLab } from '../src/lab/full-lab';
import { launchLabBroker } from '../src/lab/lab-broker';
import { BROKER_POD, LocalTarget, type LocalTargetOptions } from '../src/targets/local/local-target';
import { WORKSPACE_ROOT } from '../src/targets/local/paths';
import { GoalReport } from '@faultline/test-support';

const MB = 1024 * 1024;
const goals = new GoalReport();

/** The goals of one configuration of the lab: its ready time and its total RSS. */
interface LabGoals {
  readyS: number;
  rssMb: number;
}

/**
 * Starts the whole lab as `faultline up` does (with its own broker, launched beside the pods, unless
 * RABBITMQ_URL names one), waits a second, reads its memory, stops it; prints and returns the total. The
 * ready time includes the broker's start; the RSS goal is the lab's without the broker, shown beside it
 * (it was outside the lab when the goal was set).
 */
async function measureLab(what: string, options: LocalTargetOptions, goal: LabGoals): Promise<number> {
  const started = performance.now();
  const broker = await launchLabBroker({ externalUrl: process.env.RABBITMQ_URL || undefined, anyPort: true });
  const { lab, missing } = fullLab({ rabbitmqUrl: broker.url, queueName: `orders-bench-${process.pid}` });
  if (missing.length) console.log(`not built, left out of the lab: ${missing.join(', ')}`);
  const target = new LocalTarget({ ...options, broker: broker.node });
  let brokerS = 0;
  void broker.ready.then(() => (brokerS = (performance.now() - started) / 1000), () => undefined);
  try {
    await target.start(lab);
  } catch (error) {
    await broker.stop();
    throw error;
  }
  const readyS = (performance.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const memory = await target.memory();
  const skipped = target.observability.skipped;
  await target.stop();
  await broker.stop();
  const brokerMb = (broker.node ? Object.entries(memory.byPod).find(([pod]) => pod.startsWith(BROKER_POD.name))?.[1] ?? 0 : 0) / MB;
  const mb = memory.totalBytes / MB - brokerMb;
  const brokerLine = broker.node ? `; its broker ready after ${brokerS.toFixed(2)} s, ${brokerMb.toFixed(0)} MB` : ` (broker: ${broker.describe()})`;
  console.log(`up (${what}): ${lab.deployments.length} deployments ready in ${readyS.toFixed(2)} s (goal ≤ ${goal.readyS} s); lab RSS ${mb.toFixed(0)} MB without the broker (goal ≤ ${goal.rssMb} MB)${brokerLine}`);
  for (const [pod, bytes] of Object.entries(memory.byPod)) console.log(`  ${pod.padEnd(40)} ${(bytes / MB).toFixed(0)} MB`);
  for (const line of skipped) console.log(`  left out: ${line}`);
  goals.check({ what: `up ready time (${what})`, measured: readyS, op: '<=', goal: goal.readyS, unit: 's' });
  goals.check({ what: `lab RSS (${what})`, measured: mb, op: '<=', goal: goal.rssMb, unit: 'MB', digits: 0 });
  return memory.totalBytes;
}

async function main(): Promise<void> {
  // Without the UI the lab holds its pods, the two DNS pods and the public-DNS stand-in, and Prometheus (~45 MB).
  const without = await measureLab('without the trace UI, as --no-ui', { traceUi: false }, { readyS: 5, rssMb: 800 });
  const withUi = await measureLab('with the trace UI, as faultline up', { traceUi: true }, { readyS: 12, rssMb: 1024 });
  console.log(`the trace UI costs ${((withUi - without) / MB).toFixed(0)} MB (lab ${(without / MB).toFixed(0)} MB → ${(withUi / MB).toFixed(0)} MB)`);
  if (process.argv.includes('--memory-only')) {
    goals.finish();
    return;
  }

  const runStarted = performance.now();
  const run = spawnSync(process.execPath, [path.join(WORKSPACE_ROOT, 'e2e', 'bin', 'faultline.cjs'), 'scenario', 'run', '--all'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const runS = (performance.now() - runStarted) / 1000;
  const table = run.stdout.slice(run.stdout.lastIndexOf('\nscenario '));
  console.log(table.trim());
  console.log(`scenario run --all: ${runS.toFixed(1)} s wall time, exit code ${run.status}`);
  goals.check({ what: 'scenario run --all wall time', measured: runS, op: '<=', goal: 60, unit: 's', digits: 1 });
  goals.finish();
  if (run.status !== 0) {
    console.log(`scenario run --all failed (exit code ${run.status}): exit 1`);
    process.exitCode = 1;
  }
}

void main();
