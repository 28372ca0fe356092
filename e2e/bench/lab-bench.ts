/**
 * Benchmark of the local target: time until `faultline up`'s whole lab is ready and its total RSS, then
 * the wall time of `faultline scenario run --all`. Prints the figures against the goals
 * (all local scenarios ≤ 60 s, up ready ≤ 5 s after build, lab ≤ 700 MB RSS). Needs the apps built.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fullLab } from '../src/lab/full-lab';
import { LocalTarget } from '../src/targets/local/local-target';
import { WORKSPACE_ROOT } from '../src/targets/local/paths';

async function main(): Promise<void> {
  const { lab, missing } = fullLab({ rabbitmqUrl: process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672', queueName: `orders-bench-${process.pid}` });
  if (missing.length) console.log(`not built, left out of the lab: ${missing.join(', ')}`);
  const target = new LocalTarget();
  const started = performance.now();
  await target.start(lab);
  const readyS = (performance.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const memory = await target.memory();
  await target.stop();
  const mb = memory.totalBytes / 1024 / 1024;
  console.log(`up: ${lab.deployments.length} deployments ready in ${readyS.toFixed(2)} s (goal ≤ 5 s); lab RSS ${mb.toFixed(0)} MB (goal ≤ 700 MB)`);
  for (const [pod, bytes] of Object.entries(memory.byPod)) console.log(`  ${pod.padEnd(40)} ${(bytes / 1024 / 1024).toFixed(0)} MB`);

  const runStarted = performance.now();
  const run = spawnSync(process.execPath, [path.join(WORKSPACE_ROOT, 'e2e', 'bin', 'faultline.cjs'), 'scenario', 'run', '--all', '--hang-seconds', '3'], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const runS = (performance.now() - runStarted) / 1000;
  const table = run.stdout.slice(run.stdout.lastIndexOf('\nscenario '));
  console.log(table.trim());
  console.log(`scenario run --all: ${runS.toFixed(1)} s wall time (goal ≤ 60 s), exit code ${run.status}`);
}

void main();
