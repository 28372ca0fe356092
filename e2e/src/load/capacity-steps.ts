/**
 * The capacity benchmark's rules: the rates it tries (each 1.5 × the last, bounded), and whether the store
 * held a rate: order p95 at most 1.5 s, at most 1% failed requests, at most 1% of shoppers k6 could not start
 * (dropped iterations: no free VU, the store answered too slowly).
 */
import type { RunSummary } from './summary';

export const ORDER_P95_LIMIT_MS = 1_500;
export const FAILED_LIMIT = 0.01;

export function rates(start: number, max: number, steps: number): number[] {
  const out: number[] = [];
  for (let rate = start; out.length < steps && rate <= max; rate = Math.ceil(rate * 1.5)) out.push(rate);
  return out;
}

export interface StepVerdict {
  held: boolean;
  orderP95Ms?: number;
  failedRate?: number;
  droppedShare: number;
  /** Why it was not held, in words. */
  reason?: string;
}

export function judgeStep(summary: RunSummary | undefined, rate: number, seconds: number): StepVerdict {
  if (!summary) return { held: false, droppedShare: 0, reason: 'no summary (k6 failed)' };
  const orderP95Ms = summary.metrics['http_req_duration{step:order}']?.['p(95)'];
  const failedRate = summary.failedRate;
  const droppedShare = (summary.metrics.dropped_iterations?.count ?? 0) / Math.max(1, rate * seconds);
  const reasons = [
    orderP95Ms === undefined ? 'no order placed' : orderP95Ms > ORDER_P95_LIMIT_MS ? `order p95 ${Math.round(orderP95Ms)} ms > ${ORDER_P95_LIMIT_MS} ms` : '',
    failedRate !== undefined && failedRate > FAILED_LIMIT ? `${(failedRate * 100).toFixed(1)}% failed > ${FAILED_LIMIT * 100}%` : '',
    droppedShare > FAILED_LIMIT ? `${(droppedShare * 100).toFixed(1)}% of shoppers not started (dropped)` : '',
  ].filter(Boolean);
  return { held: reasons.length === 0, orderP95Ms, failedRate, droppedShare, reason: reasons.join(', ') || undefined };
}
