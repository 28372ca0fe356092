/**
 * stale-dns-server's lab on a cluster. Locally `auth-proxy` stands in for ingress-nginx with `auth-url`:
 * its AUTH_URL names the lab's auth service, its UPSTREAM_URL the app behind it. On a cluster the real
 * ingress-nginx plays it, through the chart's store-front Ingress (templates/ingress.yaml) as
 * helm/faultline/scenarios/stale-dns-server.yaml enables it: `ingress.enabled`, `ingress.auth.enabled`
 * (auth-url: the chart's external-server), the Ingress's backend the chart's store-front.
 * So the lab's auth-proxy becomes the Ingress, the Deployment AUTH_URL names becomes external-server and
 * the one UPSTREAM_URL names becomes store-front; nginx's resolver settings (RESOLVER_*) are the
 * controller's own on a cluster and are not carried over.
 */
import type { DeploymentSpec, LabSpec } from '../../lab/spec';

/** The lab app that is not a chart app: the stand-in for ingress-nginx with `auth-url`. */
export const AUTH_PROXY_APP = 'auth-proxy';
/** `ingress.host` of the chart (and of scenarios/stale-dns-server.yaml): the Host the Ingress routes by. */
export const AUTH_INGRESS_HOST = 'store.faultline.test';
/** What plays the auth service and the upstream behind the chart's Ingress. */
export const AUTH_SERVER_APP = 'external-server';
export const INGRESS_BACKEND_APP = 'store-front';

export interface IngressValues {
  enabled: true;
  host: string;
  auth: { enabled: true };
}

export interface AuthIngressMapping {
  /** The lab Deployment ingress-nginx plays (auth-proxy). */
  proxy: string;
  /** Lab Deployments played by chart apps behind the Ingress: name → chart app. */
  playedBy: Record<string, string>;
  ingress: IngressValues;
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

/** How a lab with an auth-proxy maps onto the chart's Ingress; undefined when the lab has none. */
export function authIngressMapping(lab: LabSpec): AuthIngressMapping | undefined {
  const proxies = lab.deployments.filter((d) => d.app === AUTH_PROXY_APP);
  if (!proxies.length) return undefined;
  if (proxies.length > 1) throw new UnmappableAuthProxyError(`the chart has one auth Ingress, this lab has ${proxies.length} ${AUTH_PROXY_APP} Deployments`);
  const [proxy] = proxies;
  const auth = deploymentOfUrl(lab, proxy, 'AUTH_URL');
  const upstream = deploymentOfUrl(lab, proxy, 'UPSTREAM_URL');
  if (auth.app !== AUTH_SERVER_APP) {
    throw new UnmappableAuthProxyError(`Deployment ${proxy.name}: its auth service ${auth.name} runs ${auth.app}; the chart's auth-url is ${AUTH_SERVER_APP}`);
  }
  if (auth.name === upstream.name) throw new UnmappableAuthProxyError(`Deployment ${proxy.name}: AUTH_URL and UPSTREAM_URL name the same Deployment ${auth.name}`);
  return {
    proxy: proxy.name,
    playedBy: { [auth.name]: AUTH_SERVER_APP, [upstream.name]: INGRESS_BACKEND_APP },
    ingress: { enabled: true, host: AUTH_INGRESS_HOST, auth: { enabled: true } },
  };
}
