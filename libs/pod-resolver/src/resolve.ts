/**
 * getaddrinfo with a pod's resolv.conf: walk the search candidates (see searchCandidates) asking for A
 * (and AAAA) records, stop at the first that has addresses. As glibc's res_nsearch does: NXDOMAIN and
 * empty answers go on to the next candidate, SERVFAIL goes on but is remembered, a timeout stops the walk.
 * No answer anywhere → ENOTFOUND; SERVFAIL somewhere or a timeout → EAI_AGAIN.
 */
import { lookupError } from './errors';
import { queryAddresses, type QueryOutcome } from './query';
import { type ResolvConfig, searchCandidates } from './resolv-conf';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Family = 0 | 4 | 6;

async function askCandidate(config: ResolvConfig, name: string, family: Family): Promise<{ addresses: ResolvedAddress[]; outcome: QueryOutcome['kind'] }> {
  const types: ('A' | 'AAAA')[] = family === 4 ? ['A'] : family === 6 ? ['AAAA'] : ['A', 'AAAA'];
  const outcomes = await Promise.all(types.map((type) => queryAddresses(config, name, type)));
  const addresses = outcomes.flatMap((outcome, i) =>
    outcome.kind === 'answer' ? outcome.addresses.map((address) => ({ address, family: types[i] === 'A' ? (4 as const) : (6 as const) })) : [],
  );
  const kinds = outcomes.map((o) => o.kind);
  const outcome = addresses.length ? 'answer' : (['nxdomain', 'servfail', 'timeout', 'answer'] as const).find((k) => kinds.includes(k)) ?? 'answer';
  return { addresses, outcome };
}

/** Addresses for `hostname`, IPv4 first; rejects with ENOTFOUND or EAI_AGAIN as getaddrinfo would. */
export async function resolveHost(config: ResolvConfig, hostname: string, family: Family = 0): Promise<ResolvedAddress[]> {
  let sawServfail = false;
  for (const candidate of searchCandidates(hostname, config)) {
    const { addresses, outcome } = await askCandidate(config, candidate, family);
    if (addresses.length) return addresses;
    if (outcome === 'timeout') throw lookupError('EAI_AGAIN', hostname, `no reply for ${candidate}`);
    if (outcome === 'servfail') sawServfail = true;
  }
  throw sawServfail ? lookupError('EAI_AGAIN', hostname, 'SERVFAIL') : lookupError('ENOTFOUND', hostname);
}
