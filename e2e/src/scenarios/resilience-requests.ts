/** Calls through retry-client (GET /call) and what they came back with. */
import { httpRequest, type HttpResult } from '../evidence/http';
import type { Target } from '../targets/target';

export interface CallReport {
  outcome: 'success' | 'failed' | 'error' | 'timeout' | 'circuit_open' | string;
  status: number | null;
  attempts: number;
  latencyMs: number;
  /** What the backend answered (a "failed" call: the answer that failed). */
  body?: string | null;
}

export interface Call {
  httpStatus?: number;
  durationMs: number;
  report?: CallReport;
  result: HttpResult;
}

export async function call(target: Target, query: string, timeoutMs = 30_000): Promise<Call> {
  const result = await httpRequest(`${target.serviceUrl('retry-client')}/call${query}`, { timeoutMs });
  return { httpStatus: result.status, durationMs: result.durationMs, report: result.json as CallReport | undefined, result };
}

/** `count` calls, `concurrency` at a time. */
export async function callMany(target: Target, query: string, count: number, concurrency = 8): Promise<Call[]> {
  const calls: Call[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next += 1;
      calls.push(await call(target, query));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return calls;
}

export function tally(calls: readonly Call[]): string {
  const counts = new Map<string, number>();
  for (const c of calls) {
    const key = `${c.httpStatus ?? c.result.errorCode} ${c.report?.outcome ?? ''}`.trim();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => `${n}× ${key}`).join(', ');
}

export const percent = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1)}%`;
