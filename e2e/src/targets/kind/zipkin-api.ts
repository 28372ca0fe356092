/** The chart's Zipkin, read through its v2 API (reached by a port-forward). */
import type { ZipkinSpan } from '@faultline/zipkin-receiver';
import { httpRequest } from '../../evidence/http';
import type { TraceFilter } from '../target';

export async function zipkinTraces(baseUrl: string, filter: TraceFilter = {}): Promise<ZipkinSpan[][]> {
  const query = new URLSearchParams({ limit: String(filter.limit ?? 500) });
  if (filter.serviceName) query.set('serviceName', filter.serviceName);
  if (filter.spanName) query.set('spanName', filter.spanName);
  if (filter.minDuration) query.set('minDuration', String(filter.minDuration));
  const result = await httpRequest(`${baseUrl}/api/v2/traces?${query}`, { timeoutMs: 10_000 });
  if (result.status !== 200) throw new Error(`Zipkin GET /api/v2/traces: ${result.status ?? result.errorCode} ${result.body.slice(0, 200)}`);
  return JSON.parse(result.body) as ZipkinSpan[][];
}

export async function zipkinTrace(baseUrl: string, traceId: string): Promise<ZipkinSpan[] | undefined> {
  const result = await httpRequest(`${baseUrl}/api/v2/trace/${encodeURIComponent(traceId)}`, { timeoutMs: 10_000 });
  if (result.status === 404) return undefined;
  if (result.status !== 200) throw new Error(`Zipkin GET /api/v2/trace/${traceId}: ${result.status ?? result.errorCode}`);
  return JSON.parse(result.body) as ZipkinSpan[];
}
