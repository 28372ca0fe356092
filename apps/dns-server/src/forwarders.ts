/**
 * DNS_FORWARDERS: a comma-separated list of ip[:port] (IPv6 as [ip]:port), port 53 by default. The word
 * `host` stands for the host's own resolvers, the `nameserver` lines of its resolv.conf, as dnsmasq forwards
 * to them by default.
 */
import { isIP } from 'node:net';

export interface Forwarder {
  readonly host: string;
  readonly port: number;
  /** host:port, as the metrics' `to` label and the logs show it. */
  readonly label: string;
}

export type ForwardersResult = { ok: true; forwarders: Forwarder[] } | { ok: false; problems: string[] };

function parseOne(entry: string): Forwarder | undefined {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  const plain = /^([^:]+)(?::(\d+))?$/.exec(entry);
  const [host, portText] = bracketed ? [bracketed[1], bracketed[2]] : plain ? [plain[1], plain[2]] : isIP(entry) === 6 ? [entry, undefined] : [];
  if (!host || !isIP(host)) return undefined;
  const port = portText === undefined ? 53 : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { host, port, label: isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}` };
}

/** The `nameserver` addresses of a resolv.conf text (its `ip[:port]` form too), in order. */
export function resolvConfNameservers(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/[#;].*$/, '').trim().split(/\s+/))
    .filter(([keyword, address]) => keyword === 'nameserver' && address)
    .map(([, address]) => address);
}

/** `hostResolvConf` is read only when the list names `host`. */
export function parseForwarders(text: string, hostResolvConf: () => string = () => ''): ForwardersResult {
  const entries = text.split(',').map((e) => e.trim()).filter(Boolean);
  const forwarders: Forwarder[] = [];
  const problems: string[] = [];
  if (entries.includes('host')) {
    let hostText: string;
    try {
      hostText = hostResolvConf();
    } catch (error) {
      return { ok: false, problems: [`DNS_FORWARDERS=host: the host resolv.conf cannot be read: ${(error as Error).message}`] };
    }
    const hosts = resolvConfNameservers(hostText);
    if (hosts.length === 0) return { ok: false, problems: ['DNS_FORWARDERS=host: the host resolv.conf has no nameserver line'] };
    entries.splice(entries.indexOf('host'), 1, ...hosts);
  }
  for (const entry of entries) {
    const forwarder = parseOne(entry);
    if (forwarder) forwarders.push(forwarder);
    else problems.push(`DNS_FORWARDERS: "${entry}" is not ip[:port] (e.g. 10.0.0.5:53 or [fd00::5]:53)`);
  }
  return problems.length ? { ok: false, problems } : { ok: true, forwarders };
}
