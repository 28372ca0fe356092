/**
 * The ingress of the kind target: the cluster's ingress-nginx (scripts/cluster/create-cluster.sh --ingress)
 * and the Ingress pair the chart renders for canary-split (templates/canary.yaml: `<name>` → the primary
 * Service, `<name>-canary` with the `nginx.ingress.kubernetes.io/canary-*` annotations → the canary Service).
 * - apply: `kubectl apply -f -` of that pair, the same names, class and backends as the chart's, so it
 *   replaces the chart's Ingresses (helm rollback at stop restores them); Ingresses it created are deleted
 *   at stop;
 * - get: `kubectl get ingress -o json`, the pair found by host;
 * - setCanary: `kubectl annotate --overwrite ingress <name>-canary …` (`key-` removes an annotation);
 * - url: `kubectl port-forward svc/ingress-nginx-controller :80` in namespace ingress-nginx; requests pick
 *   the Ingress with their Host header.
 */
import type { IngressSources } from '../evidence-sources';
import type { CanaryAnnotationChanges, CanaryAnnotations, CanaryIngressSpec, IngressControl } from '../ingress-control';
import { invalidAnnotations } from '../local/canary-rules';
import { type CommandRunner, runJson } from './command-runner';
import type { KubeList } from './kube-objects';
import { PortForward } from './port-forward';
import { kindIngressSources } from './kind-sources';

const PREFIX = 'nginx.ingress.kubernetes.io/';
const CANARY = `${PREFIX}canary`;
/** CanaryAnnotations field → ingress-nginx annotation. */
export const CANARY_ANNOTATIONS: Record<keyof CanaryAnnotations, string> = {
  weight: `${PREFIX}canary-weight`,
  header: `${PREFIX}canary-by-header`,
  headerValue: `${PREFIX}canary-by-header-value`,
  cookie: `${PREFIX}canary-by-cookie`,
};

export interface KubeIngress {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { rules?: { host?: string; http?: { paths?: { backend?: { service?: { name?: string } } }[] } }[] };
}

export interface KindIngressOptions {
  runner: CommandRunner;
  /** kubectl arguments (context, namespace) before the verb, for a namespace. */
  kubectl: (args: readonly string[], namespace?: string) => string[];
  /** Where the lab's Ingresses go. */
  namespace: string;
  /** The ingress-nginx controller: its namespace and Service (create-cluster.sh --ingress: ingress-nginx, ingress-nginx-controller). */
  controllerNamespace?: string;
  controllerService?: string;
  /** `spec.ingressClassName` (the chart's canary.ingress.className). */
  className?: string;
}

function ingressManifest(name: string, host: string, service: string, className: string, annotations?: Record<string, string>) {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, ...(annotations ? { annotations } : {}) },
    spec: {
      ingressClassName: className,
      rules: [{ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { name: 'http' } } } }] } }],
    },
  };
}

/** The canary Ingress's annotations for a spec (unset ones left out). */
export function canaryAnnotations(canary: CanaryAnnotations): Record<string, string> {
  const annotations: Record<string, string> = { [CANARY]: 'true' };
  for (const key of Object.keys(CANARY_ANNOTATIONS) as (keyof CanaryAnnotations)[]) {
    const value = canary[key];
    if (value !== undefined) annotations[CANARY_ANNOTATIONS[key]] = String(value);
  }
  return annotations;
}

/** The Ingress pair of `spec`, as the chart renders it, as one List for `kubectl apply -f -`. */
export function ingressPairManifest(spec: CanaryIngressSpec, className = 'nginx'): object {
  return {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      ingressManifest(spec.name, spec.host, spec.service, className),
      ingressManifest(`${spec.name}-canary`, spec.host, spec.canaryService, className, canaryAnnotations(spec.canary)),
    ],
  };
}

const hostOf = (ingress: KubeIngress) => ingress.spec.rules?.[0]?.host?.toLowerCase();
const backendOf = (ingress: KubeIngress) => ingress.spec.rules?.[0]?.http?.paths?.[0]?.backend?.service?.name ?? '';

/** The pair for `host` in `kubectl get ingress -o json`, read back into a spec. */
export function findIngressPair(list: KubeList<KubeIngress>, host: string): CanaryIngressSpec | undefined {
  const forHost = list.items.filter((i) => hostOf(i) === host.toLowerCase());
  const main = forHost.find((i) => i.metadata.annotations?.[CANARY] !== 'true');
  const canary = forHost.find((i) => i.metadata.annotations?.[CANARY] === 'true');
  if (!main || !canary) return undefined;
  const annotations = canary.metadata.annotations ?? {};
  const read = (key: keyof CanaryAnnotations) => annotations[CANARY_ANNOTATIONS[key]];
  const spec: CanaryIngressSpec = {
    name: main.metadata.name,
    host: hostOf(main) ?? host,
    service: backendOf(main),
    canaryService: backendOf(canary),
    canary: { weight: Number(read('weight') ?? 0) },
  };
  for (const key of ['header', 'headerValue', 'cookie'] as const) if (read(key) !== undefined) spec.canary[key] = read(key);
  return spec;
}

/** `ingress.networking.k8s.io/retry-backend created` lines of `kubectl apply`: the names it created. */
export function createdIngresses(applyOutput: string): string[] {
  return [...applyOutput.matchAll(/^ingress(?:\.networking\.k8s\.io)?\/(\S+) created$/gm)].map((m) => m[1]);
}

export class KindIngress implements IngressControl {
  private forward: PortForward | undefined;
  /** The canary Ingress of each host (its name may differ from `<name>-canary` when read back). */
  private readonly canaryNames = new Map<string, string>();
  private readonly created = new Set<string>();

  readonly sources: IngressSources;

  constructor(private readonly options: KindIngressOptions) {
    this.sources = kindIngressSources(options);
  }

  private run(args: readonly string[], input?: string) {
    return this.options.runner.run('kubectl', this.options.kubectl(args, this.options.namespace), { input });
  }

  async apply(spec: CanaryIngressSpec): Promise<void> {
    const problem = invalidAnnotations(spec.canary);
    if (problem) throw new Error(`Ingress ${spec.name}-canary: ${problem}`);
    const result = await this.run(['apply', '-f', '-'], JSON.stringify(ingressPairManifest(spec, this.options.className)));
    for (const name of createdIngresses(result.stdout)) this.created.add(name);
    this.canaryNames.set(spec.host.toLowerCase(), `${spec.name}-canary`);
    await this.startForward();
  }

  /** The controller's forward, started on first use (the auth Ingress of stale-dns-server is the chart's own). */
  async forwardController(): Promise<string> {
    await this.startForward();
    return this.url();
  }

  private async startForward(): Promise<void> {
    if (this.forward) return;
    const forward = new PortForward(this.options.runner, {
      scope: this.options.kubectl([], this.options.controllerNamespace ?? 'ingress-nginx'),
      resource: `svc/${this.options.controllerService ?? 'ingress-nginx-controller'}`,
      remotePort: 80,
      restart: true,
    });
    await forward.start();
    this.forward = forward;
  }

  async get(host: string): Promise<CanaryIngressSpec | undefined> {
    const list = await runJson<KubeList<KubeIngress>>(this.options.runner, 'kubectl', this.options.kubectl(['get', 'ingress', '-o', 'json'], this.options.namespace));
    return findIngressPair(list, host);
  }

  async setCanary(host: string, changes: CanaryAnnotationChanges): Promise<CanaryIngressSpec> {
    const spec = await this.get(host);
    if (!spec) throw new Error(`no Ingress pair for host ${host} in namespace ${this.options.namespace}`);
    const canary: CanaryAnnotations = { ...spec.canary, ...changes, weight: changes.weight ?? spec.canary.weight };
    for (const key of Object.keys(canary) as (keyof CanaryAnnotations)[]) if (canary[key] === undefined) delete canary[key];
    const problem = invalidAnnotations(canary);
    if (problem) throw new Error(`Ingress ${spec.name}-canary: ${problem}`);
    const edits: string[] = [];
    for (const key of Object.keys(changes) as (keyof CanaryAnnotations)[]) {
      const value = canary[key];
      if (value !== undefined) edits.push(`${CANARY_ANNOTATIONS[key]}=${value}`);
      else if (spec.canary[key] !== undefined) edits.push(`${CANARY_ANNOTATIONS[key]}-`);
    }
    const name = this.canaryNames.get(host.toLowerCase()) ?? `${spec.name}-canary`;
    if (edits.length) await this.run(['annotate', '--overwrite', 'ingress', name, ...edits]);
    return { ...spec, canary };
  }

  url(): string {
    if (!this.forward) throw new Error('the ingress controller is not forwarded: apply an Ingress first');
    return this.forward.url;
  }

  /** Ends the forward and deletes the Ingresses apply() created (the chart's own come back with helm rollback). */
  async stop(): Promise<void> {
    await this.forward?.stop();
    this.forward = undefined;
    if (this.created.size) await this.run(['delete', 'ingress', ...this.created, '--ignore-not-found']);
    this.created.clear();
  }
}
