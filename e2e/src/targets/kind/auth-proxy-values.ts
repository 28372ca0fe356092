/**
 * stale-dns-server's lab on a cluster. Locally `auth-proxy` is a Node stand-in for nginx with ingress-nginx's
 * `auth-url`: its AUTH_URL names the lab's auth service, its UPSTREAM_URL the app behind it. On a cluster the
 * chart's `authProxy` plays it (templates/auth-proxy.yaml, as helm/faultline/scenarios/stale-dns-server.yaml
 * enables it): plain nginx, configured as ingress-nginx renders the auth-url annotation (an internal auth
 * location that proxies through a variable, so nginx's `resolver` resolves the auth host at request time; Debian's
 * nginx on the offline kit's clusters, the official nginx image otherwise), not an ingress-nginx controller.
 * So the lab's auth-proxy becomes the chart's Deployment and Service `auth-proxy`, the Deployment AUTH_URL names
 * becomes external-server (its /auth) and the one UPSTREAM_URL names becomes store-front; the lab's
 * RESOLVER_VALID_MS and RESOLVER_TIMEOUT_MS become nginx's `resolver ... valid=` and `resolver_timeout`.
 */
import type { DeploymentSpec, LabSpec } from '../../lab/spec';

/** The lab app that is not a chart app: the stand-in for nginx with ingress-nginx's `auth-url`. */
export const AUTH_PROXY_APP = 'auth-proxy';
/** The chart's nginx Deployment and Service (templates/auth-proxy.yaml), and that Service's port. */
export const AUTH_PROXY_DEPLOYMENT = 'auth-proxy';
export const AUTH_PROXY_SERVICE_PORT = 80;
/** What answers as the lab's auth-proxy on a cluster, for evidence labels. */
export const AUTH_PROXY_PLAYED_BY = 'nginx configured like ingress-nginx auth-url';
/** What plays the auth service and the upstream behind it. */
export const AUTH_SERVER_APP = 'external-server';
export const UPSTREAM_APP = 'store-front';

/** The chart's `authProxy` values a lab sets (the rest are the chart's own: auth URL, upstream, image). */
export interface AuthProxyValues {
  enabled: true;
  resolver?: { valid?: string; timeout?: string };
}

export interface AuthProxyMapping {
  /** The lab Deployment the chart's nginx plays (auth-proxy). */
  proxy: string;
  /** Lab Deployments played by chart apps behind it: name → chart app. */
  playedBy: Record<string, string>;
  values: AuthProxyValues;
}

export class UnmappableAuthProxyError extends Error {}

/** The lab Deployment a URL's host names: a Service name, or its first label (`auth.default.svc.cluster.local`). */
function deploymentOfUrl(lab: LabSpec, proxy: DeploymentSpec, variable: string): DeploymentSpec {
  const value = proxy.env?.[variable];
  if (!value) throw new UnmappableAuthProxyError(`Deployment ${proxy.name} (${AUTH_PROXY_APP}) has no ${variable}`);
  const name = new URL(value).hostname.replace(/\.$/, '').split('.')[0];
  const service = lab.services.find((s) => s.name === name);
  const deployment = lab.deployments.find((d) => d.name === (service?.selector ?? name));
  if (!deployment) throw new UnmappableAuthProxyError(`Deployment ${proxy.name}: ${variable}=${value} names no Deployment of the lab`);
  return deployment;
}

/** nginx's `resolver ... valid=` takes whole seconds; `resolver_timeout` takes milliseconds. */
function resolverValues(env: Record<string, string> = {}): AuthProxyValues['resolver'] {
  const resolver: NonNullable<AuthProxyValues['resolver']> = {};
  if (env.RESOLVER_VALID_MS) resolver.valid = `${Math.max(1, Math.ceil(Number(env.RESOLVER_VALID_MS) / 1000))}s`;
  if (env.RESOLVER_TIMEOUT_MS) resolver.timeout = `${Math.max(1, Math.round(Number(env.RESOLVER_TIMEOUT_MS)))}ms`;
  return Object.keys(resolver).length ? resolver : undefined;
}

/** How a lab with an auth-proxy maps onto the chart's authProxy; undefined when the lab has none. */
export function authProxyMapping(lab: LabSpec): AuthProxyMapping | undefined {
  const proxies = lab.deployments.filter((d) => d.app === AUTH_PROXY_APP);
  if (!proxies.length) return undefined;
  if (proxies.length > 1) throw new UnmappableAuthProxyError(`the chart has one authProxy, this lab has ${proxies.length} ${AUTH_PROXY_APP} Deployments`);
  const [proxy] = proxies;
  if (proxy.name !== AUTH_PROXY_DEPLOYMENT) {
    throw new UnmappableAuthProxyError(`Deployment ${proxy.name} (${AUTH_PROXY_APP}): the chart names its nginx Deployment ${AUTH_PROXY_DEPLOYMENT}`);
  }
  const auth = deploymentOfUrl(lab, proxy, 'AUTH_URL');
  const upstream = deploymentOfUrl(lab, proxy, 'UPSTREAM_URL');
  if (auth.app !== AUTH_SERVER_APP) {
    throw new UnmappableAuthProxyError(`Deployment ${proxy.name}: its auth service ${auth.name} runs ${auth.app}; the chart's authProxy asks ${AUTH_SERVER_APP}`);
  }
  if (auth.name === upstream.name) throw new UnmappableAuthProxyError(`Deployment ${proxy.name}: AUTH_URL and UPSTREAM_URL name the same Deployment ${auth.name}`);
  const resolver = resolverValues(proxy.env);
  return {
    proxy: proxy.name,
    playedBy: { [auth.name]: AUTH_SERVER_APP, [upstream.name]: UPSTREAM_APP },
    values: { enabled: true, ...(resolver ? { resolver } : {}) },
  };
}
