/**
 * The kind target's cluster faults (see ../cluster-faults.ts):
 * - the broker pod: `kubectl get pod rabbitmq-0 -o json` and its PersistentVolumeClaim, `kubectl delete pod
 *   rabbitmq-0 --wait=false`, then polling until a new pod (another uid) is Ready;
 * - the nodes: kind-nodes.ts (`docker stop` and `docker start` of a node's container);
 * - the lab's NetworkPolicies: a flow removed by a helm upgrade with `networkPolicy.omitFlows`, all put back by an
 *   upgrade with the lab's own values (or, when the harness exits before that, by a synchronous `kubectl apply` of
 *   the policy as it was); the drops from every Cilium agent's `cilium-dbg monitor --type drop`
 *   (cilium-drops.ts), "Policy denied" ones only.
 */
import { spawnSync } from 'node:child_process';
import { pollUntil } from '@faultline/test-support';
import type { HttpResult, RequestOptions } from '../../evidence/http';
import type { BrokerPodState, ClusterFaults, ClusterFaultSources, LabPod, NodeState, PolicyDrop } from '../cluster-faults';
import { CILIUM_AGENT_CONTAINER, CILIUM_AGENT_SELECTOR, CiliumDropWatch, DROP_MONITOR } from './cilium-drops';
import { type CommandRunner, runJson } from './command-runner';
import type { KubeList } from './kube-objects';
import { KindNodes } from './kind-nodes';
import { killOnExit } from '../local/kill-on-exit';
import { DEFAULT_PROBE_IMAGE, PROBE_POD } from './pod-curl';
import { ProbePod } from './probe-pod';

export const BROKER_POD = 'rabbitmq-0';
/** Cilium's reason for a packet no policy allows. */
export const POLICY_DENIED = 'Policy denied';

interface BrokerPodObject {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  spec: { nodeName?: string; volumes?: { persistentVolumeClaim?: { claimName: string } }[] };
  status: { podIP?: string; conditions?: { type: string; status: string }[] };
}

export interface KindClusterFaultsOptions {
  runner: CommandRunner;
  kubectl: (args: readonly string[], namespace?: string) => string[];
  namespace: string;
  /** The release label of the lab's pods. */
  release: string;
  /** Where Cilium's agents run (kube-system). */
  ciliumNamespace?: string;
  /** The namespace of the outsider's probe pod (default: default). */
  outsiderNamespace?: string;
  probeImage?: string;
  /** A helm upgrade of the lab with `extra` top-level values replaced ({}: the lab's own values). */
  upgradeLab: (extra: Record<string, unknown>) => Promise<void>;
}

export function kindClusterFaultSources(namespace: string, ciliumNamespace = 'kube-system', outsiderNamespace = 'default'): ClusterFaultSources {
  return {
    brokerPod: () => `kubectl -n ${namespace} get pod ${BROKER_POD},pvc`,
    nodes: () => `kubectl get nodes -o json; kubectl -n ${namespace} get pods -o json (their nodes)`,
    nodeMachine: (name) => `docker (the kind node container ${name})`,
    policies: () => `kubectl -n ${namespace} get networkpolicies`,
    outsider: (url) => `kubectl -n ${outsiderNamespace} exec ${PROBE_POD} -- curl ${url}`,
    drops: () => `kubectl -n ${ciliumNamespace} exec <agent> -c ${CILIUM_AGENT_CONTAINER} -- ${DROP_MONITOR.join(' ')} (every ${CILIUM_AGENT_SELECTOR} pod)`,
  };
}

export class KindClusterFaults implements ClusterFaults {
  readonly sources: ClusterFaultSources;
  private readonly dropWatch: CiliumDropWatch;
  private readonly kindNodes: KindNodes;
  private readonly outsider: ProbePod;
  /** The exit hook that puts a removed policy back, until restoreFlows() did. */
  private reapplyOnExit: (() => void) | undefined;

  constructor(private readonly options: KindClusterFaultsOptions) {
    this.sources = kindClusterFaultSources(options.namespace, options.ciliumNamespace, options.outsiderNamespace);
    this.outsider = new ProbePod(options.runner, options.kubectl([], options.outsiderNamespace ?? 'default'), options.probeImage ?? DEFAULT_PROBE_IMAGE);
    this.dropWatch = new CiliumDropWatch({ runner: options.runner, kubectl: options.kubectl, namespace: options.ciliumNamespace ?? 'kube-system' });
    this.kindNodes = new KindNodes({ runner: options.runner, kubectl: options.kubectl, namespace: options.namespace, release: options.release });
  }

  private kubectl(args: readonly string[]): string[] {
    return this.options.kubectl(args, this.options.namespace);
  }

  private async getBrokerPod(): Promise<BrokerPodObject | undefined> {
    const result = await this.options.runner.run('kubectl', this.kubectl(['get', 'pod', BROKER_POD, '--ignore-not-found', '-o', 'json']));
    return result.stdout.trim() ? (JSON.parse(result.stdout) as BrokerPodObject) : undefined;
  }

  private async state(pod: BrokerPodObject): Promise<BrokerPodState> {
    const claim = pod.spec.volumes?.find((v) => v.persistentVolumeClaim)?.persistentVolumeClaim?.claimName;
    const volume = claim
      ? (await runJson<{ spec: { volumeName?: string } }>(this.options.runner, 'kubectl', this.kubectl(['get', 'pvc', claim, '-o', 'json']))).spec.volumeName
      : undefined;
    return {
      pod: pod.metadata.name,
      uid: pod.metadata.uid,
      node: pod.spec.nodeName ?? '',
      ip: pod.status.podIP ?? '',
      ready: !pod.metadata.deletionTimestamp && Boolean(pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')),
      ...(claim ? { claim } : {}),
      ...(volume ? { volume } : {}),
    };
  }

  async brokerPod(): Promise<BrokerPodState> {
    const pod = await this.getBrokerPod();
    if (!pod) throw new Error(`no pod ${BROKER_POD} in namespace ${this.options.namespace} (is rabbitmq.enabled on in the release?)`);
    return this.state(pod);
  }

  async deleteBrokerPod(): Promise<BrokerPodState> {
    const before = await this.brokerPod();
    await this.options.runner.run('kubectl', this.kubectl(['delete', 'pod', BROKER_POD, '--wait=false']));
    return before;
  }

  async brokerPodReplaced(uid: string, timeoutMs: number): Promise<BrokerPodState> {
    const pod = await pollUntil(
      async () => {
        const current = await this.getBrokerPod();
        if (!current || current.metadata.uid === uid) return undefined;
        const state = await this.state(current);
        return state.ready ? state : undefined;
      },
      { timeoutMs, intervalMs: 1_000, what: `a new ${BROKER_POD} (not uid ${uid}) Ready` },
    );
    return pod;
  }

  nodes(): Promise<NodeState[]> {
    return this.kindNodes.nodes();
  }

  labPods(): Promise<LabPod[]> {
    return this.kindNodes.labPods();
  }

  stopNode(name: string): Promise<void> {
    return this.kindNodes.stopNode(name);
  }

  startNode(name: string, timeoutMs: number): Promise<NodeState> {
    return this.kindNodes.startNode(name, timeoutMs);
  }

  async flows(): Promise<string[]> {
    const list = await runJson<KubeList<{ metadata: { name: string } }>>(this.options.runner, 'kubectl', this.kubectl(['get', 'networkpolicies', '-o', 'json']));
    return list.items.map((p) => p.metadata.name).sort();
  }

  async removeFlow(name: string): Promise<void> {
    const flows = await this.flows();
    if (!flows.includes(name)) throw new Error(`no NetworkPolicy ${name} in namespace ${this.options.namespace} (have: ${flows.join(', ') || 'none'})`);
    const policy = await runJson<{ metadata: Record<string, unknown>; spec: unknown }>(this.options.runner, 'kubectl', this.kubectl(['get', 'networkpolicy', name, '-o', 'json']));
    const { labels, annotations } = policy.metadata;
    const manifest = JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, labels, annotations }, spec: policy.spec });
    const [command, ...args] = ['kubectl', ...this.kubectl(['apply', '-f', '-'])];
    this.reapplyOnExit ??= killOnExit(() => void spawnSync(command, args, { input: manifest, stdio: ['pipe', 'ignore', 'ignore'], timeout: 30_000 }));
    await this.options.upgradeLab({ networkPolicy: { enabled: true, omitFlows: [name] } });
  }

  async restoreFlows(): Promise<void> {
    await this.options.upgradeLab({});
    this.reapplyOnExit?.();
    this.reapplyOnExit = undefined;
  }

  outsiderRequest(url: string, options?: RequestOptions): Promise<HttpResult> {
    return this.outsider.request(url, options);
  }

  watchDrops(): Promise<void> {
    return this.dropWatch.start();
  }

  policyDrops(since: number): PolicyDrop[] {
    return this.dropWatch
      .drops(since)
      .filter((d) => d.reason === POLICY_DENIED)
      .map((d) => ({ reason: d.reason, source: d.source, destination: d.destination, ...(d.protocol ? { protocol: d.protocol } : {}), line: d.line, watcher: d.agent, at: d.at }));
  }

  dropsWatched(since: number): string {
    return this.dropWatch.describe(since);
  }

  /** Ends the drop watch, deletes the outsider's pod and starts the nodes it stopped; a flow still removed is put back by the target's rollback. */
  async stop(): Promise<void> {
    await this.dropWatch.stop();
    await this.outsider.delete();
    await this.kindNodes.stop();
  }
}
