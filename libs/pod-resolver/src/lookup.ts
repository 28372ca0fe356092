/**
 * A `dns.lookup` replacement with pod semantics, and installing it for the whole process: node's http,
 * net and fetch (undici) all resolve host names through `dns.lookup`, read at call time.
 * IP literals and `localhost` go to the system resolver untouched.
 */
import dns, { type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import { type Family, resolveHost, type ResolvedAddress } from './resolve';
import type { ResolvConfig } from './resolv-conf';

type LookupCallback = (error: NodeJS.ErrnoException | null, address?: string | LookupAddress[], family?: number) => void;

/** Has the signature of `dns.lookup`: (hostname, [options | family], callback). */
export type PodLookup = typeof dns.lookup;

function familyOf(options: LookupOptions | number | undefined): Family {
  const raw = typeof options === 'number' ? options : options?.family;
  if (raw === 4 || raw === 'IPv4') return 4;
  if (raw === 6 || raw === 'IPv6') return 6;
  return 0;
}

function bypasses(hostname: unknown): boolean {
  if (typeof hostname !== 'string' || hostname === '') return true;
  const lower = hostname.toLowerCase();
  return isIP(hostname) !== 0 || lower === 'localhost' || lower === 'localhost.';
}

function ordered(addresses: ResolvedAddress[], options: LookupOptions | number | undefined): ResolvedAddress[] {
  const ipv6first = typeof options === 'object' && (options as { order?: string }).order === 'ipv6first';
  return [...addresses].sort((a, b) => (ipv6first ? b.family - a.family : a.family - b.family));
}

/** A lookup function resolving with `config`; `fallback` (the system lookup) serves bypassed names. */
export function createLookup(config: ResolvConfig, fallback: PodLookup = dns.lookup): PodLookup {
  function podLookup(hostname: string, optionsOrCallback: unknown, maybeCallback?: unknown): void {
    const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback) as LookupCallback;
    const options = (typeof optionsOrCallback === 'function' ? undefined : optionsOrCallback) as LookupOptions | number | undefined;
    if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be of type function');
    if (bypasses(hostname)) {
      (fallback as (h: string, o: LookupOptions, c: LookupCallback) => void)(hostname, typeof options === 'number' ? { family: options } : (options ?? {}), callback);
      return;
    }
    const all = typeof options === 'object' && options.all === true;
    resolveHost(config, hostname, familyOf(options)).then(
      (found) => {
        const addresses = ordered(found, options);
        if (all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      },
      (error: NodeJS.ErrnoException) => callback(error),
    );
  }
  return podLookup as unknown as PodLookup;
}

/** Promise form, like `dns.promises.lookup`. */
export function createPromiseLookup(config: ResolvConfig, fallback: typeof dns.promises.lookup = dns.promises.lookup): typeof dns.promises.lookup {
  async function podLookup(hostname: string, options?: LookupOptions | number): Promise<LookupAddress | LookupAddress[]> {
    if (bypasses(hostname)) return fallback(hostname, (typeof options === 'number' ? { family: options } : (options ?? {})) as LookupAllOptions);
    const addresses = ordered(await resolveHost(config, hostname, familyOf(options)), options);
    return typeof options === 'object' && options.all ? addresses : addresses[0];
  }
  return podLookup as typeof dns.promises.lookup;
}

/**
 * Replaces `dns.lookup` and `dns.promises.lookup` for the whole process with pod-style resolution;
 * returns a function that puts the originals back.
 */
export function installPodResolver(config: ResolvConfig): () => void {
  const original = { lookup: dns.lookup, promisesLookup: dns.promises.lookup };
  const lookup = createLookup(config, original.lookup);
  const promisesLookup = createPromiseLookup(config, original.promisesLookup);
  dns.lookup = lookup;
  dns.promises.lookup = promisesLookup;
  return () => {
    if (dns.lookup === lookup) dns.lookup = original.lookup;
    if (dns.promises.lookup === promisesLookup) dns.promises.lookup = original.promisesLookup;
  };
}
