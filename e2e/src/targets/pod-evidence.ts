/** What both targets read from the pods' own endpoints (/metrics, the DNS servers' /queries), checked alike. */
import type { HttpResult } from '../evidence/http';
import type { DnsQueryRecord } from './target';

export const DNS_QUERIES_PATH = '/queries?limit=2000';

/** Each pod's /metrics text; any answer but 200 fails, naming the Deployment. */
export function metricsBodies(results: HttpResult[], deployment: string): string[] {
  return results.map((r) => {
    if (r.status !== 200) throw new Error(`scraping ${deployment}: ${r.status ?? r.errorCode}`);
    return r.body;
  });
}

/** The query log a dns-server answered on GET /queries (a list, or `{queries}`). */
export function dnsQueriesOf(result: HttpResult, role: string): DnsQueryRecord[] {
  if (result.status !== 200) throw new Error(`GET /queries on the ${role} DNS: ${result.status ?? result.errorCode}`);
  const json = result.json as DnsQueryRecord[] | { queries: DnsQueryRecord[] };
  return Array.isArray(json) ? json : json.queries;
}

/** The lab's memory: each pod's bytes and their sum. */
export function memoryOf(byPod: Record<string, number>): { totalBytes: number; byPod: Record<string, number> } {
  return { totalBytes: Object.values(byPod).reduce((a, b) => a + b, 0), byPod };
}
