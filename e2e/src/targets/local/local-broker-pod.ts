/**
 * The local target's broker pod (see ../cluster-faults.ts): the lab's own rabbitmq-server plays the chart's
 * rabbitmq-0, and its folder plays the PersistentVolumeClaim. Deleting the pod stops the node as the kubelet stops a
 * deleted pod (SIGTERM, SIGKILL after a 10 s grace period) and starts it again 2 s later on the same folder, name
 * and ports, as the StatefulSet's new pod on the same claim; the "uid" is the node's process id, new each start.
 */
import { pollUntil } from '@faultline/test-support';
import path from 'node:path';
import type { LabSpec } from '../../lab/spec';
import type { BrokerPodControl, BrokerPodState } from '../cluster-faults';
import { RabbitmqNode } from './rabbitmq-node';

const POD = 'rabbitmq-0';
/** How long the broker stays down: a StatefulSet's new pod is scheduled and started after the old one is gone. */
const DOWN_MS = 2_000;

export class LocalBrokerPod implements BrokerPodControl {
  readonly sources = { brokerPod: () => "the lab's own rabbitmq-server as rabbitmq-0 (the StatefulSet stand-in: stopped, started again on its folder)" };

  constructor(private readonly node: () => RabbitmqNode | undefined) {}

  private broker(): RabbitmqNode {
    const node = this.node();
    if (!node) throw new Error('this lab has no broker of its own to delete (a lab with ownBroker, or `faultline up` with its own broker, has one)');
    return node;
  }

  private state(node: RabbitmqNode): BrokerPodState {
    return { pod: POD, uid: `pid ${node.pid}`, node: 'this machine', ip: node.host, ready: node.takingLogins, claim: 'its folder', volume: node.folder };
  }

  async brokerPod(): Promise<BrokerPodState> {
    const node = this.broker();
    await node.ready.catch(() => undefined);
    return this.state(node);
  }

  async deleteBrokerPod(): Promise<BrokerPodState> {
    const before = await this.brokerPod();
    await this.broker().replace(DOWN_MS);
    return before;
  }

  async brokerPodReplaced(uid: string, timeoutMs: number): Promise<BrokerPodState> {
    const node = this.broker();
    await pollUntil(() => node.running && `pid ${node.pid}` !== uid, { timeoutMs, intervalMs: 200, what: `a new ${POD} started (not ${uid})` });
    await node.ready;
    return this.state(node);
  }

  brokerUrl(): string {
    return this.broker().url;
  }
}

/** A broker of the lab's own on `host`, its data in `workdir`, and the lab with its pods' RABBITMQ_URL pointed at it. */
export async function launchOwnBroker(lab: LabSpec, host: string, workdir: string): Promise<{ broker: RabbitmqNode; lab: LabSpec }> {
  const broker = await RabbitmqNode.launch({ host, dir: path.join(workdir, 'rabbitmq'), anyPort: true });
  const deployments = lab.deployments.map((d) => (d.env?.RABBITMQ_URL ? { ...d, env: { ...d.env, RABBITMQ_URL: broker.url } } : d));
  return { broker, lab: { ...lab, deployments } };
}
