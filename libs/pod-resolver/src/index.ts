/**
 * Name resolution with a pod's semantics (resolv.conf search list, ndots, timeout, attempts) for
 * processes that are not in a pod: `installPodResolver(parseResolvConf(text))` makes every dns.lookup
 * in the process (http, net, fetch) resolve as glibc would inside a pod. See README.md for the differences.
 */
export { lookupError, type LookupError, type LookupErrorCode } from './errors';
export { createLookup, createPromiseLookup, installPodResolver, type PodLookup } from './lookup';
export { queryAddresses, type QueryOutcome } from './query';
export { type Family, resolveHost, type ResolvedAddress } from './resolve';
export { loadResolvConf, parseResolvConf, searchCandidates, type NameServer, type ResolvConfig } from './resolv-conf';
