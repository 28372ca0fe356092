/**
 * The canary's requests from its pods' /metrics, as Flagger's request-success-rate reads them from
 * Prometheus: `http_requests_total` by `status_code`, 5xx counted as failures, over an interval (the
 * delta of two scrapes). Probes, /metrics and /admin are not the canary's traffic and are left out.
 */
import { parseMetrics } from '../evidence/metrics';
import type { SuccessRateSample } from './analysis';

const NOT_TRAFFIC = ['/healthz', '/readyz', '/health', '/metrics', '/admin'];

function isTraffic(route: string | undefined): boolean {
  return !NOT_TRAFFIC.some((prefix) => route === prefix || route?.startsWith(`${prefix}/`));
}

/** Served requests and 5xx answers in the scraped texts (summed over pods). */
export function requestCounts(texts: readonly string[]): SuccessRateSample {
  let total = 0;
  let failed = 0;
  for (const sample of texts.flatMap(parseMetrics)) {
    if (sample.name !== 'http_requests_total' || !isTraffic(sample.labels.route)) continue;
    total += sample.value;
    if (sample.labels.status_code?.startsWith('5')) failed += sample.value;
  }
  return { total, failed };
}

/** What happened between two scrapes; a counter that went down (the pod restarted) counts from zero. */
export function countsBetween(before: SuccessRateSample, after: SuccessRateSample): SuccessRateSample {
  if (after.total < before.total || after.failed < before.failed) return after;
  return { total: after.total - before.total, failed: after.failed - before.failed };
}
