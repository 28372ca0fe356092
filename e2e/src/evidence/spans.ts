/** Finding the spans that tell the story: by service, by name, by error tag. */
import type { ZipkinSpan } from '@faultline/zipkin-receiver';
import type { Target } from '../targets/target';
import { pollUntil } from '@faultline/test-support';

export type SpanMatch = (span: ZipkinSpan) => boolean;

/** The first span (with its whole trace) matching, waiting for the exporters' batches to arrive. */
export async function waitForSpan(target: Target, match: SpanMatch, options: { timeoutMs?: number; what?: string; since?: number } = {}): Promise<{ span: ZipkinSpan; trace: ZipkinSpan[] }> {
  const sinceMicros = (options.since ?? 0) * 1000;
  return pollUntil(
    async () => {
      for (const trace of await target.traces({ limit: 500 })) {
        const span = trace.find((s) => (s.timestamp ?? 0) >= sinceMicros && match(s));
        if (span) return { span, trace };
      }
      return undefined;
    },
    { timeoutMs: options.timeoutMs ?? 8_000, intervalMs: 100, what: options.what ?? 'a matching span' },
  );
}

export function serviceIs(span: ZipkinSpan, service: string): boolean {
  return span.localEndpoint?.serviceName === service;
}

/** Every tag and annotation of a span as one searchable string (error.type, exception messages). */
export function spanText(span: ZipkinSpan): string {
  return [...Object.entries(span.tags ?? {}).map(([k, v]) => `${k}=${v}`), ...(span.annotations ?? []).map((a) => a.value)].join(' ');
}

/** The span's error tags in one line: error.type, error, status. */
export function spanErrorSummary(span: ZipkinSpan): string {
  const tags = span.tags ?? {};
  const parts = [
    `${span.localEndpoint?.serviceName ?? '?'}: ${span.name ?? '?'}`,
    tags['error.type'] && `error.type=${tags['error.type']}`,
    tags.error && `error="${tags.error}"`,
    tags['http.status_code'] && `http.status_code=${tags['http.status_code']}`,
  ];
  return parts.filter(Boolean).join('  ');
}
