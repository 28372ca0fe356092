/**
 * A LabSpec as values of the faultline chart (helm/faultline): the lab's apps enabled, the others off;
 * replicas, container port, environment and Service ports as the lab says; the upstream DNS records as
 * the dns-server's serviceRecords (answered with the ClusterIP of the named app's Service).
 *
 * The chart names every Deployment and Service after its app, so a lab Deployment must be named like its
 * app and a Service like the Deployment it selects. The lab's upstream DNS is the chart's `dns-server`;
 * its cluster DNS is the cluster's CoreDNS (forwarding myexternalserver.com to dns-server).
 */
import type { LabSpec } from '../../lab/spec';
import { authProxyMapping, type AuthProxyValues } from './auth-proxy-values';

/** Lab names of the DNS servers (local target) → what plays them on a cluster. */
export { CLUSTER_DNS_DEPLOYMENT, UPSTREAM_DNS_DEPLOYMENT } from '../../lab/spec';
export const UPSTREAM_DNS_APP = 'dns-server';

/**
 * Variables the chart sets itself on a cluster: the broker (its RabbitMQ, ORDER_QUEUE_* with the
 * credentials from its Secret), the tracing and pod settings. A lab's local values for these are dropped.
 */
export const CHART_OWNED_ENV = new Set(['RABBITMQ_URL', 'RESOLV_CONF', 'ADMIN_TOKEN', 'PORT', 'HOST', 'OTEL_EXPORTER_ZIPKIN_ENDPOINT', 'POD_NAME', 'POD_NAMESPACE']);
/** Variables the chart renders for one app (retry-backend's VERSION comes from its Deployment's version). */
const CHART_OWNED_APP_ENV: Record<string, readonly string[]> = { 'retry-backend': ['VERSION'] };

export interface ImageValues {
  repository?: string;
  tag?: string;
  pullPolicy?: string;
}

interface AppValues {
  enabled: boolean;
  replicas?: number;
  port?: number;
  env?: Record<string, string>;
  service?: { port: number; targetPort: number };
  dns?: { serviceRecords: Record<string, string> };
}

/** The chart's second retry-backend (`canary.*`): its own Deployment and Service `retry-backend-<version>`. */
export interface CanaryValues {
  enabled: true;
  version: string;
  replicas: number;
  env: Record<string, string>;
}

export interface ChartValues {
  image?: ImageValues;
  apps: Record<string, AppValues>;
  canary?: CanaryValues;
  /** nginx configured like ingress-nginx's auth-url (stale-dns-server): the lab's auth-proxy on a cluster. */
  authProxy?: AuthProxyValues;
}

/** The only app the chart can run a second version of (templates/canary.yaml). */
export const CANARY_APP = 'retry-backend';
/** The `version` label of every Deployment of the chart's apps (templates/apps.yaml). */
export const PRIMARY_VERSION = 'v1';

/**
 * A lab Deployment that is the chart's canary: it runs CANARY_APP and is named `<app>-<version>` (the
 * canary-split lab's `retry-backend-v2`). Its pods carry `app=<app>` and `version=<version>`.
 */
export function canaryVersion(deployment: { name: string; app: string }): string | undefined {
  if (deployment.app !== CANARY_APP || !deployment.name.startsWith(`${CANARY_APP}-`)) return undefined;
  const version = deployment.name.slice(CANARY_APP.length + 1);
  return /^v\d+$/.test(version) ? version : undefined;
}

export class UnsupportedLabError extends Error {}

export function labValues(lab: LabSpec, chartApps: readonly string[], image: ImageValues = {}): ChartValues {
  const apps: Record<string, AppValues> = Object.fromEntries(chartApps.map((app) => [app, { enabled: false }]));
  const known = (app: string, what: string) => {
    if (!chartApps.includes(app)) throw new UnsupportedLabError(`${what}: the chart has no app "${app}" (it has: ${chartApps.join(', ')})`);
  };
  let canary: CanaryValues | undefined;
  // An auth-proxy is the chart's authProxy on a cluster (nginx with an auth subrequest), with the apps behind it.
  const authProxy = authProxyMapping(lab);
  const behindProxy = new Set(authProxy ? [authProxy.proxy, ...Object.keys(authProxy.playedBy)] : []);
  for (const deployment of lab.deployments) {
    if (authProxy && behindProxy.has(deployment.name)) {
      const app = authProxy.playedBy[deployment.name];
      if (app) {
        known(app, `Deployment ${deployment.name} (behind ${authProxy.proxy})`);
        apps[app] = { ...apps[app], enabled: true };
      }
      continue;
    }
    known(deployment.app, `Deployment ${deployment.name}`);
    const version = canaryVersion(deployment);
    if (version) {
      if (canary) throw new UnsupportedLabError(`Deployment ${deployment.name}: the chart runs one canary of ${CANARY_APP}, this lab also has ${CANARY_APP}-${canary.version}`);
      const env = Object.fromEntries(Object.entries(deployment.env ?? {}).filter(([key]) => !CHART_OWNED_ENV.has(key) && !(CHART_OWNED_APP_ENV[CANARY_APP] ?? []).includes(key)));
      canary = { enabled: true, version, replicas: deployment.replicas ?? 1, env };
      continue;
    }
    if (deployment.name !== deployment.app) {
      throw new UnsupportedLabError(`Deployment ${deployment.name} runs ${deployment.app}: the chart names each Deployment after its app`);
    }
    const owned = CHART_OWNED_APP_ENV[deployment.app] ?? [];
    const env = Object.fromEntries(Object.entries(deployment.env ?? {}).filter(([key]) => !CHART_OWNED_ENV.has(key) && !owned.includes(key)));
    apps[deployment.app] = { enabled: true, replicas: deployment.replicas ?? 1, port: deployment.port, env };
  }
  for (const service of lab.services) {
    // The chart renders authProxy's Service and those of the apps behind it with its own ports.
    if (behindProxy.has(service.selector)) continue;
    const selected = lab.deployments.find((d) => d.name === service.selector);
    if (!selected) throw new UnsupportedLabError(`Service ${service.name}: no Deployment ${service.selector} in the lab`);
    // The canary's Service is rendered by the chart with the primary's ports.
    if (canaryVersion(selected) && service.name === selected.name) continue;
    if (service.name !== service.selector) throw new UnsupportedLabError(`Service ${service.name} selects ${service.selector}: the chart names each Service after its app`);
    apps[service.selector].service = { port: service.port, targetPort: service.targetPort };
  }
  const records = Object.entries(lab.upstreamDns?.records ?? {});
  if (records.length) {
    known(UPSTREAM_DNS_APP, 'the upstream DNS');
    const serviceRecords: Record<string, string> = {};
    for (const [name, { deployment }] of records) {
      const target = lab.deployments.find((d) => d.name === deployment);
      if (!target) throw new UnsupportedLabError(`upstream DNS record ${name}: no Deployment ${deployment} in the lab`);
      serviceRecords[name] = deployment;
      // Locally the record is the pod's address and the client uses the container port; here it is the
      // Service's ClusterIP, so that Service answers on the same port.
      if (!lab.services.some((s) => s.selector === deployment)) apps[deployment].service = { port: target.port, targetPort: target.port };
    }
    apps[UPSTREAM_DNS_APP] = { enabled: true, dns: { serviceRecords } };
  }
  if (canary && !apps[CANARY_APP]?.enabled) throw new UnsupportedLabError(`the canary ${CANARY_APP}-${canary.version} needs ${CANARY_APP} (the primary) in the lab`);
  return { ...(Object.keys(image).length ? { image } : {}), apps, ...(canary ? { canary } : {}), ...(authProxy ? { authProxy: authProxy.values } : {}) };
}
