/**
 * The resolver of a running auth-proxy and its reload: where the name server comes from (RESOLVER, else
 * the first `nameserver` of RESOLV_CONF, else /etc/resolv.conf, read again on every reload, as
 * ingress-nginx writes its `resolver` line from the pod's resolv.conf), and `reload()`, which opens a
 * new connected socket and closes the old one, as `nginx -s reload` starts new workers with new sockets.
 */
import { loadResolvConf, parseResolvConf } from '@faultline/pod-resolver';
import { NginxResolver, type NameServerAddress, type ResolverStats } from './nginx-resolver';

export interface ResolverSettings {
  /** `ip[:port]`; wins over the resolv.conf file. */
  resolver?: string;
  resolvConf?: string;
  bindAddress?: string;
  timeoutMs: number;
  validMs: number;
}

const SYSTEM_RESOLV_CONF = '/etc/resolv.conf';

export function nameserverOf(settings: ResolverSettings): NameServerAddress {
  if (settings.resolver) {
    const [server] = parseResolvConf(`nameserver ${settings.resolver}`).nameservers;
    if (!server) throw new Error(`RESOLVER="${settings.resolver}" is not an ip[:port]`);
    return server;
  }
  const file = settings.resolvConf || SYSTEM_RESOLV_CONF;
  const [server] = loadResolvConf(file).nameservers;
  if (!server) throw new Error(`${file} names no nameserver`);
  return server;
}

export interface Reload {
  before: ResolverStats;
  after: ResolverStats;
}

export class ReloadableResolver {
  private resolver: NginxResolver | undefined;

  constructor(private readonly settings: ResolverSettings) {}

  get current(): NginxResolver {
    if (!this.resolver) throw new Error('resolver not open');
    return this.resolver;
  }

  private openNew(): Promise<NginxResolver> {
    const bindAddress = this.settings.bindAddress && this.settings.bindAddress !== '0.0.0.0' ? this.settings.bindAddress : undefined;
    return NginxResolver.open({ nameserver: nameserverOf(this.settings), bindAddress, timeoutMs: this.settings.timeoutMs, validMs: this.settings.validMs });
  }

  async open(): Promise<ResolverStats> {
    this.resolver ??= await this.openNew();
    return this.resolver.stats();
  }

  /** A new socket (and an empty cache), the configuration read again; the old socket closed. */
  async reload(): Promise<Reload> {
    const old = this.current;
    const before = old.stats();
    this.resolver = await this.openNew();
    old.close();
    return { before, after: this.resolver.stats() };
  }

  close(): void {
    this.resolver?.close();
    this.resolver = undefined;
  }
}
