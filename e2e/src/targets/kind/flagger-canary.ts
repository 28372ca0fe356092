/**
 * The kind target's canary release with the real Flagger (canary-split on a cluster where
 * scripts/cluster/install-flagger.sh ran): the chart's flaggerCanary (Deployment and Canary `myweb`, its
 * MetricTemplate) installed by a helm upgrade of the lab; releases with `kubectl set env` of the target; what
 * Flagger did read back from the cluster: the Canary's status and `kubectl describe` events, Flagger's own log,
 * the HTTPRoute it writes, and the requests Traefik counted (its /metrics). Requests go to Traefik's Service
 * through a port-forward.
 */
import { pollUntil } from '@faultline/test-support';
import { httpRequest } from '../../evidence/http';
import type { CanaryRelease, CanaryReleaseSources, CanaryStatus, CanaryStrategy, RouteWeights } from '../canary-release';
import { type CommandRunner, runJson } from './command-runner';
import { PortForward } from './port-forward';

export const FLAGGER_NAMESPACE = 'flagger-system';
export const FLAGGER_DEPLOYMENT = 'flagger';
export const ROUTER_NAMESPACE = 'traefik';
export const ROUTER_SERVICE = 'traefik';
export const GATEWAY = 'faultline';
/** The chart's flaggerCanary.name (helm/faultline/values.yaml). */
export const CANARY_NAME = 'myweb';
const ROUTER_WEB_PORT = 80;
const ROUTER_METRICS_PORT = 8080;
/** Phases in which Flagger runs no analysis. */
const AT_REST = new Set(['Initialized', 'Succeeded', 'Failed']);

export interface FlaggerCanaryOptions {
  runner: CommandRunner;
  /** kubectl arguments with context and namespace (the lab's by default). */
  kubectl: (args: readonly string[], namespace?: string) => string[];
  namespace: string;
  /** A helm upgrade of the lab with these chart values added. */
  upgradeLab: (values: Record<string, unknown>) => Promise<void>;
  /** How long install() waits for Flagger to initialize the Canary (default 4 min). */
  initTimeoutMs?: number;
}

interface KubeCanary {
  status?: { phase?: string; canaryWeight?: number; failedChecks?: number; iterations?: number };
}

interface KubeHttpRoute {
  spec?: { rules?: { matches?: { headers?: unknown[]; path?: unknown }[]; backendRefs?: { name: string; weight?: number }[] }[] };
}

export function flaggerSources(namespace: string): CanaryReleaseSources {
  const ns = `-n ${namespace}`;
  return {
    install: () => `the chart values the harness upgraded the lab with (flaggerCanary.*: Canary ${CANARY_NAME}, its MetricTemplate and Deployment)`,
    status: () => `kubectl ${ns} get canary ${CANARY_NAME} -o json (.status, written by Flagger)`,
    events: () => `kubectl ${ns} describe canary ${CANARY_NAME} (events)`,
    controllerLog: () => `kubectl -n ${FLAGGER_NAMESPACE} logs deploy/${FLAGGER_DEPLOYMENT} | jq .msg`,
    route: () => `kubectl ${ns} get httproute ${CANARY_NAME} -o json (the weights Flagger set)`,
    release: () => `kubectl ${ns} set env deployment/${CANARY_NAME}`,
    requests: () => `the harness's requests through Traefik (kubectl -n ${ROUTER_NAMESPACE} port-forward svc/${ROUTER_SERVICE} ${ROUTER_WEB_PORT}; Gateway ${GATEWAY})`,
    routerMetrics: () => `Traefik's /metrics (traefik_service_requests_total, kubectl -n ${ROUTER_NAMESPACE} port-forward svc/${ROUTER_SERVICE} ${ROUTER_METRICS_PORT})`,
  };
}

/** The lines of `kubectl describe`'s Events section (without its header row). */
export function describeEvents(describe: string): string[] {
  const start = describe.search(/^Events:/m);
  if (start < 0) return [];
  return describe
    .slice(start)
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line && !/^Type\s+Reason/.test(line) && !/^-+\s+-+/.test(line) && line !== '<none>');
}

/** The `msg` of each JSON line of Flagger's log that is about `canary` (`myweb.faultline`). */
export function flaggerMessages(log: string, canary: string): string[] {
  const messages: string[] = [];
  for (const line of log.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; canary?: string };
      if (entry.msg && (entry.canary === canary || entry.msg.includes(canary))) messages.push(entry.msg);
    } catch {
      // a line that is not JSON (klog's) is not Flagger's own message
    }
  }
  return messages;
}

/** The weights of the HTTPRoute's rule without header matches: the one every unmatched request takes. */
export function defaultRouteWeights(route: KubeHttpRoute, name: string): RouteWeights {
  const rules = route.spec?.rules ?? [];
  const plain = [...rules].reverse().find((rule) => !(rule.matches ?? []).some((m) => (m.headers ?? []).length)) ?? rules[0];
  const weightOf = (service: string) => plain?.backendRefs?.find((ref) => ref.name === service)?.weight ?? 0;
  return { primary: weightOf(`${name}-primary`), canary: weightOf(`${name}-canary`) };
}

/** traefik_service_requests_total summed by its `service` label. */
export function traefikServiceRequests(metrics: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of metrics.split('\n')) {
    const match = /^traefik_service_requests_total\{([^}]*)\} ([0-9.e+]+)$/.exec(line);
    const service = match && /(?:^|,)service="([^"]+)"/.exec(match[1])?.[1];
    if (match && service) counts[service] = (counts[service] ?? 0) + Number(match[2]);
  }
  return counts;
}

export class FlaggerCanary implements CanaryRelease {
  readonly name = CANARY_NAME;
  readonly sources: CanaryReleaseSources;
  private web: PortForward | undefined;
  private metrics: PortForward | undefined;

  constructor(private readonly options: FlaggerCanaryOptions) {
    this.sources = flaggerSources(options.namespace);
  }

  async install(strategy: CanaryStrategy, version: string): Promise<void> {
    await this.options.upgradeLab({ flaggerCanary: { enabled: true, strategy, version } });
    const { runner, kubectl } = this.options;
    if (!this.web || !this.metrics) {
      const forward = (remotePort: number) => new PortForward(runner, { scope: kubectl([], ROUTER_NAMESPACE), resource: `svc/${ROUTER_SERVICE}`, remotePort, restart: true });
      this.web = forward(ROUTER_WEB_PORT);
      this.metrics = forward(ROUTER_METRICS_PORT);
      await Promise.all([this.web.start(), this.metrics.start()]);
    }
    let last: CanaryStatus | undefined;
    await pollUntil(
      async () => {
        last = await this.status().catch(() => undefined);
        return last && AT_REST.has(last.phase) && last.phase !== 'Failed';
      },
      { timeoutMs: this.options.initTimeoutMs ?? 240_000, intervalMs: 2_000, what: `Flagger to initialize Canary ${this.name}` },
    ).catch(async (error: Error) => {
      const events = await this.events().catch(() => []);
      throw new Error(`${error.message}; last phase ${last?.phase ?? 'none'}; events: ${events.slice(-5).join(' | ') || 'none'}`);
    });
  }

  async release(env: Record<string, string | undefined>): Promise<void> {
    const assignments = Object.entries(env).map(([key, value]) => (value === undefined ? `${key}-` : `${key}=${value}`));
    await this.options.runner.run('kubectl', this.options.kubectl(['set', 'env', `deployment/${this.name}`, ...assignments]));
  }

  async status(): Promise<CanaryStatus> {
    const canary = await runJson<KubeCanary>(this.options.runner, 'kubectl', this.options.kubectl(['get', 'canary', this.name, '-o', 'json']));
    const status = canary.status ?? {};
    return { phase: status.phase ?? 'Unknown', canaryWeight: status.canaryWeight ?? 0, failedChecks: status.failedChecks ?? 0, iterations: status.iterations ?? 0 };
  }

  async events(): Promise<string[]> {
    const result = await this.options.runner.run('kubectl', this.options.kubectl(['describe', 'canary', this.name]));
    return describeEvents(result.stdout);
  }

  async controllerLog(sinceMs: number): Promise<string[]> {
    const args = this.options.kubectl(['logs', `deploy/${FLAGGER_DEPLOYMENT}`, `--since-time=${new Date(sinceMs).toISOString()}`], FLAGGER_NAMESPACE);
    const result = await this.options.runner.run('kubectl', args);
    return flaggerMessages(result.stdout, `${this.name}.${this.options.namespace}`);
  }

  async weights(): Promise<RouteWeights> {
    const route = await runJson<KubeHttpRoute>(this.options.runner, 'kubectl', this.options.kubectl(['get', 'httproute', this.name, '-o', 'json']));
    return defaultRouteWeights(route, this.name);
  }

  async routerRequests(): Promise<Record<string, number>> {
    if (!this.metrics) throw new Error('the canary release is not installed');
    const response = await httpRequest(`${this.metrics.url}/metrics`, { timeoutMs: 5_000 });
    if (response.status !== 200) throw new Error(`Traefik's /metrics answered ${response.status ?? response.errorCode}`);
    return traefikServiceRequests(response.body);
  }

  url(): string {
    if (!this.web) throw new Error('the canary release is not installed');
    return this.web.url;
  }

  async stop(): Promise<void> {
    await Promise.all([this.web?.stop(), this.metrics?.stop()]);
    this.web = undefined;
    this.metrics = undefined;
  }
}
