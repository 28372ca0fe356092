/**
 * Faults of the cluster itself, below the apps' switches:
 * - the broker's pod deleted (`kubectl delete pod rabbitmq-0`; locally the lab's own broker killed and started
 *   again): its StatefulSet makes a new one on the same PersistentVolumeClaim, so what the broker wrote survives
 *   (BrokerPodControl, on Target as `brokerControl`);
 * - a node lost (a kind node: `docker stop` of its container) and started again;
 * - one flow of the lab's NetworkPolicies removed (a chart change that drops an allow rule) and put back, with the
 *   packets the CNI dropped for it (`cilium-dbg monitor --type drop`, "Policy denied").
 * Exposed on Target as the optional `clusterFaults`; a target without it reports these scenarios as needing one.
 */
import type { HttpResult, RequestOptions } from '../evidence/http';
import type { Target } from './target';

export interface BrokerPodState {
  pod: string;
  uid: string;
  node: string;
  ip: string;
  ready: boolean;
  /** The PersistentVolumeClaim its data is on, and the volume bound to it. */
  claim?: string;
  volume?: string;
}

export interface NodeState {
  name: string;
  /** The Ready condition's status: True, False or Unknown (the kubelet stopped posting). */
  ready: string;
  reason?: string;
  /** Taints of kind node.kubernetes.io/* (unreachable, not-ready) it has now. */
  taints: string[];
}

export interface LabPod {
  name: string;
  /** The app label (the Deployment or StatefulSet). */
  app: string;
  node: string;
  ready: boolean;
  terminating: boolean;
}

export interface PolicyDrop {
  reason: string;
  /** ip:port */
  source: string;
  destination: string;
  protocol?: string;
  line: string;
  /** Who printed it (the Cilium agent pod). */
  watcher: string;
  at: number;
}

/** The lab's broker as a pod that can be lost and replaced on its volume. */
export interface BrokerPodControl {
  readonly sources: { brokerPod(): string };
  /** The broker's pod as it is now; throws a clear error when there is none. */
  brokerPod(): Promise<BrokerPodState>;
  /** Deletes the broker's pod without waiting for it to go; returns the pod as it was. */
  deleteBrokerPod(): Promise<BrokerPodState>;
  /** Waits until a pod other than `uid` is the broker and Ready. */
  brokerPodReplaced(uid: string, timeoutMs: number): Promise<BrokerPodState>;
  /** Where the harness reads the lab's queues, when not at the run's --rabbitmq-url (a lab's own broker). */
  brokerUrl?(): string;
}

export interface ClusterFaultSources {
  /** brokerPod(), deleteBrokerPod(). */
  brokerPod(): string;
  /** nodes(), labPods(). */
  nodes(): string;
  /** stopNode(), startNode(). */
  nodeMachine(name: string): string;
  /** removeFlow(), restoreFlows(), flows(). */
  policies(): string;
  /** policyDrops(). */
  drops(): string;
  /** outsiderRequest(url). */
  outsider(url: string): string;
}

export interface ClusterFaults extends BrokerPodControl {
  readonly sources: ClusterFaultSources;

  /** The nodes the lab's pods can run on (no NoSchedule taint of their own), by name. */
  nodes(): Promise<NodeState[]>;
  /** The lab's pods, with their node. */
  labPods(): Promise<LabPod[]>;
  /** Stops a node's machine, as a power loss would; throws for a node that is not there (nothing stopped). */
  stopNode(name: string): Promise<void>;
  /** Starts a stopped node's machine again and waits until the node is Ready. */
  startNode(name: string, timeoutMs: number): Promise<NodeState>;

  /** The names of the lab's NetworkPolicies. */
  flows(): Promise<string[]>;
  /** Removes the allow rule `name` (a chart change without that flow); throws when the lab has no such policy. */
  removeFlow(name: string): Promise<void>;
  /** Every flow back, as the chart defines them. */
  restoreFlows(): Promise<void>;
  /** A request from a pod of another namespace, which no flow of the lab's policies names. */
  outsiderRequest(url: string, options?: RequestOptions): Promise<HttpResult>;
  /** Starts watching the CNI's drops (before the change whose drops should be seen). */
  watchDrops(): Promise<void>;
  /** Packets dropped by policy since `since` (ms epoch). */
  policyDrops(since: number): PolicyDrop[];
  /** What the drop watch covered since `since` ("3 agents in 14 s"), for evidence that saw none. */
  dropsWatched(since: number): string;
}

/** The target's broker control, or a clear error. */
export function brokerControlOf(target: Target): BrokerPodControl {
  if (!target.brokerControl) throw new Error(`deleting the broker's pod is not supported by the ${target.name} target`);
  return target.brokerControl;
}

/** The target's cluster faults, or a clear error naming `what` the scenario needed of them. */
export function clusterFaultsOf(target: Target, what: string): ClusterFaults {
  if (!target.clusterFaults) throw new Error(`${what} is not supported by the ${target.name} target`);
  return target.clusterFaults;
}
