/**
 * The cluster DNS control of the kind target (see ../cluster-dns-control.ts), through kubectl:
 * - service(): the kube-dns Service's ClusterIP and the CoreDNS pods behind it (`k8s-app=kube-dns`);
 * - the Service translation is a property of the cluster, chosen when it was created
 *   (scripts/cluster/create-cluster.sh --config cilium-kube-proxy-free | cilium-kube-proxy-partial): it is
 *   read from Cilium's ConfigMap (`kube-proxy-replacement`, `bpf-lb-sock`: socket LB) and the kube-proxy
 *   DaemonSet; setServiceMode() succeeds when the cluster already has the mode asked for, and otherwise
 *   fails naming the cluster config that has it;
 * - rolloutRestart(): `kubectl -n kube-system rollout restart deployment coredns` and `rollout status`,
 *   after starting the drop watch on every Cilium agent (cilium-drops.ts);
 * - drops(): the DNS datagrams (to port 53) every agent's `cilium-dbg monitor --type drop` printed, with their raw
 *   lines; none where no agent printed one (whether the socket LB's drops show there is not known: the scenario
 *   shows them on kind, it does not assert them);
 * - podQueries(): CoreDNS's `log` plugin lines per CoreDNS pod (only the server blocks with `log` log);
 * - signalPods('auth-proxy', 'SIGHUP'): the chart's authProxy (nginx configured like ingress-nginx auth-url) keeps
 *   the resolver socket, so the reload is `kubectl -n <lab namespace> exec deploy/auth-proxy -- nginx -s reload`;
 * - setSocketTermination(on): Cilium's bpf-lb-sock-terminate-pod-connections (cilium-socket-termination.ts);
 * - stop(): ends the drop watches by PID and puts the socket termination back as it was found.
 */
import type { ClusterDnsControl, DnsDrop, DnsPodQueries, DnsServiceInfo, DnsServiceMode } from '../cluster-dns-control';
import { CommandError, type CommandRunner, commandLine, runJson } from './command-runner';
import type { KubeList, KubePod, KubeService } from './kube-objects';
import type { ClusterDnsSources } from '../evidence-sources';
import { kindClusterDnsSources } from './kind-sources';
import { COREDNS_SELECTOR, logsArgs, parseCorednsLog } from './log-lines';
import { AUTH_PROXY_DEPLOYMENT } from './auth-proxy-values';
import { CiliumDropWatch, portOf } from './cilium-drops';
import { CiliumSocketTermination } from './cilium-socket-termination';

/** Which cluster config of kind/ has each mode. */
export const CLUSTER_FOR_MODE: Record<DnsServiceMode, string> = {
  'socket-lb': 'kind/cilium-kube-proxy-free.yaml (scripts/cluster/create-cluster.sh --config cilium-kube-proxy-free)',
  'kube-proxy': 'kind/cluster.yaml (scripts/cluster/create-cluster.sh), or kind/cilium-kube-proxy-partial.yaml (--config cilium-kube-proxy-partial)',
};

export interface KindClusterDnsOptions {
  runner: CommandRunner;
  /** kubectl arguments (context, namespace) before the verb, for a namespace. */
  kubectl: (args: readonly string[], namespace?: string) => string[];
  /** Where CoreDNS, kube-proxy and Cilium run. */
  dnsNamespace?: string;
  /** Where the lab (and its auth-proxy) runs. */
  labNamespace: string;
  /** Cut for the CoreDNS log lines read (ms epoch): the lab's start. */
  since: () => number;
}

export interface CiliumConfig {
  data?: Record<string, string>;
}

/**
 * The mode from Cilium's ConfigMap and whether a kube-proxy DaemonSet runs: socket-LB when Cilium replaces
 * kube-proxy with its socket LB on; kube-proxy when kube-proxy runs (without Cilium, or Cilium hybrid).
 */
export function serviceModeOf(cilium: CiliumConfig | undefined, kubeProxy: boolean): DnsServiceMode | undefined {
  const data = cilium?.data ?? {};
  const replacement = ['true', 'strict'].includes(data['kube-proxy-replacement'] ?? '');
  if (replacement && data['bpf-lb-sock'] === 'true') return 'socket-lb';
  if (kubeProxy) return 'kube-proxy';
  return undefined;
}


export class KindClusterDns implements ClusterDnsControl {
  private mode: DnsServiceMode | undefined;
  readonly sources: ClusterDnsSources;
  private readonly dropWatch: CiliumDropWatch;
  private readonly termination: CiliumSocketTermination;

  constructor(private readonly options: KindClusterDnsOptions) {
    this.sources = kindClusterDnsSources(options);
    const parts = { runner: options.runner, kubectl: options.kubectl, namespace: options.dnsNamespace ?? 'kube-system' };
    this.dropWatch = new CiliumDropWatch(parts);
    this.termination = new CiliumSocketTermination(parts);
  }

  private get ns(): string {
    return this.options.dnsNamespace ?? 'kube-system';
  }

  private args(args: readonly string[], namespace = this.ns): string[] {
    return this.options.kubectl(args, namespace);
  }

  private async dnsPods(): Promise<{ name: string; ip: string }[]> {
    const list = await runJson<KubeList<KubePod>>(this.options.runner, 'kubectl', this.args(['get', 'pods', '-l', COREDNS_SELECTOR, '-o', 'json']));
    return list.items
      .filter((p) => !p.metadata.deletionTimestamp && p.status.phase === 'Running' && p.status.podIP)
      .map((p) => ({ name: p.metadata.name, ip: p.status.podIP as string }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * The cluster's Service translation, read once; undefined when the cluster has neither kube-proxy nor
   * Cilium's socket LB. A kubectl failure (forbidden, timeout, wrong context) throws: only Cilium's ConfigMap
   * being NotFound means "no Cilium".
   */
  async detectMode(): Promise<DnsServiceMode | undefined> {
    if (this.mode) return this.mode;
    const ciliumArgs = this.args(['get', 'configmap', 'cilium-config', '-o', 'json']);
    const cilium = await this.options.runner.run('kubectl', ciliumArgs, { allowFailure: true });
    if (cilium.code !== 0 && !/\(NotFound\)/.test(cilium.stderr)) {
      throw new CommandError(commandLine('kubectl', ciliumArgs), cilium, `exit code ${cilium.code}: ${cilium.stderr.trim()}`);
    }
    const kubeProxy = await this.options.runner.run('kubectl', this.args(['get', 'daemonset', 'kube-proxy', '--ignore-not-found', '-o', 'name']));
    this.mode = serviceModeOf(cilium.code === 0 ? (JSON.parse(cilium.stdout) as CiliumConfig) : undefined, kubeProxy.stdout.trim() !== '');
    return this.mode;
  }

  /** The cluster's Service translation, read once; an error when it is neither kube-proxy nor socket LB. */
  async clusterMode(): Promise<DnsServiceMode> {
    const mode = await this.detectMode();
    if (!mode) throw new Error(`cannot tell how this cluster translates Service addresses: no kube-proxy DaemonSet and no Cilium socket LB in ${this.ns}`);
    return mode;
  }

  async service(): Promise<DnsServiceInfo> {
    const service = await runJson<KubeService>(this.options.runner, 'kubectl', this.args(['get', 'service', 'kube-dns', '-o', 'json']));
    const port = service.spec.ports?.find((p) => (p.protocol ?? 'UDP') === 'UDP')?.port ?? 53;
    const pods = await this.dnsPods();
    return { address: `${service.spec.clusterIP}:${port}`, mode: await this.clusterMode(), endpoints: pods.map((p) => `${p.ip}:53`) };
  }

  async setServiceMode(mode: DnsServiceMode): Promise<void> {
    const actual = await this.clusterMode();
    if (actual !== mode) {
      throw new Error(
        `this cluster's kube-dns Service is translated in ${actual} mode and that is fixed when the cluster is created: ${mode} needs a cluster from ${CLUSTER_FOR_MODE[mode]}`,
      );
    }
  }

  async rolloutRestart(): Promise<{ before: string[]; after: string[] }> {
    await this.dropWatch.start();
    const old = await this.dnsPods();
    await this.options.runner.run('kubectl', this.args(['rollout', 'restart', 'deployment', 'coredns']));
    await this.options.runner.run('kubectl', this.args(['rollout', 'status', 'deployment', 'coredns', '--timeout=180s']), { timeoutMs: 190_000 });
    // `rollout status` returns while the old pods still answer (CoreDNS's lameduck): done once they are gone.
    const oldPods = old.map((p) => `pod/${p.name}`);
    if (oldPods.length) await this.options.runner.run('kubectl', this.args(['wait', '--for=delete', ...oldPods, '--timeout=120s']), { timeoutMs: 130_000 });
    return { before: old.map((p) => p.ip), after: (await this.dnsPods()).map((p) => p.ip) };
  }

  /** The DNS datagrams (to port 53) the agents' monitors printed since `since`. */
  async drops(since = 0): Promise<DnsDrop[]> {
    return this.dropWatch
      .drops(since)
      .filter((drop) => portOf(drop.destination) === 53)
      .map((drop) => ({ time: new Date(drop.at).toISOString(), client: drop.source, endpoint: drop.destination, reason: drop.reason, line: drop.line, watcher: drop.agent }));
  }

  dropsWatched(since: number): string {
    return this.dropWatch.describe(since);
  }

  setSocketTermination(on: boolean): Promise<void> {
    return this.termination.set(on);
  }

  /** Ends the drop watches and puts Cilium's socket termination back as found; both are tried. */
  async stop(): Promise<void> {
    try {
      await this.dropWatch.stop();
    } finally {
      await this.termination.restore();
    }
  }

  async podQueries(): Promise<DnsPodQueries[]> {
    const pods = await this.dnsPods();
    const records = parseCorednsLog((await this.options.runner.run('kubectl', this.args(logsArgs(COREDNS_SELECTOR, this.options.since())))).stdout);
    return pods.map((pod) => ({ pod: pod.name, ip: pod.ip, queries: records.filter((r) => r.server === pod.name) }));
  }

  async signalPods(deployment: string, signal: NodeJS.Signals): Promise<string[]> {
    if (deployment !== AUTH_PROXY_DEPLOYMENT || signal !== 'SIGHUP') {
      throw new Error(`${signal} to ${deployment}: not supported by the kind target (only SIGHUP to ${AUTH_PROXY_DEPLOYMENT}: nginx -s reload)`);
    }
    const resource = `deploy/${AUTH_PROXY_DEPLOYMENT}`;
    await this.options.runner.run('kubectl', this.args(['exec', resource, '--', 'nginx', '-s', 'reload'], this.options.labNamespace));
    return [resource];
  }
}
