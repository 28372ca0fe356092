/**
 * resolv.conf as glibc reads it: `nameserver`, `search` (or `domain`: the last of the two wins),
 * `options ndots:N timeout:N attempts:N`. Extension for the local lab, whose DNS cannot bind port 53
 * without root: `nameserver IP:PORT` (IPv6 as `[IP]:PORT`).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

export interface NameServer {
  readonly host: string;
  readonly port: number;
}

export interface ResolvConfig {
  readonly nameservers: readonly NameServer[];
  /** Search domains, without trailing dots, in order. */
  readonly search: readonly string[];
  readonly ndots: number;
  /** Per-try wait for a reply (glibc's timeout:N, in seconds there). */
  readonly timeoutMs: number;
  /** Rounds over the name servers (glibc's attempts:N). */
  readonly attempts: number;
  /** Address queries are sent from (a pod sends from its own IP); any when unset. */
  readonly sourceAddress?: string;
}

/** glibc's defaults and limits (resolv.h: MAXNS 3, RES_TIMEOUT 5, RES_DFLRETRY 2, RES_MAXNDOTS 15, RES_MAXRETRANS 30, RES_MAXRETRY 5). */
const MAX_NAMESERVERS = 3;
const MAX_SEARCH = 6;
const DEFAULTS = { ndots: 1, timeoutSeconds: 5, attempts: 2 };
const LIMITS = { ndots: 15, timeoutSeconds: 30, attempts: 5 };

function parseNameServer(text: string): NameServer | undefined {
  const bracketed = /^\[([^\]]+)\]:(\d+)$/.exec(text);
  const withPort = /^([^:]+):(\d+)$/.exec(text);
  const [host, portText] = bracketed ? [bracketed[1], bracketed[2]] : withPort ? [withPort[1], withPort[2]] : [text, '53'];
  const port = Number(portText);
  if (!isIP(host) || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { host, port };
}

function stripDot(domain: string): string {
  return domain.endsWith('.') ? domain.slice(0, -1) : domain;
}

/** Parses resolv.conf text; lines it does not understand are ignored, as glibc ignores them. */
export function parseResolvConf(text: string): ResolvConfig {
  const nameservers: NameServer[] = [];
  let search: string[] = [];
  let { ndots, timeoutSeconds, attempts } = DEFAULTS;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/[#;].*$/, '').trim();
    if (!line) continue;
    const [keyword, ...args] = line.split(/\s+/);
    if (keyword === 'nameserver' && args[0] && nameservers.length < MAX_NAMESERVERS) {
      const server = parseNameServer(args[0]);
      if (server) nameservers.push(server);
    } else if (keyword === 'search') {
      search = args.map(stripDot).filter(Boolean).slice(0, MAX_SEARCH);
    } else if (keyword === 'domain' && args[0]) {
      search = [stripDot(args[0])];
    } else if (keyword === 'options') {
      for (const option of args) {
        const [name, value] = option.split(':');
        const n = Number.parseInt(value ?? '', 10);
        if (!Number.isFinite(n) || n < 0) continue;
        if (name === 'ndots') ndots = Math.min(n, LIMITS.ndots);
        else if (name === 'timeout') timeoutSeconds = Math.max(1, Math.min(n, LIMITS.timeoutSeconds));
        else if (name === 'attempts') attempts = Math.max(1, Math.min(n, LIMITS.attempts));
      }
    }
  }
  return {
    nameservers: nameservers.length ? nameservers : [{ host: '127.0.0.1', port: 53 }],
    search,
    ndots,
    timeoutMs: timeoutSeconds * 1000,
    attempts,
  };
}

/** Reads and parses a resolv.conf-style file (RESOLV_CONF). */
export function loadResolvConf(path: string): ResolvConfig {
  return parseResolvConf(readFileSync(path, 'utf8'));
}

/**
 * The names glibc's res_nsearch tries, in order, each fully qualified: a trailing dot means the name
 * alone; fewer dots than ndots means every search domain first, then the name as is; otherwise the name
 * as is first, then the search domains.
 */
export function searchCandidates(name: string, config: Pick<ResolvConfig, 'search' | 'ndots'>): string[] {
  if (name.endsWith('.')) return [name];
  const dots = name.split('.').length - 1;
  const expanded = config.search.map((domain) => `${name}.${domain}.`);
  return dots >= config.ndots ? [`${name}.`, ...expanded] : [...expanded, `${name}.`];
}
