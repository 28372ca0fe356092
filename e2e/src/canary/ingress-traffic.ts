/**
 * Requests through an ingress controller to one Ingress host (as `curl -H 'Host: …' http://<ingress>/`),
 * and what they came back with: the version in the body ("Version v2: server id …") or the error.
 */
import { httpRequest, outcome, type HttpResult } from '../evidence/http';
import type { IngressControl } from '../targets/ingress-control';
import type { Target } from '../targets/target';

/** The target's ingress controller, or a clear error naming the target that has none. */
export function ingressOf(target: Target): IngressControl {
  if (!target.ingress) throw new Error(`an ingress controller (ingress-nginx canary rules) is not supported by the ${target.name} target`);
  return target.ingress;
}

/** "v2" for a 200 "Version v2: …" answer, else the status or error code ("503", "ECONNREFUSED"). */
export function answeredBy(result: HttpResult): string {
  if (result.status === 200) return /^Version (\S+):/.exec(result.body)?.[1] ?? `200 "${result.body.slice(0, 40)}"`;
  return outcome(result);
}

/** `count` requests, `concurrency` at a time, each on a new connection. */
export async function requestsThroughIngress(
  ingress: IngressControl,
  host: string,
  path: string,
  count: number,
  headers: Record<string, string> = {},
  concurrency = 8,
): Promise<HttpResult[]> {
  const results: HttpResult[] = [];
  let started = 0;
  const worker = async () => {
    while (started < count) {
      started += 1;
      results.push(await httpRequest(`${ingress.url()}${path}`, { headers: { ...headers, host }, timeoutMs: 10_000 }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** Answers counted by who answered: { v1: 361, v2: 39 }. */
export function tallyAnswers(results: readonly HttpResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) {
    const key = answeredBy(result);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

export function formatTally(counts: Record<string, number>): string {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => `${key}: ${n} (${((n / total) * 100).toFixed(1)}%)`)
    .join(', ');
}
