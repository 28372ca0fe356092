/** `faultline up`: the whole lab on the local target until Ctrl-C (or `faultline down`). */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { deleteQueue } from '@faultline/test-support';
import { fullLab } from '../../lab/full-lab';
import { type LabBroker, launchLabBroker } from '../../lab/lab-broker';
import { BROKER_POD, LocalTarget } from '../../targets/local/local-target';
import { checkLoopback, labAddresses } from '../../targets/local/loopback-check';
import type { ServiceInfo } from '../../targets/target';
import { WORKSPACE_ROOT } from '../../targets/local/paths';
import { checkFlags, type ParsedArgs } from '../args';
import { isAlive } from '../../process-alive';
import { externalBrokerUrl } from '../broker-url';
import { readState, removeState, STATE_FILE, writeState } from '../state';

export const UP_HELP = `Usage: faultline up [--build] [--no-ui] [--rabbitmq-url URL]

Starts the whole lab on loopback (pods on 127.0.1.x, Services on 127.0.2.x, cluster DNS on
127.0.0.10:10053, Zipkin API on 127.0.0.9:9411; where installed, the trace UI on 127.0.0.16:9411 and
Prometheus on 127.0.0.90:9090), prints the URLs and the lab's memory, and runs until Ctrl-C or
\`faultline down\`. Apps run from their bundles.

The store's broker is the lab's own: a private rabbitmq-server node (pod rabbitmq-0) on 127.0.0.72:5672, or
another free port there when 5672 is taken, with its data in .lab/rabbitmq and its /metrics
(rabbitmq_prometheus) on 127.0.0.72:15692; it stops with the lab. When rabbitmq-server is missing, root
with apt gets Debian's package installed once; anyone else is told the install command (exit 2).

  --build          build every app's bundle first (what \`npm start\` does); without it, an unbuilt app is left out
  --no-ui          leave out the trace UI (zipkin-server's Lens, a JVM of about 170 MB) on small machines
  --rabbitmq-url   an external broker for order-service instead of the lab's own (default $RABBITMQ_URL when set);
                   checked (reachable, credentials) before any pod starts; the lab's queue is deleted from it on stop`;

/** Pods the local target adds to a lab's own: the cluster DNS, the upstream DNS, its public-DNS stand-in, anotherapp. */
const EXTRA_LAB_PODS = 4;

/** Builds every app bundle as \`npm start\` does, streaming the build's output; throws when it fails. */
function buildLab(): void {
  process.stdout.write('building the apps (node e2e/bin/build-lab.mjs)...\n');
  const build = spawnSync(process.execPath, [path.join(WORKSPACE_ROOT, 'e2e', 'bin', 'build-lab.mjs')], { cwd: WORKSPACE_ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`building the apps failed (exit code ${build.status ?? build.signal})`);
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

/** The pages a person opens first: the pet store and the slow/fast page demo. */
function browserLines(services: readonly ServiceInfo[]): string[] {
  const url = (name: string, pathname: string) => {
    const service = services.find((s) => s.name === name);
    return service ? `http://${service.clusterIp}:${service.port}${pathname}` : undefined;
  };
  const pages = [
    ['the pet store (seed 000)', url('store-front', '/')],
    ['the slow/fast page demo (seed 001)', url('front-end', '/demo-app/')],
  ].filter((page): page is [string, string] => page[1] !== undefined);
  if (pages.length === 0) return [];
  return ['Open in a browser:', ...pages.map(([what, link]) => `  ${link.padEnd(34)} ${what}`), ''];
}

export async function up(args: ParsedArgs): Promise<number> {
  checkFlags(args, ['rabbitmq-url', 'build', 'no-ui']);
  const running = readState();
  if (running && isAlive(running.pid)) throw new Error(`a lab is already running (pid ${running.pid}); stop it with \`npx faultline down\``);
  const externalUrl = externalBrokerUrl(args);
  if (args.flags.build) buildLab();
  const started = Date.now();
  const queueName = `orders-lab-${randomBytes(3).toString('hex')}`;
  // Which demos run, before any broker: the store's broker URL is filled in once its broker runs.
  const planned = fullLab({ rabbitmqUrl: externalUrl ?? '', queueName });
  if (planned.lab.deployments.length === 0) throw new Error('the lab is not built: `npm start` builds and starts it (or build with `node e2e/bin/build-lab.mjs`, then `npx faultline up`)');
  const podCount = planned.lab.deployments.reduce((sum, d) => sum + (d.replicas ?? 1), 0) + EXTRA_LAB_PODS;
  const loopback = await checkLoopback(labAddresses(0, podCount, planned.lab.services.length));
  if (!loopback.ok) throw new Error(loopback.message);
  const store = planned.lab.deployments.some((d) => d.app === 'order-service');
  if (planned.missing.length) process.stdout.write(`not built, left out: ${planned.missing.join(', ')} (build with: node e2e/bin/build-lab.mjs)\n`);
  const say = (line: string) => void process.stdout.write(`${line}\n`);
  const broker: LabBroker | undefined = store ? await launchLabBroker({ externalUrl, dir: path.join(path.dirname(STATE_FILE), 'rabbitmq'), say }) : undefined;
  const { lab } = broker ? fullLab({ rabbitmqUrl: broker.url, queueName }) : planned;
  const target = new LocalTarget({ block: 0, restartBackoffMs: 1000, traceUi: !args.flags['no-ui'], broker: broker?.node });
  /** The queue goes with the lab's own broker; on an external one it is deleted. */
  const release = async (report: (line: string) => void) => {
    if (broker && !broker.node) await deleteQueue(queueName, broker.url).catch((error: Error) => report(`could not delete the queue ${queueName}: ${error.message}`));
    await broker?.stop();
  };
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the lab...\n`);
    await target.stop();
    await release(say);
    removeState();
    process.stdout.write('lab stopped\n');
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.stdout.write(broker?.node ? 'starting the lab and its broker (rabbitmq-server)...\n' : 'starting the lab...\n');
  try {
    await target.start(lab);
  } catch (error) {
    removeState();
    await release(() => undefined);
    throw error;
  }
  const readyMs = Date.now() - started;
  const services = await target.services();
  const pods = await target.pods();
  const zipkinUrl = target.zipkinUrl;
  if (!zipkinUrl) throw new Error('the lab started without its Zipkin receiver');
  const { traceUiUrl, prometheusUrl } = target.observability;
  writeState({ pid: process.pid, startedAt: new Date().toISOString(), adminToken: target.adminToken, zipkinUrl, traceUiUrl, prometheusUrl, services, pods });
  const memory = await target.memory();
  const lines = [
    `lab ready in ${(readyMs / 1000).toFixed(1)} s: ${pods.length} pods, ${services.length} Services`,
    '',
    ...browserLines(services),
    'Services (ClusterIP:port → pods:targetPort):',
    ...services.map((s) => `  ${s.name.padEnd(16)} http://${s.clusterIp}:${s.port}  → ${s.readyEndpoints.join(', ')} :${s.targetPort}`),
    '',
    'Pods:',
    ...pods.map((p) => `  ${p.name.padEnd(24)} ${p.deployment === BROKER_POD.app ? 'amqp' : 'http'}://${p.ip}:${p.port}  pid ${p.pid}`),
    '',
    `Zipkin API:   ${zipkinUrl}/api/v2/traces`,
    ...(traceUiUrl ? [`Trace UI:     ${traceUiUrl} (zipkin-server's Lens; a trace: ${traceUiUrl}traces/<trace id>)`] : []),
    ...(prometheusUrl ? [`Prometheus:   ${prometheusUrl}/targets (job faultline-pods, every pod)`] : []),
    ...target.observability.skipped.map((line) => `Left out:     ${line}`),
    `Cluster DNS:  ${target.addressPlan.clusterDnsIp}:10053 (dig @${target.addressPlan.clusterDnsIp} -p 10053 product-service.default.svc.cluster.local)`,
    ...(broker ? [`Broker:       ${broker.describe()}, queue ${queueName}${broker.node ? '' : ' (deleted when the lab stops)'}`] : []),
    `Admin token:  ${target.adminToken} (or use \`npx faultline fault get <deployment>\`)`,
    `Memory (RSS): ${mb(memory.totalBytes)} for the whole lab`,
    '',
    'Ctrl-C or `npx faultline down` stops it.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await new Promise(() => undefined);
  return 0;
}
