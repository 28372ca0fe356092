/** `faultline up`: the whole lab on the local target until Ctrl-C (or `faultline down`). */
import { randomBytes } from 'node:crypto';
import { checkBrokerReachable } from '../../lab/broker-check';
import { fullLab } from '../../lab/full-lab';
import { LocalTarget } from '../../targets/local/local-target';
import { checkFlags, type ParsedArgs } from '../args';
import { isAlive } from '../../process-alive';
import { readState, removeState, writeState } from '../state';

export const UP_HELP = `Usage: faultline up [--rabbitmq-url URL]

Starts the whole lab on loopback (pods on 127.0.1.x, Services on 127.0.2.x, cluster DNS on
127.0.0.10:10053, Zipkin on 127.0.0.9:9411), prints the URLs and the lab's memory, and runs until
Ctrl-C or \`faultline down\`. Apps are run from their bundles: build first with \`node e2e/bin/build-lab.mjs\`.`;

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

export async function up(args: ParsedArgs): Promise<number> {
  checkFlags(args, ['rabbitmq-url']);
  const running = readState();
  if (running && isAlive(running.pid)) throw new Error(`a lab is already running (pid ${running.pid}); stop it with \`npx faultline down\``);
  const started = Date.now();
  const rabbitmqUrl = typeof args.flags['rabbitmq-url'] === 'string' ? args.flags['rabbitmq-url'] : (process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  const { lab, missing } = fullLab({ rabbitmqUrl, queueName: `orders-lab-${randomBytes(3).toString('hex')}` });
  if (lab.deployments.some((d) => d.app === 'order-service')) await checkBrokerReachable(rabbitmqUrl);
  if (missing.length) process.stdout.write(`not built, left out: ${missing.join(', ')} (build with: node e2e/bin/build-lab.mjs)\n`);
  const target = new LocalTarget({ block: 0, restartBackoffMs: 1000 });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the lab...\n`);
    await target.stop();
    removeState();
    process.stdout.write('lab stopped\n');
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.stdout.write('starting the lab...\n');
  try {
    await target.start(lab);
  } catch (error) {
    removeState();
    throw error;
  }
  const readyMs = Date.now() - started;
  const services = await target.services();
  const pods = await target.pods();
  const zipkinUrl = target.zipkinUrl;
  if (!zipkinUrl) throw new Error('the lab started without its Zipkin receiver');
  writeState({ pid: process.pid, startedAt: new Date().toISOString(), adminToken: target.adminToken, zipkinUrl, services, pods });
  const memory = await target.memory();
  const lines = [
    `lab ready in ${(readyMs / 1000).toFixed(1)} s: ${pods.length} pods, ${services.length} Services`,
    '',
    'Services (ClusterIP:port → pods:targetPort):',
    ...services.map((s) => `  ${s.name.padEnd(16)} http://${s.clusterIp}:${s.port}  → ${s.readyEndpoints.join(', ')} :${s.targetPort}`),
    '',
    'Pods:',
    ...pods.map((p) => `  ${p.name.padEnd(24)} http://${p.ip}:${p.port}  pid ${p.pid}`),
    '',
    `Zipkin API:   ${zipkinUrl}/api/v2/traces`,
    `Cluster DNS:  ${target.addressPlan.clusterDnsIp}:10053 (dig @${target.addressPlan.clusterDnsIp} -p 10053 product-service.default.svc.cluster.local)`,
    `Admin token:  ${target.adminToken} (or use \`npx faultline fault get <deployment>\`)`,
    `Memory (RSS): ${mb(memory.totalBytes)} for the whole lab`,
    '',
    'Ctrl-C or `npx faultline down` stops it.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  await new Promise(() => undefined);
  return 0;
}
