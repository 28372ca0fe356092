/** In-memory span storage with the queries the Zipkin v2 API and the scenarios need. */
import { serviceOf, traceKey, type ZipkinSpan } from './span';

export interface TraceQuery {
  serviceName?: string;
  spanName?: string;
  /** Microseconds. */
  minDuration?: number;
  limit?: number;
}

export class SpanStore {
  private readonly traces = new Map<string, ZipkinSpan[]>();
  private listeners = new Set<() => void>();
  /** Spans received since start, including those of traces evicted since. */
  received = 0;

  constructor(private readonly maxTraces = 10_000) {}

  add(spans: ZipkinSpan[]): void {
    this.received += spans.length;
    for (const span of spans) {
      const key = traceKey(span.traceId);
      const trace = this.traces.get(key) ?? [];
      if (!this.traces.has(key)) {
        this.traces.set(key, trace);
        if (this.traces.size > this.maxTraces) this.traces.delete(this.traces.keys().next().value as string);
      }
      trace.push({ ...span, traceId: span.traceId.toLowerCase(), id: span.id.toLowerCase() });
    }
    for (const listener of this.listeners) listener();
  }

  trace(traceId: string): ZipkinSpan[] | undefined {
    return this.traces.get(traceKey(traceId));
  }

  /** Traces with at least one span matching the query, newest first. */
  query(query: TraceQuery = {}): ZipkinSpan[][] {
    const matches = (span: ZipkinSpan) =>
      (!query.serviceName || serviceOf(span) === query.serviceName) &&
      (!query.spanName || span.name === query.spanName) &&
      (!query.minDuration || (span.duration ?? 0) >= query.minDuration);
    const found = [...this.traces.values()].filter((spans) => spans.some(matches)).reverse();
    return found.slice(0, query.limit ?? found.length);
  }

  services(): string[] {
    const names = new Set<string>();
    for (const spans of this.traces.values()) for (const span of spans) {
        const service = serviceOf(span);
        if (service) names.add(service);
      }
    return [...names].sort();
  }

  spanNames(serviceName: string): string[] {
    const names = new Set<string>();
    for (const spans of this.traces.values()) {
      for (const span of spans) if (serviceOf(span) === serviceName && span.name) names.add(span.name);
    }
    return [...names].sort();
  }

  allSpans(): ZipkinSpan[] {
    return [...this.traces.values()].flat();
  }

  clear(): void {
    this.traces.clear();
  }

  /**
   * Resolves with the first non-undefined value `probe` returns, checked now and after every stored
   * batch; rejects after `timeoutMs` with a message saying what was awaited.
   */
  waitFor<T>(probe: (store: SpanStore) => T | undefined, timeoutMs = 10_000, what = 'spans'): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = probe(this);
        if (value === undefined) return false;
        this.listeners.delete(check);
        clearTimeout(timer);
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      if (!check()) this.listeners.add(check);
    });
  }
}
