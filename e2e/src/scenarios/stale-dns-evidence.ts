/**
 * What stale-dns-server sends and shows: test-ingress.sh's loop of requests through auth-proxy with each status
 * kept, the DNS pods' queries from one client, nginx's error lines about the auth subrequest, and the drops on the
 * way to a DNS pod (a Cilium agent's monitor lines on a cluster, the kube-dns stand-in's log locally).
 */
import { outcome, type HttpResult, httpRequest } from '../evidence/http';
import { pollUntil } from '@faultline/test-support';
import type { ClusterDnsControl } from '../targets/cluster-dns-control';
import type { LogLine, Target } from '../targets/target';

export const AUTH_PROXY = 'auth-proxy';
/** Requests of the seed's test-ingress.sh per phase. */
export const ATTEMPTS = 10;

export const request = (target: Target): Promise<HttpResult> => httpRequest(`${target.serviceUrl(AUTH_PROXY)}/`, { timeoutMs: 5_000 });

/** test-ingress.sh's loop: `count` requests, one every `intervalMs`, each status kept. */
export async function attempts(target: Target, count: number, intervalMs = 200): Promise<HttpResult[]> {
  const results: HttpResult[] = [];
  await pollUntil(
    async () => {
      results.push(await request(target));
      return results.length >= count ? true : undefined;
    },
    { timeoutMs: count * (intervalMs + 6_000), intervalMs, what: `${count} requests through ${AUTH_PROXY}` },
  );
  return results;
}

/** The label of test-ingress.sh's loop as the harness runs it. */
export const throughProxy = (target: Target, when: string) => `${target.sources.serviceRequests(AUTH_PROXY)}, test-ingress.sh's loop ${when}`;

export const statusLines = (results: readonly HttpResult[]) => results.map((r, i) => `Attempt: ${i + 1} Status Code: ${outcome(r)}`).join('\n');

export interface PodQueryCount {
  pod: string;
  ip: string;
  count: number;
}

/** Queries each current DNS pod got from `ip` since `since`. */
export async function queriesFrom(dns: ClusterDnsControl, ip: string, since: number): Promise<PodQueryCount[]> {
  return (await dns.podQueries()).map((pod) => ({
    pod: pod.pod,
    ip: pod.ip,
    count: pod.queries.filter((q) => q.src.startsWith(`${ip}:`) && Date.parse(q.time) >= since).length,
  }));
}

export const showQueries = (rows: readonly PodQueryCount[]) => rows.map((r) => `${r.pod} (${r.ip}): ${r.count} queries`).join('\n');

/**
 * nginx's error-log lines about a failed auth subrequest: the resolver's `<host> could not be resolved (110:
 * Operation timed out)` (and `recv() failed (...) while resolving` when an error comes back on its socket), and
 * auth_request's `auth request unexpected status: 502`.
 */
export const isNginxAuthFailure = (line: LogLine) => /could not be resolved|while resolving|auth request unexpected status/.test(line.text);

/**
 * The drops since `since` as evidence: each line as its watcher printed it (the first five, with the count), or,
 * when there were none, what the watch covered; the old DNS pod addresses beside them, to compare.
 */
export async function dropEvidence(dns: ClusterDnsControl, since: number, oldIps: readonly string[]): Promise<string> {
  const drops = await dns.drops(since);
  const context = `(CoreDNS pod addresses before the restart: ${oldIps.join(', ') || 'unknown'})`;
  if (!drops.length) return `no drop events from ${dns.dropsWatched(since)}\n${context}`;
  const lines = drops.slice(0, 5).map((d) => (d.watcher ? `${d.watcher}: ` : '') + (d.line ?? `xx drop (${d.reason}) ${d.client} -> ${d.endpoint} udp`));
  return [...lines, `${drops.length} drop events to port 53 from ${dns.dropsWatched(since)} ${context}`].join('\n');
}
