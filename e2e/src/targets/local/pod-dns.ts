/**
 * Name resolution as a pod's libc does it from its resolv.conf, for requests the harness makes "from a
 * pod" (kubectl exec test-pod -- curl): a name with fewer dots than ndots is tried with each search
 * domain first, then as is; a name ending in a dot only as is. Queries go to the lab's cluster DNS.
 */
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';
import { httpRequest, type HttpResult, type RequestOptions } from '../../evidence/http';

export interface ResolvConf {
  nameserver: string;
  search: readonly string[];
  ndots: number;
}

export function resolvConfText(conf: ResolvConf): string {
  return `nameserver ${conf.nameserver}\nsearch ${conf.search.join(' ')}\noptions ndots:${conf.ndots}\n`;
}

/** The names tried, in order, for `name`. */
export function candidateNames(name: string, conf: ResolvConf): string[] {
  if (name.endsWith('.')) return [name.slice(0, -1)];
  const dots = name.split('.').length - 1;
  const expanded = conf.search.map((domain) => `${name}.${domain}`);
  return dots >= conf.ndots ? [name, ...expanded] : [...expanded, name];
}

export class PodNameResolver {
  private readonly resolver = new Resolver({ timeout: 2_000, tries: 1 });

  constructor(private readonly conf: ResolvConf) {
    this.resolver.setServers([conf.nameserver]);
  }

  /** The first IPv4 address found; throws with the DNS error code (ENOTFOUND, ESERVFAIL, ETIMEOUT...) otherwise. */
  async lookup(name: string): Promise<string> {
    if (isIP(name)) return name;
    let lastError: NodeJS.ErrnoException | undefined;
    for (const candidate of candidateNames(name, this.conf)) {
      try {
        const [address] = await this.resolver.resolve4(candidate);
        if (address) return address;
      } catch (error) {
        lastError = error as NodeJS.ErrnoException;
        // NXDOMAIN, no data or SERVFAIL: next candidate; no answer at all ends the search, as in glibc.
        if (lastError.code === 'ETIMEOUT' || lastError.code === 'ECONNREFUSED') break;
      }
    }
    throw lastError ?? Object.assign(new Error(`cannot resolve ${name}`), { code: 'ENOTFOUND' });
  }
}

/** An HTTP request from "inside a pod": the host name resolved through `conf` first; a failed lookup is the result's error. */
export async function requestLikePod(conf: ResolvConf, url: string, options: RequestOptions = {}): Promise<HttpResult> {
  const started = performance.now();
  try {
    const address = await new PodNameResolver(conf).lookup(new URL(url).hostname);
    return await httpRequest(url, { ...options, connectTo: address });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EDNS';
    return { url, headers: {}, body: '', durationMs: Math.round(performance.now() - started), errorCode: code, errorMessage: (error as Error).message };
  }
}
