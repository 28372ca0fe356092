/**
 * The local target: the lab as Node processes on loopback, no root and no containers.
 * - every pod is its app's built bundle with the tracer preloaded, on its own address (127.N.1.x);
 * - Services are kube-proxy emulators on ClusterIPs (127.N.2.x), see kube-proxy.ts;
 * - cluster DNS is the lab's dns-server in cluster role (<svc>.default.svc.cluster.local → ClusterIP),
 *   forwarding other names to a second dns-server in upstream role (the "custom DNS server");
 *   every pod gets RESOLV_CONF (nameserver, the pod search list, ndots:5) and resolves like a pod;
 * - a supervisor restarts crashed pods with backoff and counts restarts, as kubelet does;
 * - spans go to an in-process Zipkin receiver (forwarded to the trace UI when it runs); logs are captured per pod;
 * - Prometheus scrapes every pod when it is installed (see observability.ts).
 * Teardown stops every process by PID (on stop(), on Ctrl-C, on failure; see also pod-guard.cjs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startZipkinReceiver, type RunningZipkinReceiver, type ZipkinSpan } from '@faultline/zipkin-receiver';
import { httpRequest, type HttpResult, type RequestOptions } from '../../evidence/http';
import { FAULTS_PATH, faultRequest, faultsOf } from '../fault-admin';
import { DNS_QUERIES_PATH, dnsQueriesOf, memoryOf, metricsBodies } from '../pod-evidence';
import { CLUSTER_DNS_DEPLOYMENT, type DeploymentSpec, type LabSpec, NAMESPACE, UPSTREAM_DNS_DEPLOYMENT } from '../../lab/spec';
import type { DnsQueryRecord, DnsRole, LogLine, LogPredicate, PodInfo, ServiceInfo, Target, TraceFilter } from '../target';
import { ingressAddress, LocalIngressController } from './ingress';
import type { DnsServiceMode } from '../cluster-dns-control';
import { ServiceProxy, type TcpEvent } from './kube-proxy';
import { type LabDns, startLabDns } from './lab-dns-parts';
import { LocalClusterDns } from './local-cluster-dns';
import { LogStore } from './log-store';
import { localSources } from './local-sources';
import { LabObservability, type ObservabilityOptions } from './observability';
import { rssBytes } from './memory';
import { AddressPlan, freeAddressPlan, ZIPKIN_PORT } from './net';
import { killOnExit } from './kill-on-exit';
import { isBuilt } from './paths';
import { LocalDeployments } from './local-deployments';
import type { RabbitmqNode } from './rabbitmq-node';
import { launchOwnBroker, LocalBrokerPod } from './local-broker-pod';
import { requestLikePod } from './pod-dns';
import { podEnv } from './pod-env';
import type { ScrapedPod } from './prometheus';

export interface LocalTargetOptions extends ObservabilityOptions {
  /** Address block N (127.N.x.y); a free random one when omitted. */
  block?: number;
  /** First restart delay of a crashed pod (kubelet: 10 s); doubles up to 5 s. */
  restartBackoffMs?: number;
  readyTimeoutMs?: number;
  /** Run the cluster and upstream DNS (needs dns-server built). Default true. */
  dns?: boolean;
  /** How the kube-dns Service address is translated (see dns-service.ts). Default kube-proxy. */
  dnsServiceMode?: DnsServiceMode;
  /**
   * The lab's own broker when the command launched one: listed, scraped and measured as the lab's rabbitmq-0
   * pod; the pods that use it (RABBITMQ_URL) start once it is ready, the others meanwhile.
   */
  broker?: RabbitmqNode;
}

/** The broker's pod name and app label, as the chart's StatefulSet names them. */
export const BROKER_POD = { name: 'rabbitmq-0', app: 'rabbitmq' } as const;

export class LocalTarget implements Target {
  readonly name = 'local' as const;
  readonly namespace = NAMESPACE;
  readonly sources = localSources;
  readonly adminToken = randomBytes(16).toString('hex');
  readonly logStore = new LogStore();
  private plan!: AddressPlan;
  private zipkin: RunningZipkinReceiver | undefined;
  private workdir: string | undefined;
  /** The lab's DNS parts (see lab-dns-parts.ts), unless started without DNS. */
  private dns: LabDns | undefined;
  /** The lab's Deployments and their pods (see local-deployments.ts). */
  private readonly deployments: LocalDeployments;
  private readonly proxies = new Map<string, ServiceProxy>();
  /** Service name → the deployment it selects. */
  private readonly selectors = new Map<string, string>();
  private stopped: Promise<void> | undefined;
  /** The broker this lab started for itself (LabSpec.ownBroker), when the command gave it none. */
  private ownBroker: RabbitmqNode | undefined;
  private releaseExitKill: (() => void) | undefined;
  /** The trace UI and Prometheus beside the lab, when they run (see observability.ts). */
  readonly observability: LabObservability;
  /** The ingress-nginx stand-in on 127.N.0.80, listening once an Ingress is applied (see ingress.ts). */
  readonly ingress = new LocalIngressController({ address: () => ingressAddress(this.plan.block), serviceUrl: (service) => this.serviceUrl(service) });

  /** The lab's own broker as its rabbitmq-0 pod: killed and started again on its folder (broker-pod-loss). */
  readonly brokerControl = new LocalBrokerPod(() => this.broker);

  readonly clusterDns = new LocalClusterDns({
    service: () => this.dns?.service,
    pods: (deployment) => this.pods(deployment),
    clusterDnsDeployment: CLUSTER_DNS_DEPLOYMENT,
    rolloutToNewAddresses: (deployment) => this.rolloutToNewAddresses(deployment),
  });

  constructor(private readonly options: LocalTargetOptions = {}) {
    this.observability = new LabObservability(options);
    this.deployments = new LocalDeployments({
      logs: this.logStore,
      podEnv: (spec, ip) => this.podEnv(spec, ip),
      restartBackoffMs: options.restartBackoffMs,
      readyTimeoutMs: options.readyTimeoutMs,
      onPodsChanged: (deployment) => this.refreshServicesOf(deployment),
    });
  }

  get addressPlan(): AddressPlan {
    return this.plan;
  }

  get zipkinUrl(): string | undefined {
    return this.zipkin?.url;
  }

  async start(lab: LabSpec): Promise<void> {
    // Every pod is killed synchronously if the harness exits for any reason before stop().
    this.releaseExitKill = killOnExit(() => this.killNow());
    try {
      await this.startLab(lab);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** The lab's broker pod: the command's own, or the one the lab started for itself. */
  private get broker(): RabbitmqNode | undefined {
    return this.options.broker ?? this.ownBroker;
  }

  private async startLab(requested: LabSpec): Promise<void> {
    const missing = [...new Set(requested.deployments.map((d) => d.app))].filter((app) => !isBuilt(app));
    const withDns = this.options.dns ?? true;
    if (withDns && !isBuilt('dns-server')) missing.push('dns-server');
    if (missing.length) throw new Error(`not built: ${missing.join(', ')} (run: node e2e/bin/build-lab.mjs)`);

    this.plan = await freeAddressPlan(this.options.block);
    this.observability.plan(this.plan.block);
    this.observability.startTraceUi();
    this.zipkin = await startZipkinReceiver({ host: this.plan.zipkinIp, port: ZIPKIN_PORT, onSpans: (spans) => this.observability.forward(spans) });
    this.workdir = mkdtempSync(path.join(tmpdir(), 'faultline-lab-'));
    // A lab that asks for a broker of its own gets one, unless the command gave it one.
    let lab = requested;
    if (requested.ownBroker && !this.options.broker) ({ broker: this.ownBroker, lab } = await launchOwnBroker(requested, this.plan.brokerIp, this.workdir));

    const placed = lab.deployments.map((spec) => ({ spec, ips: Array.from({ length: spec.replicas ?? 1 }, () => this.plan.allocatePodIp()) }));
    const podIps = new Map(placed.map(({ spec, ips }) => [spec.name, ips]));
    const clusterIps = new Map(lab.services.map((service) => [service.name, this.plan.allocateClusterIp()]));

    if (withDns) {
      this.dns = await startLabDns({
        lab,
        plan: this.plan,
        podIps,
        clusterIps,
        workdir: this.workdir,
        serviceMode: this.options.dnsServiceMode,
        startDeployment: (spec, ips) => this.deployments.start(spec, ips),
        clusterDnsPods: () => this.deployments.ips(CLUSTER_DNS_DEPLOYMENT),
      });
    }
    // The broker's pod comes first (it may still be starting): the pods that use it start once it takes logins.
    const { broker } = this;
    await Promise.all(placed.map(({ spec, ips }) => (broker && spec.env?.RABBITMQ_URL ? broker.ready.then(() => this.deployments.start(spec, ips)) : this.deployments.start(spec, ips))));

    for (const service of lab.services) {
      if (!this.deployments.has(service.selector)) throw new Error(`Service ${service.name}: no deployment ${service.selector}`);
      const clusterIp = clusterIps.get(service.name);
      if (!clusterIp) throw new Error(`Service ${service.name}: no ClusterIP allocated`);
      const proxy = new ServiceProxy({
        name: service.name,
        clusterIp,
        port: service.port,
        targetPort: service.targetPort,
        endpoints: () => this.deployments.ips(service.selector),
      });
      this.proxies.set(service.name, proxy);
      this.selectors.set(service.name, service.selector);
      await proxy.start();
    }
    await this.observability.startPrometheus(() => this.scrapedPods());
    await this.observability.ready();
  }

  /** Every pod as Prometheus' pod discovery would list it (app label = Deployment, version from VERSION). */
  private scrapedPods(): ScrapedPod[] {
    const { broker } = this;
    return [
      ...this.deployments.all().flatMap(({ spec, pods }) =>
        pods.map((pod) => ({ name: pod.name, app: spec.name, ip: pod.ip, port: spec.port, namespace: this.namespace, version: spec.env?.VERSION })),
      ),
      ...(broker ? [{ ...BROKER_POD, ip: broker.host, port: broker.metricsPort, namespace: this.namespace }] : []),
    ];
  }

  /** A pod's environment: the lab's settings, then its Deployment's (see pod-env.ts). */
  private podEnv(spec: DeploymentSpec, ip: string): Record<string, string> {
    const { zipkin, workdir } = this;
    if (!zipkin || !workdir) throw new Error(`pod of ${spec.name}: the lab has no Zipkin receiver or working directory yet (start() first)`);
    return podEnv(spec, ip, {
      adminToken: this.adminToken,
      namespace: this.namespace,
      zipkinSpansEndpoint: zipkin.spansEndpoint,
      resolvConfPath: this.dns?.resolvConfPath,
      traceUrlTemplate: this.observability.traceUi?.traceUrl('{traceId}'),
    });
  }

  /** `kubectl rollout restart` onto new addresses; the cluster DNS Service learns the new pods before the old ones go. */
  private rolloutToNewAddresses(name: string): Promise<{ before: string[]; after: string[] }> {
    return this.deployments.rolloutToNewAddresses(name, () => this.plan.allocatePodIp(), async () => this.dns?.service.refresh());
  }

  private refreshServicesOf(deployment: string): void {
    for (const [service, selector] of this.selectors) if (selector === deployment) void this.proxies.get(service)?.refresh();
  }

  private proxy(name: string): ServiceProxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw new Error(`no Service "${name}" in this lab (have: ${[...this.proxies.keys()].join(', ')})`);
    return proxy;
  }

  serviceUrl(service: string): string {
    const proxy = this.proxy(service);
    return `http://${proxy.clusterIp}:${proxy.port}`;
  }

  async podRequest(url: string, options: RequestOptions = {}): Promise<HttpResult> {
    return this.dns ? requestLikePod(this.dns.resolvConf, url, options) : httpRequest(url, options);
  }

  /** The kube-proxy stand-in's connection log of one Service, in trace_tcp's columns (see kube-proxy.ts). */
  serviceTcpEvents(name: string): readonly TcpEvent[] {
    return this.proxies.get(name)?.tcpEvents ?? [];
  }

  async services(): Promise<ServiceInfo[]> {
    return [...this.proxies.values()].map((p) => ({
      name: p.name,
      clusterIp: p.clusterIp,
      port: p.port,
      targetPort: p.targetPort,
      readyEndpoints: p.readyEndpoints,
    }));
  }

  async pods(deployment?: string): Promise<PodInfo[]> {
    const { broker } = this;
    if (deployment === BROKER_POD.app && broker) return [this.brokerPod(broker)];
    const deployments = deployment ? [this.deployments.get(deployment)] : this.deployments.all();
    return [...deployments.flatMap((d) => d.pods.map((pod) => pod.info())), ...(!deployment && broker ? [this.brokerPod(broker)] : [])];
  }

  private brokerPod(broker: RabbitmqNode): PodInfo {
    return { name: BROKER_POD.name, deployment: BROKER_POD.app, ip: broker.host, port: broker.port, pid: broker.pid, restarts: broker.restarts, running: broker.running };
  }

  async setServicePorts(service: string, ports: { port?: number; targetPort?: number }): Promise<void> {
    await this.proxy(service).update(ports);
  }

  async setEnv(name: string, env: Record<string, string | undefined>): Promise<void> {
    // One pod at a time, each ready before the next, as a rolling update with maxUnavailable 0 would.
    await this.deployments.setEnv(name, env);
    await Promise.all([...this.proxies.values()].map((p) => p.refresh()));
  }

  private async admin(name: string, method: string, body?: unknown): Promise<Record<string, unknown>[]> {
    const request = { ...faultRequest(method, body, this.adminToken), timeoutMs: 3_000 };
    const results = await Promise.all(this.deployments.get(name).pods.map((pod) => httpRequest(`${pod.url}${FAULTS_PATH}`, request)));
    return faultsOf(results, method, name);
  }

  getFaults(deployment: string): Promise<Record<string, unknown>[]> {
    return this.admin(deployment, 'GET');
  }

  async setFaults(deployment: string, faults: Record<string, unknown>): Promise<void> {
    await this.admin(deployment, 'PUT', faults);
  }

  async clearFaults(deployment: string): Promise<void> {
    await this.admin(deployment, 'DELETE');
  }

  async logs(deployment: string, options: { since?: number; match?: LogPredicate } = {}): Promise<LogLine[]> {
    this.deployments.get(deployment);
    return this.logStore.search({ deployment, ...options });
  }

  waitForLog(deployment: string, match: LogPredicate, options: { since?: number; timeoutMs?: number; what?: string } = {}): Promise<LogLine> {
    this.deployments.get(deployment);
    return this.logStore.waitFor({ deployment, since: options.since, match }, options.timeoutMs ?? 5_000, options.what ?? `a ${deployment} log line`);
  }

  async traces(filter: TraceFilter = {}): Promise<ZipkinSpan[][]> {
    return this.zipkin?.store.query(filter) ?? [];
  }

  async trace(traceId: string): Promise<ZipkinSpan[] | undefined> {
    return this.zipkin?.store.trace(traceId);
  }

  /** From the lab's Prometheus when it runs (a scrape begun after the call), else each pod's /metrics directly. */
  async scrapeMetrics(deployment: string): Promise<string[]> {
    const prometheus = this.observability.prometheus;
    if (prometheus) return prometheus.podMetrics(this.deployments.get(deployment).pods.map((pod) => pod.name));
    const results = await Promise.all(this.deployments.get(deployment).pods.map((pod) => httpRequest(`${pod.url}/metrics`, { timeoutMs: 3_000 })));
    return metricsBodies(results, deployment);
  }

  async dnsQueries(role: DnsRole): Promise<DnsQueryRecord[]> {
    const pod = this.deployments.get(role === 'cluster' ? CLUSTER_DNS_DEPLOYMENT : UPSTREAM_DNS_DEPLOYMENT).pods[0];
    return dnsQueriesOf(await httpRequest(`${pod.url}${DNS_QUERIES_PATH}`, { timeoutMs: 3_000 }), role);
  }

  async restarts(deployment: string): Promise<number> {
    return this.deployments.get(deployment).pods.reduce((sum, pod) => sum + pod.supervised.restarts, 0);
  }

  async memory(): Promise<{ totalBytes: number; byPod: Record<string, number> }> {
    const byPod: Record<string, number> = { 'faultline (harness, kube-proxy, zipkin)': process.memoryUsage().rss };
    for (const deployment of this.deployments.all()) {
      for (const pod of deployment.pods) if (pod.supervised.pid) byPod[pod.name] = rssBytes(pod.supervised.pid);
    }
    if (this.broker) byPod[`${BROKER_POD.name} (rabbitmq-server)`] = this.broker.rssBytes();
    return memoryOf({ ...byPod, ...this.observability.memory() });
  }

  /** PIDs of every pod process (for the state file of `faultline up`). */
  pids(): number[] {
    return this.deployments.all().flatMap((d) => d.pods.map((pod) => pod.supervised.pid).filter((pid): pid is number => pid !== undefined));
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      await this.ingress.stop();
      await this.dns?.stop();
      await Promise.all([...this.proxies.values()].map((p) => p.stop()));
      await this.deployments.stop();
      await this.ownBroker?.stop();
      await this.zipkin?.close();
      await this.observability.stop();
      if (this.workdir) rmSync(this.workdir, { recursive: true, force: true });
      this.releaseExitKill?.();
    })();
    return this.stopped;
  }

  /** Synchronous: SIGKILL to every pod, for process 'exit' handlers. */
  killNow(): void {
    this.deployments.killNow();
  }
}
