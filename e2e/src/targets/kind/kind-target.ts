/**
 * The kind target: the same scenarios against a cluster where the lab is installed with the Helm chart
 * (scripts/cluster/up.sh). Everything goes through kubectl and helm (one CommandRunner):
 * - start(lab): `helm upgrade --install --wait` of the installed release with values derived from the lab
 *   (kind/values.yaml, the release's image settings, the lab's apps, replicas, env and Service ports);
 *   stop(): clears the faults it set, `helm rollback` to the revision found at start, ends port-forwards;
 * - Services are reached with `kubectl port-forward`, pods' admin and metrics through a forward per pod,
 *   podRequest with `kubectl exec` of curl in a probe pod (probe-pod.ts);
 * - logs from `kubectl logs --prefix --timestamps`, traces from the chart's Zipkin API, the cluster DNS
 *   evidence from CoreDNS's `log` plugin lines, the upstream's from the dns-server's GET /queries.
 */
import path from 'node:path';
import type { ZipkinSpan } from '@faultline/zipkin-receiver';
import type { HttpResult, RequestOptions } from '../../evidence/http';
import { DNS_QUERIES_PATH, dnsQueriesOf, memoryOf, metricsBodies } from '../pod-evidence';
import { pollUntil } from '@faultline/test-support';
import type { LabSpec } from '../../lab/spec';
import { WORKSPACE_ROOT } from '../local/paths';
import type { ClusterPart, DnsQueryRecord, DnsRole, LogLine, LogPredicate, PodInfo, ServiceInfo, Target, TraceFilter } from '../target';
import { assertClusterReachable } from './cluster-check';
import { type CommandRunner, ProcessCommandRunner, runJson } from './command-runner';
import { type KubeEndpointSlice, type KubeList, type KubePod, type KubeService, parseTopPods, toPodInfos, toServiceInfo } from './kube-objects';
import { AUTH_PROXY_DEPLOYMENT, AUTH_PROXY_PLAYED_BY, AUTH_PROXY_SERVICE_PORT, type AuthProxyMapping, authProxyMapping } from './auth-proxy-values';
import { type ChartValues, labValues, UPSTREAM_DNS_DEPLOYMENT } from './lab-values';
import { COREDNS_SELECTOR, logsArgs, parseCorednsLog, parseKubectlLogs } from './log-lines';
import { zipkinTrace, zipkinTraces } from './zipkin-api';
import { DEFAULT_PROBE_IMAGE } from './pod-curl';
import { ProbePod } from './probe-pod';
import { patchServicePorts } from './service-ports';
import { setDeploymentEnv } from './deployment-env';
import { replacedPodsGone } from './replaced-pods';
import { PortForward } from './port-forward';
import { KindClusterDns } from './kind-cluster-dns';
import { KindIngress } from './kind-ingress';
import { ChartDeployments } from './chart-deployments';
import { PodForwards } from './pod-forwards';
import { PodEndpoints } from './pod-endpoints';
import { HelmRelease } from './helm-release';
import { missingClusterParts } from './cluster-parts';
import { kindSources } from './kind-sources';
import { FlaggerCanary } from './flagger-canary';
import { KindClusterFaults } from './kind-cluster-faults';
import type { EvidenceSources } from '../evidence-sources';

export interface KindTargetOptions {
  runner?: CommandRunner;
  /** Where the chart is installed (scripts/cluster: FAULTLINE_NAMESPACE, FAULTLINE_RELEASE). */
  namespace?: string;
  release?: string;
  /** kubectl/helm context; the current one when omitted. */
  context?: string;
  chartDir?: string;
  /** Applied first, as scripts/cluster/install.sh does. */
  kindValuesFile?: string;
  probeImage?: string;
  /** helm --timeout. */
  helmTimeout?: string;
  /** Where CoreDNS runs. */
  dnsNamespace?: string;
  /** Where the ingress-nginx controller runs (scripts/cluster/create-cluster.sh --ingress). */
  ingressNamespace?: string;
}

const ZIPKIN_SERVICE = 'zipkin';
const ZIPKIN_PORT = 9411;
const ADMIN_SECRET = 'faultline-admin';

export class KindTarget implements Target {
  readonly name = 'kind' as const;
  readonly namespace: string;
  readonly release: string;
  readonly sources: EvidenceSources;
  private readonly runner: CommandRunner;
  private readonly helm: HelmRelease;
  private lab: LabSpec | undefined;
  private labChartValues: ChartValues | undefined;
  private chartDeployments: ChartDeployments | undefined;
  private startedAt = Date.now();
  private readonly serviceForwards = new Map<string, PortForward>();
  /** stale-dns-server: the lab's auth-proxy is the chart's authProxy (nginx configured like ingress-nginx auth-url). */
  private authProxy: AuthProxyMapping | undefined;
  private zipkin: PortForward | undefined;
  private readonly podForwards: PodForwards;
  /** The pods' /admin/faults, /metrics and /queries, each through its own forward. */
  private readonly podEndpoints: PodEndpoints;
  private readonly probe: ProbePod;
  private stopped: Promise<void> | undefined;
  /** ingress-nginx and the canary Ingress pair of the chart (canary-split). */
  readonly ingress: KindIngress;
  /** CoreDNS behind kube-dns, the cluster's Service translation, Cilium's drops and socket termination, nginx's reload (stale-dns-server). */
  readonly clusterDns: KindClusterDns;
  /** Flagger's Canary myweb on Traefik's Gateway (canary-split, after scripts/cluster/install-flagger.sh). */
  readonly canaryRelease: FlaggerCanary;
  /** The broker pod deleted, a NetworkPolicy flow removed, Cilium's policy drops (broker-pod-loss, network-policy-deny). */
  readonly clusterFaults: KindClusterFaults;
  /** The chart's rabbitmq-0 (part of the cluster faults). */
  get brokerControl(): KindClusterFaults {
    return this.clusterFaults;
  }

  constructor(private readonly options: KindTargetOptions = {}) {
    this.runner = options.runner ?? new ProcessCommandRunner();
    this.namespace = options.namespace ?? 'faultline';
    this.release = options.release ?? 'faultline';
    this.sources = kindSources({
      namespace: this.namespace,
      release: this.release,
      dnsNamespace: options.dnsNamespace,
      playedBy: (name) => (this.authProxy && name === this.authProxy.proxy ? AUTH_PROXY_PLAYED_BY : undefined),
      selector: (deployment) => this.chart.selector(deployment),
      resource: (deployment) => this.chart.resource(deployment),
    });
    this.helm = new HelmRelease({
      runner: this.runner,
      release: this.release,
      namespace: this.namespace,
      context: options.context,
      chartDir: options.chartDir ?? path.join(WORKSPACE_ROOT, 'helm', 'faultline'),
      baseValuesFile: options.kindValuesFile ?? path.join(WORKSPACE_ROOT, 'kind', 'values.yaml'),
      timeout: options.helmTimeout,
    });
    const kubectl = (args: readonly string[], namespace?: string) => this.kubectl(args, namespace);
    this.ingress = new KindIngress({ runner: this.runner, kubectl, namespace: this.namespace, controllerNamespace: options.ingressNamespace });
    this.clusterDns = new KindClusterDns({
      runner: this.runner,
      kubectl,
      dnsNamespace: options.dnsNamespace,
      labNamespace: this.namespace,
      since: () => this.startedAt,
    });
    this.canaryRelease = new FlaggerCanary({ runner: this.runner, kubectl, namespace: this.namespace, upgradeLab: (values) => this.upgradeLab(values) });
    this.clusterFaults = new KindClusterFaults({
      runner: this.runner,
      kubectl,
      namespace: this.namespace,
      release: this.release,
      ciliumNamespace: options.dnsNamespace,
      probeImage: options.probeImage,
      upgradeLab: (values) => this.upgradeLab(values),
    });
    this.podForwards = new PodForwards(this.runner, this.kubectl([]));
    this.podEndpoints = new PodEndpoints(this.podForwards, (deployment) => this.pods(deployment));
    this.probe = new ProbePod(this.runner, this.kubectl([]), options.probeImage ?? DEFAULT_PROBE_IMAGE);
  }

  /** kubectl arguments: context and namespace first. */
  private kubectl(args: readonly string[], namespace = this.namespace): string[] {
    return [...(this.options.context ? ['--context', this.options.context] : []), '-n', namespace, ...args];
  }

  async start(lab: LabSpec): Promise<void> {
    this.startedAt = Date.now();
    try {
      await this.startLab(lab);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  private async startLab(lab: LabSpec): Promise<void> {
    await this.helm.checkInstalled();
    const values = labValues(lab, this.helm.chartApps(), await this.helm.imageValues());
    this.lab = lab;
    this.chartDeployments = new ChartDeployments(lab, this.release);
    this.authProxy = authProxyMapping(lab);
    this.labChartValues = values;
    await this.upgradeLab({});

    const secret = await runJson<{ data?: { token?: string } }>(this.runner, 'kubectl', this.kubectl(['get', 'secret', ADMIN_SECRET, '-o', 'json']));
    if (!secret.data?.token) throw new Error(`Secret ${ADMIN_SECRET} in ${this.namespace} has no key "token"`);
    this.podEndpoints.adminToken = Buffer.from(secret.data.token, 'base64').toString('utf8');

    for (const service of lab.services) {
      if (this.authProxy?.playedBy[service.selector]) continue;
      // The lab's auth-proxy Service is the chart's, on the chart's port.
      const isProxy = service.selector === this.authProxy?.proxy;
      const resource = `svc/${isProxy ? AUTH_PROXY_DEPLOYMENT : service.name}`;
      const forward = new PortForward(this.runner, { scope: this.kubectl([]), resource, remotePort: isProxy ? AUTH_PROXY_SERVICE_PORT : service.port, restart: true });
      this.serviceForwards.set(service.name, forward);
      await forward.start();
    }
    this.zipkin = new PortForward(this.runner, { scope: this.kubectl([]), resource: `svc/${ZIPKIN_SERVICE}`, remotePort: ZIPKIN_PORT, restart: true });
    await this.zipkin.start();
  }

  /** A helm upgrade with the lab's values and `extra` (top-level keys replaced), done once the pods it replaced are gone. */
  private async upgradeLab(extra: Record<string, unknown>): Promise<void> {
    await this.helm.upgrade({ ...this.labChartValues, ...extra });
    await replacedPodsGone(this.runner, this.kubectl([]), this.release);
  }

  /** The lab's Deployments as the chart names and selects them; known once start() took a lab. */
  private get chart(): ChartDeployments {
    if (!this.chartDeployments) throw new Error('the kind target has not started a lab');
    return this.chartDeployments;
  }

  serviceUrl(service: string): string {
    const selector = this.lab?.services.find((s) => s.name === service)?.selector;
    const playedBy = selector && this.authProxy?.playedBy[selector];
    if (playedBy) throw new Error(`Service "${service}" is the chart's ${playedBy} behind ${this.authProxy?.proxy} on kind: reach it through "${this.authProxy?.proxy}" (${AUTH_PROXY_PLAYED_BY})`);
    const forward = this.serviceForwards.get(service);
    if (!forward) throw new Error(`no Service "${service}" in this lab (have: ${[...this.serviceForwards.keys()].join(', ')})`);
    return forward.url;
  }

  missingParts(parts: readonly ClusterPart[]): Promise<string[]> {
    const kubectl = (args: readonly string[], namespace?: string) => this.kubectl(args, namespace);
    return missingClusterParts(parts, { runner: this.runner, kubectl, clusterDns: this.clusterDns, ingressNamespace: this.options.ingressNamespace, ciliumNamespace: this.options.dnsNamespace });
  }

  podRequest(url: string, options: RequestOptions = {}): Promise<HttpResult> {
    return this.probe.request(url, options);
  }

  private async getServices(): Promise<{ services: KubeService[]; slices: KubeEndpointSlice[] }> {
    const [services, slices] = await Promise.all([
      runJson<KubeList<KubeService>>(this.runner, 'kubectl', this.kubectl(['get', 'services', '-l', `app.kubernetes.io/instance=${this.release}`, '-o', 'json'])),
      runJson<KubeList<KubeEndpointSlice>>(this.runner, 'kubectl', this.kubectl(['get', 'endpointslices', '-o', 'json'])),
    ]);
    return { services: services.items, slices: slices.items };
  }

  async services(): Promise<ServiceInfo[]> {
    const names = new Set(this.lab?.services.map((s) => s.name));
    const { services, slices } = await this.getServices();
    return services.filter((s) => names.has(s.metadata.name)).map((s) => toServiceInfo(s, slices));
  }

  async pods(deployment?: string): Promise<PodInfo[]> {
    const selector = deployment ? this.chart.selector(deployment) : `app.kubernetes.io/instance=${this.release}`;
    const list = await runJson<KubeList<KubePod>>(this.runner, 'kubectl', this.kubectl(['get', 'pods', '-l', selector, '-o', 'json']));
    const lab = this.chart.names();
    return toPodInfos(list, this.chart.deploymentOf).filter((pod) => lab.has(pod.deployment));
  }

  async setServicePorts(service: string, ports: { port?: number; targetPort?: number }): Promise<void> {
    if (!this.serviceForwards.has(service)) this.serviceUrl(service);
    await patchServicePorts(this.runner, this.kubectl([]), service, ports);
    if (ports.port !== undefined) await this.serviceForwards.get(service)?.reconnect();
  }

  async setEnv(deployment: string, env: Record<string, string | undefined>): Promise<void> {
    if (!Object.keys(env).length) return;
    const oldPods = (await this.pods(deployment)).map((pod) => pod.name);
    await setDeploymentEnv(this.runner, this.kubectl([]), this.chart.resource(deployment), env, oldPods);
    // The rollout replaced the pods: forwards to them (and Services' forwards landing on them) are gone.
    await this.podForwards.stopAll();
    const services = this.lab?.services ?? [];
    await Promise.all(services.filter((s) => s.selector === deployment).map((s) => this.serviceForwards.get(s.name)?.reconnect()));
  }

  /** The same request to every pod of a Deployment, each through its own forward. */
  getFaults(deployment: string): Promise<Record<string, unknown>[]> {
    return this.podEndpoints.faults(deployment, 'GET');
  }

  async setFaults(deployment: string, faults: Record<string, unknown>): Promise<void> {
    await this.podEndpoints.faults(deployment, 'PUT', faults);
  }

  async clearFaults(deployment: string): Promise<void> {
    await this.podEndpoints.faults(deployment, 'DELETE');
  }

  async logs(deployment: string, options: { since?: number; match?: LogPredicate } = {}): Promise<LogLine[]> {
    const since = options.since ?? this.startedAt;
    const args = logsArgs(this.chart.selector(deployment), since, { container: this.chart.app(deployment), maxRequests: 20 });
    const result = await this.runner.run('kubectl', this.kubectl(args));
    return parseKubectlLogs(result.stdout, deployment).filter((line) => line.at >= since && (!options.match || options.match(line)));
  }

  waitForLog(deployment: string, match: LogPredicate, options: { since?: number; timeoutMs?: number; what?: string } = {}): Promise<LogLine> {
    return pollUntil(async () => (await this.logs(deployment, { since: options.since, match }))[0], {
      timeoutMs: options.timeoutMs ?? 10_000,
      intervalMs: 500,
      what: options.what ?? `a ${deployment} log line`,
    });
  }

  private zipkinUrl(): string {
    if (!this.zipkin) throw new Error('the kind target has not started a lab (no Zipkin forward)');
    return this.zipkin.url;
  }

  traces(filter: TraceFilter = {}): Promise<ZipkinSpan[][]> {
    return zipkinTraces(this.zipkinUrl(), filter);
  }

  trace(traceId: string): Promise<ZipkinSpan[] | undefined> {
    return zipkinTrace(this.zipkinUrl(), traceId);
  }

  async scrapeMetrics(deployment: string): Promise<string[]> {
    return metricsBodies(await this.podEndpoints.each(deployment, '/metrics'), deployment);
  }

  /**
   * upstream: the dns-server's own query log. cluster: CoreDNS's `log` plugin lines, which the forward
   * block of scripts/cluster/coredns-forward.sh enables for myexternalserver.com only; names answered by
   * the main server block (Services, search expansions) appear only where its Corefile enables `log` too.
   */
  async dnsQueries(role: DnsRole): Promise<DnsQueryRecord[]> {
    if (role === 'upstream') {
      const [result] = await this.podEndpoints.each(UPSTREAM_DNS_DEPLOYMENT, DNS_QUERIES_PATH);
      return dnsQueriesOf(result, role);
    }
    const args = logsArgs(COREDNS_SELECTOR, this.startedAt);
    const result = await this.runner.run('kubectl', this.kubectl(args, this.options.dnsNamespace ?? 'kube-system'));
    return parseCorednsLog(result.stdout);
  }

  async restarts(deployment: string): Promise<number> {
    return (await this.pods(deployment)).reduce((sum, pod) => sum + pod.restarts, 0);
  }

  /** Working-set memory from `kubectl top pods` (metrics-server); kind has none unless installed. */
  async memory(): Promise<{ totalBytes: number; byPod: Record<string, number> }> {
    const result = await this.runner.run('kubectl', this.kubectl(['top', 'pods', '--no-headers']), { allowFailure: true });
    if (result.code !== 0) {
      throw new Error(`memory: unavailable on this cluster (kubectl top pods needs metrics-server): ${result.stderr.trim().split('\n')[0]}`);
    }
    return memoryOf(parseTopPods(result.stdout));
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      const problems: string[] = [];
      const attempt = async (what: string, body: () => Promise<unknown>) => {
        try {
          await body();
        } catch (error) {
          problems.push(`${what}: ${(error as Error).message}`);
        }
      };
      // Faults live in the pods' memory: a rollback that leaves a pod as it is would keep them.
      for (const deployment of this.podEndpoints.faultedDeployments) await attempt(`clearing faults of ${deployment}`, () => this.clearFaults(deployment));
      await this.podForwards.stopAll();
      await attempt('ingress', () => this.ingress.stop());
      await attempt("Flagger's canary release", () => this.canaryRelease.stop());
      await attempt('Cilium drop watch and socket termination', () => this.clusterDns.stop());
      await attempt("Cilium's policy drop watch and the nodes a scenario stopped", () => this.clusterFaults.stop());
      await Promise.all([...this.serviceForwards.values(), ...(this.zipkin ? [this.zipkin] : [])].map((f) => f.stop()));
      await attempt('deleting the probe pod', () => this.probe.delete());
      // Back to the release as it was, which also undoes kubectl edits (Service ports, env) of chart fields.
      await attempt('helm rollback', () => this.helm.rollback());
      this.helm.cleanUp();
      if (problems.length) throw new Error(`kind target stop: ${problems.join('; ')}`);
    })();
    return this.stopped;
  }
}

/** The kind target for a run: fails at once, clearly, when no Kubernetes API is reachable. */
export function createKindTarget(options: KindTargetOptions = {}): KindTarget {
  assertClusterReachable({ context: options.context });
  return new KindTarget(options);
}
