/**
 * The local target's Deployments: each one's spec and pods (Node processes on their own loopback addresses), and
 * their lifecycle as a cluster's controllers run it: start and wait until ready, a rolling update of the environment
 * (one pod at a time, in place), `kubectl rollout restart` onto new addresses, stop. The Services in front of a
 * Deployment are told whenever its pods change (onPodsChanged), so they re-probe their endpoints.
 */
import type { DeploymentSpec } from '../../lab/spec';
import type { LogStore } from './log-store';
import { Pod } from './pod';

export interface LocalDeployment {
  spec: DeploymentSpec;
  pods: Pod[];
}

export interface LocalDeploymentsOptions {
  logs: LogStore;
  /** A pod's environment (see pod-env.ts). */
  podEnv: (spec: DeploymentSpec, ip: string) => Record<string, string>;
  /** First restart delay of a crashed pod; doubles up to 5 s. */
  restartBackoffMs?: number;
  readyTimeoutMs?: number;
  /** A pod of the Deployment exited, or its pods were replaced. */
  onPodsChanged: (deployment: string) => void;
}

export class LocalDeployments {
  private readonly byName = new Map<string, LocalDeployment>();

  constructor(private readonly options: LocalDeploymentsOptions) {}

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The Deployment, or an error naming the ones this lab has. */
  get(name: string): LocalDeployment {
    const deployment = this.byName.get(name);
    if (!deployment) throw new Error(`no deployment "${name}" in this lab (have: ${[...this.byName.keys()].join(', ')})`);
    return deployment;
  }

  all(): LocalDeployment[] {
    return [...this.byName.values()];
  }

  /** Pod addresses of a Deployment (none when it does not exist). */
  ips(name: string): string[] {
    return this.byName.get(name)?.pods.map((pod) => pod.ip) ?? [];
  }

  /** One pod on each address, known before they are ready (so that a failed start still stops them), then ready. */
  async start(spec: DeploymentSpec, ips: string[]): Promise<void> {
    const pods = this.launch(spec, ips);
    this.byName.set(spec.name, { spec, pods });
    await this.ready(pods);
  }

  /**
   * `kubectl rollout restart` as a cluster does it: new pods on new addresses, ready, the Services' endpoints
   * switched to them (`switched` runs then, before the old pods go), then the old pods stopped.
   */
  async rolloutToNewAddresses(name: string, allocateIp: () => string, switched: () => Promise<void>): Promise<{ before: string[]; after: string[] }> {
    const deployment = this.get(name);
    const old = deployment.pods;
    const pods = this.launch(deployment.spec, old.map(allocateIp));
    await this.ready(pods);
    deployment.pods = pods;
    this.options.onPodsChanged(name);
    await switched();
    await Promise.all(old.map((pod) => pod.stop()));
    return { before: old.map((pod) => pod.ip), after: pods.map((pod) => pod.ip) };
  }

  /** A rolling update of the environment (undefined removes a variable): each pod replaced in place, ready before the next. */
  async setEnv(name: string, env: Record<string, string | undefined>): Promise<void> {
    const deployment = this.get(name);
    const merged = { ...deployment.spec.env, ...env };
    for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
    deployment.spec = { ...deployment.spec, env: merged as Record<string, string> };
    for (const pod of deployment.pods) {
      await pod.replace(this.options.podEnv(deployment.spec, pod.ip));
      await pod.waitReady(this.readyTimeoutMs);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.all().flatMap((d) => d.pods.map((pod) => pod.stop())));
  }

  /** Synchronous: SIGKILL to every pod, for process 'exit' handlers. */
  killNow(): void {
    for (const deployment of this.byName.values()) for (const pod of deployment.pods) pod.killNow();
  }

  private get readyTimeoutMs(): number {
    return this.options.readyTimeoutMs ?? 20_000;
  }

  /** Starts one pod of `spec` on each address; a pod that exits makes the Services in front of it re-probe. */
  private launch(spec: DeploymentSpec, ips: string[]): Pod[] {
    return ips.map((ip) => {
      const pod = new Pod({
        deployment: spec.name,
        app: spec.app,
        ip,
        port: spec.port,
        env: this.options.podEnv(spec, ip),
        logs: this.options.logs,
        backoffMs: this.options.restartBackoffMs ?? 200,
      });
      pod.supervised.on('exit', () => this.options.onPodsChanged(spec.name));
      pod.start();
      return pod;
    });
  }

  private async ready(pods: Pod[]): Promise<void> {
    await Promise.all(pods.map((pod) => pod.waitReady(this.readyTimeoutMs)));
  }
}
