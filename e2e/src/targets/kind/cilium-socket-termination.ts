/**
 * Cilium's socket-LB termination of pod connections to deleted Service backends (Helm value
 * socketLB.terminatePodConnections, ConfigMap kube-system/cilium-config key `bpf-lb-sock-terminate-pod-connections`;
 * Cilium 1.20's default is on). kind/cilium/kube-proxy-free.values.yaml turns it off, as on the seed's clusters, so
 * that a connected UDP socket stays on a CoreDNS pod that is gone. Switching it is a ConfigMap edit the agents read at
 * start: `kubectl patch`, then `rollout restart ds/cilium` and `rollout status`. The value found first is put back
 * by restore() (the kind target's stop()), whatever a scenario left.
 */
import { type CommandRunner, runJson } from './command-runner';

export const SOCKET_TERMINATION_KEY = 'bpf-lb-sock-terminate-pod-connections';
export const CILIUM_CONFIG = 'cilium-config';
export const CILIUM_DAEMONSET = 'cilium';

export interface SocketTerminationOptions {
  runner: CommandRunner;
  kubectl: (args: readonly string[], namespace?: string) => string[];
  /** Where Cilium runs (kube-system). */
  namespace: string;
}

export class CiliumSocketTermination {
  /** The key's value before the first change (undefined: absent, Cilium's default on); not read yet while unset. */
  private original: { value: string | undefined } | undefined;

  constructor(private readonly options: SocketTerminationOptions) {}

  private run(args: readonly string[], timeoutMs?: number) {
    return this.options.runner.run('kubectl', this.options.kubectl(args, this.options.namespace), { timeoutMs });
  }

  private async read(): Promise<string | undefined> {
    const config = await runJson<{ data?: Record<string, string> }>(this.options.runner, 'kubectl', this.options.kubectl(['get', 'configmap', CILIUM_CONFIG, '-o', 'json'], this.options.namespace));
    return config.data?.[SOCKET_TERMINATION_KEY];
  }

  /** Sets the key ("true"/"false") and restarts every agent with it; nothing when it already holds that value. */
  async set(on: boolean): Promise<void> {
    await this.write(String(on));
  }

  /** Puts back the value found before the first set(), agents restarted; nothing when nothing was changed. */
  async restore(): Promise<void> {
    if (!this.original) return;
    await this.write(this.original.value);
  }

  private async write(value: string | undefined): Promise<void> {
    const before = await this.read();
    this.original ??= { value: before };
    if (before === value) return;
    const patch =
      value === undefined
        ? ['--type', 'json', '-p', JSON.stringify([{ op: 'remove', path: `/data/${SOCKET_TERMINATION_KEY}` }])]
        : ['--type', 'merge', '-p', JSON.stringify({ data: { [SOCKET_TERMINATION_KEY]: value } })];
    await this.run(['patch', 'configmap', CILIUM_CONFIG, ...patch]);
    await this.run(['rollout', 'restart', `daemonset/${CILIUM_DAEMONSET}`]);
    await this.run(['rollout', 'status', `daemonset/${CILIUM_DAEMONSET}`, '--timeout=300s'], 310_000);
  }
}
