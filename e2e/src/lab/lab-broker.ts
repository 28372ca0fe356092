/**
 * The broker a command's labs use: the one --rabbitmq-url / RABBITMQ_URL names (checked: reachable,
 * credentials), or else a private RabbitMQ node the command starts for them and stops at its end (see
 * targets/local/rabbitmq-node.ts). Labs side by side share the command's node: each has a queue of its
 * own, and no scenario stops the broker (the broker faults cut a lab's own connection), so sharing one
 * costs one node's start-up (seconds) and memory (~150 MB) instead of one per lab.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RabbitmqNode } from '../targets/local/rabbitmq-node';
import { checkBroker } from './broker-check';

/** The loopback address of a command's own broker (the cluster parts' range of block 0, see net.ts). */
export const LAB_BROKER_HOST = '127.0.0.72';

export interface LabBroker {
  readonly url: string;
  /** Resolves once the broker takes logins (an external one: at once, it was checked). */
  readonly ready: Promise<void>;
  /** The private node when the command started one; undefined for an external broker. */
  readonly node?: RabbitmqNode;
  /** One line for a person: where it is and whose it is. */
  describe(): string;
  stop(): Promise<void>;
}

export interface LabBrokerOptions {
  /** An external broker's URL (from --rabbitmq-url or RABBITMQ_URL): checked, never started or stopped. */
  externalUrl?: string;
  /** Where the private node keeps its data (default: a temp folder, removed on stop). */
  dir?: string;
  /** Ask for 5672 first (a lab a person uses), or take any free port (scenario runs, tests). */
  anyPort?: boolean;
  say?: (line: string) => void;
}

function shown(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}`;
}

/** The broker, ready: the external one checked, or the private node up and taking logins. */
export async function startLabBroker(options: LabBrokerOptions): Promise<LabBroker> {
  const broker = await launchLabBroker(options);
  try {
    await broker.ready;
  } catch (error) {
    await broker.stop();
    throw error;
  }
  return broker;
}

/** The same, resolving as soon as the URL is known, with `ready` pending: a lab starts its other pods meanwhile. */
export async function launchLabBroker(options: LabBrokerOptions): Promise<LabBroker> {
  const { externalUrl } = options;
  if (externalUrl) {
    await checkBroker(externalUrl);
    return { url: externalUrl, ready: Promise.resolve(), describe: () => `${shown(externalUrl)} (external)`, stop: async () => undefined };
  }
  const temp = options.dir ? undefined : mkdtempSync(path.join(tmpdir(), 'faultline-broker-'));
  const dir = options.dir ?? path.join(temp as string, 'rabbitmq');
  try {
    const node = await RabbitmqNode.launch({ host: LAB_BROKER_HOST, dir, anyPort: options.anyPort, say: options.say });
    return {
      url: node.url,
      ready: node.ready,
      node,
      describe: () => `${node.url} (the lab's own rabbitmq-server, pid ${node.pid}; metrics ${node.metricsUrl})`,
      async stop() {
        await node.stop();
        if (temp) rmSync(temp, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (temp) rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}
