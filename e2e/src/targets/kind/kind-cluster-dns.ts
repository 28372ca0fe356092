/**
 * The cluster DNS control of the kind target (see ../cluster-dns-control.ts), through kubectl:
 * - service(): the kube-dns Service's ClusterIP and the CoreDNS pods behind it (`k8s-app=kube-dns`);
 * - the Service translation is a property of the cluster, chosen when it was created
 *   (scripts/cluster/create-cluster.sh --config cilium-kube-proxy-free | cilium-kube-proxy-partial): it is
 *   read from Cilium's ConfigMap (`kube-proxy-replacement`, `bpf-lb-sock`: socket LB) and the kube-proxy
 *   DaemonSet; setServiceMode() succeeds when the cluster already has the mode asked for, and otherwise
 *   fails naming the cluster config that has it;
 * - rolloutRestart(): `kubectl -n kube-system rollout restart deployment coredns` and `rollout status`;
 * - drops(): always empty: the dropped datagrams are seen only with `cilium monitor --type drop` on a node,
 *   which the harness does not run (the scenario does not assert on them on kind);
 * - podQueries(): CoreDNS's `log` plugin lines per CoreDNS pod (only the server blocks with `log` log);
 * - signalPods('auth-proxy', 'SIGHUP'): on a cluster the ingress-nginx controller plays auth-proxy (it keeps
 *   the resolver socket), so the reload is `kubectl -n ingress-nginx exec deploy/ingress-nginx-controller --
 *   nginx -s reload`.
 */
import type { ClusterDnsControl, DnsDrop, DnsPodQueries, DnsServiceInfo, DnsServiceMode } from '../cluster-dns-control';
import { CommandError, type CommandRunner, commandLine, runJson } from './command-runner';
import type { KubeList, KubePod, KubeService } from './kube-objects';
import type { ClusterDnsSources } from '../evidence-sources';
import { kindClusterDnsSources } from './kind-sources';
import { COREDNS_SELECTOR, logsArgs, parseCorednsLog } from './log-lines';

/** The lab Deployment the ingress-nginx controller plays on a cluster (seed 003's nginx with auth-url). */
export const AUTH_PROXY_DEPLOYMENT = 'auth-proxy';

/** Which cluster config of kind/ has each mode. */
export const CLUSTER_FOR_MODE: Record<DnsServiceMode, string> = {
  'socket-lb': 'kind/cilium-kube-proxy-free.yaml (scripts/cluster/create-cluster.sh --config cilium-kube-proxy-free --ingress)',
  'kube-proxy': 'kind/cilium-kube-proxy-partial.yaml (scripts/cluster/create-cluster.sh --config cilium-kube-proxy-partial --ingress), or kind/cluster.yaml',
};

export interface KindClusterDnsOptions {
  runner: CommandRunner;
  /** kubectl arguments (context, namespace) before the verb, for a namespace. */
  kubectl: (args: readonly string[], namespace?: string) => string[];
  /** Where CoreDNS, kube-proxy and Cilium run. */
  dnsNamespace?: string;
  controllerNamespace?: string;
  controllerDeployment?: string;
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

  constructor(private readonly options: KindClusterDnsOptions) {
    this.sources = kindClusterDnsSources(options);
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
    const before = (await this.dnsPods()).map((p) => p.ip);
    await this.options.runner.run('kubectl', this.args(['rollout', 'restart', 'deployment', 'coredns']));
    await this.options.runner.run('kubectl', this.args(['rollout', 'status', 'deployment', 'coredns', '--timeout=180s']), { timeoutMs: 190_000 });
    return { before, after: (await this.dnsPods()).map((p) => p.ip) };
  }

  /** Not observable through kubectl (it takes `cilium monitor --type drop` on the node): always empty. */
  async drops(): Promise<DnsDrop[]> {
    return [];
  }

  async podQueries(): Promise<DnsPodQueries[]> {
    const pods = await this.dnsPods();
    const records = parseCorednsLog((await this.options.runner.run('kubectl', this.args(logsArgs(COREDNS_SELECTOR, this.options.since())))).stdout);
    return pods.map((pod) => ({ pod: pod.name, ip: pod.ip, queries: records.filter((r) => r.server === pod.name) }));
  }

  async signalPods(deployment: string, signal: NodeJS.Signals): Promise<string[]> {
    if (deployment !== AUTH_PROXY_DEPLOYMENT || signal !== 'SIGHUP') {
      throw new Error(`${signal} to ${deployment}: not supported by the kind target (only SIGHUP to ${AUTH_PROXY_DEPLOYMENT}, the ingress-nginx controller's reload)`);
    }
    const controller = `deploy/${this.options.controllerDeployment ?? 'ingress-nginx-controller'}`;
    await this.options.runner.run('kubectl', this.args(['exec', controller, '--', 'nginx', '-s', 'reload'], this.options.controllerNamespace ?? 'ingress-nginx'));
    return [controller];
  }
}
