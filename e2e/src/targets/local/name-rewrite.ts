/**
 * For an app bundle built without the pod-style resolver (its service kit does not read RESOLV_CONF),
 * Service names in its URL settings cannot resolve; the local target then writes the Service's
 * ClusterIP into those URLs instead (http://order-service:3000 → http://127.N.2.x:3000), so the lab
 * still runs. Name-resolution evidence (DNS query counts) needs the resolver.
 */
import { readFileSync } from 'node:fs';
import { appBundle } from './paths';

export function bundleResolvesLikePod(app: string): boolean {
  try {
    return readFileSync(appBundle(app).main, 'utf8').includes('RESOLV_CONF');
  } catch {
    return false;
  }
}

/** Replaces Service host names (bare, or `<svc>.<ns>.svc.<domain>` with or without the dot) in URL values. */
export function rewriteServiceUrls(env: Record<string, string>, clusterIps: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    out[key] = value.replace(/^(https?:\/\/)([^/:?#]+)/, (whole, scheme: string, host: string) => {
      const service = host.replace(/\.$/, '').split('.')[0];
      const qualified = host === service || /\.svc\.[a-z.]+\.?$/.test(host) || host.endsWith('.svc');
      const ip = clusterIps.get(service);
      return ip && qualified ? `${scheme}${ip}` : whole;
    });
  }
  return out;
}
