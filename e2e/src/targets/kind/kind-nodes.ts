/**
 * A kind cluster's nodes as machines that can be lost: each node is a container of the kind's Docker engine, named
 * like the node. `docker stop` is the power loss (the kubelet stops posting status: NotReady after the controller
 * manager's grace period, then the unreachable taint evicts pods whose toleration ran out); `docker start` brings
 * it back (kind's node containers restart their kubelet and containerd). Nodes it stopped are started again at
 * stop(), so a failed scenario leaves no node down, and by a synchronous `docker start` when the harness exits
 * before that (Ctrl-C).
 */
import { spawnSync } from 'node:child_process';
import { pollUntil } from '@faultline/test-support';
import { killOnExit } from '../local/kill-on-exit';
import type { LabPod, NodeState } from '../cluster-faults';
import { type CommandRunner, runJson } from './command-runner';
import type { KubeList } from './kube-objects';

interface KubeNode {
  metadata: { name: string };
  spec: { taints?: { key: string; effect: string }[] };
  status: { conditions?: { type: string; status: string; reason?: string }[] };
}

interface KubeLabPod {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: { phase?: string; conditions?: { type: string; status: string }[] };
}

/** Taints Kubernetes puts on a node that stopped answering (the lab's pods tolerate them for a few seconds only). */
const NODE_CONDITION_TAINT = /^node\.kubernetes\.io\//;

export interface KindNodesOptions {
  runner: CommandRunner;
  kubectl: (args: readonly string[], namespace?: string) => string[];
  namespace: string;
  /** The release label of the lab's pods. */
  release: string;
  /** Starts a stopped node when the harness exits without stop() (default: `docker start`, synchronously). */
  startOnExit?: (name: string) => void;
}

function dockerStartNow(name: string): void {
  spawnSync('docker', ['start', name], { stdio: 'ignore', timeout: 60_000 });
}

function nodeState(node: KubeNode): NodeState {
  const ready = node.status.conditions?.find((c) => c.type === 'Ready');
  return {
    name: node.metadata.name,
    ready: ready?.status ?? 'Unknown',
    ...(ready?.reason ? { reason: ready.reason } : {}),
    taints: (node.spec.taints ?? []).filter((t) => NODE_CONDITION_TAINT.test(t.key)).map((t) => `${t.key}:${t.effect}`),
  };
}

/** A node the lab's pods can run on: no NoSchedule taint other than a lost node's own. */
function schedulable(node: KubeNode): boolean {
  return !(node.spec.taints ?? []).some((t) => t.effect === 'NoSchedule' && !NODE_CONDITION_TAINT.test(t.key));
}

export class KindNodes {
  /** The nodes it stopped, each with the release of its exit hook. */
  private readonly stopped = new Map<string, () => void>();

  constructor(private readonly options: KindNodesOptions) {}

  async nodes(): Promise<NodeState[]> {
    const list = await runJson<KubeList<KubeNode>>(this.options.runner, 'kubectl', this.options.kubectl(['get', 'nodes', '-o', 'json']));
    return list.items.filter(schedulable).map(nodeState).sort((a, b) => a.name.localeCompare(b.name));
  }

  async node(name: string): Promise<NodeState> {
    const nodes = await this.nodes();
    const found = nodes.find((n) => n.name === name);
    if (!found) throw new Error(`no node ${name} the lab's pods can run on (have: ${nodes.map((n) => n.name).join(', ')})`);
    return found;
  }

  async labPods(): Promise<LabPod[]> {
    const args = this.options.kubectl(['get', 'pods', '-l', `app.kubernetes.io/instance=${this.options.release}`, '-o', 'json'], this.options.namespace);
    const list = await runJson<KubeList<KubeLabPod>>(this.options.runner, 'kubectl', args);
    // helm test pods stay Succeeded (or Failed) after their run: not part of the running lab.
    return list.items.filter((pod) => pod.status.phase !== 'Succeeded' && pod.status.phase !== 'Failed').map((pod) => ({
      name: pod.metadata.name,
      app: pod.metadata.labels?.app ?? '',
      node: pod.spec.nodeName ?? '',
      ready: Boolean(pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')),
      terminating: Boolean(pod.metadata.deletionTimestamp),
    }));
  }

  async stopNode(name: string): Promise<void> {
    await this.node(name);
    const inspect = await this.options.runner.run('docker', ['inspect', '--format', '{{.State.Running}}', name], { allowFailure: true });
    if (inspect.code !== 0) throw new Error(`node ${name} is not a container of this Docker engine (${inspect.stderr.trim()}): only a kind node can be stopped`);
    const startOnExit = this.options.startOnExit ?? dockerStartNow;
    this.stopped.set(name, killOnExit(() => startOnExit(name)));
    await this.options.runner.run('docker', ['stop', '--time', '0', name], { timeoutMs: 60_000 });
  }

  async startNode(name: string, timeoutMs: number): Promise<NodeState> {
    await this.options.runner.run('docker', ['start', name], { timeoutMs: 60_000 });
    this.stopped.get(name)?.();
    this.stopped.delete(name);
    return pollUntil(
      async () => {
        const node = (await this.nodes()).find((n) => n.name === name);
        return node?.ready === 'True' && !node.taints.length ? node : undefined;
      },
      { timeoutMs, intervalMs: 2_000, what: `node ${name} Ready again, without the unreachable taint` },
    );
  }

  /** Starts every node this target stopped and waits for it (a scenario that failed before its fix). */
  async stop(): Promise<void> {
    for (const name of [...this.stopped.keys()]) await this.startNode(name, 180_000);
  }
}
