/**
 * Seed 001: a slow page found through its trace. /slow-page on front-end awaits business-logic's
 * /slow-endpoint, whose custom span data_transformation takes SLOW_SECONDS (3 s). The harness shows one
 * trace across both services joined by B3 headers, data_transformation as most of it, the trace id in
 * both services' log lines and the latency in business-logic's histogram; /fast-page's trace is short.
 */
import type { ZipkinSpan } from '@faultline/zipkin-receiver';
import { httpRequest, outcome } from '../evidence/http';
import { metricsSource, sumMetric } from '../evidence/metrics';
import { pollUntil } from '@faultline/test-support';
import { formatTrace, traceDuration } from '../evidence/trace-tree';
import { tracingLab } from '../lab/labs';
import type { Target } from '../targets/target';
import { expect, type Scenario } from './model';

async function fullTrace(target: Target, traceId: string, services: string[], what: string): Promise<ZipkinSpan[]> {
  return pollUntil(
    async () => {
      const spans = await target.trace(traceId);
      const present = new Set(spans?.map((s) => s.localEndpoint?.serviceName));
      const roots = spans?.filter((s) => !s.parentId || !spans.some((p) => p.id === s.parentId)) ?? [];
      return spans && services.every((s) => present.has(s)) && roots.length === 1 ? spans : undefined;
    },
    { timeoutMs: 8_000, intervalMs: 100, what },
  );
}

const seconds = (micros: number) => `${(micros / 1e6).toFixed(2)} s`;

export const slowPageTrace: Scenario = {
  id: 'slow-page-trace',
  seed: '001',
  title: 'A slow page found through its trace: data_transformation takes 3 s',
  breaks: '/slow-page: business-logic spends SLOW_SECONDS (3 s) in its data_transformation span',
  symptom: 'one trace across front-end and business-logic joined by B3 headers; data_transformation ≥ 3 s and most of the trace; trace id in both logs; latency in the histogram',
  fix: '/fast-page: a short trace with no business-logic work',
  targets: ['local', 'kind'],
  lab: (options) => tracingLab({ slowSeconds: options.slowSeconds }),
  steps: [
    {
      phase: 'setup',
      title: 'the demo app landing page loads',
      async run({ target, evidence }) {
        const page = await httpRequest(`${target.serviceUrl('front-end')}/demo-app/`);
        evidence('harness HTTP', `GET /demo-app/ → ${outcome(page)} ${page.headers['content-type'] ?? ''}`);
        expect(page.status === 200 && page.body.includes('Slow page'), `the landing page should load with its Slow page button: ${outcome(page)}`);
      },
    },
    {
      phase: 'break',
      title: 'click "Slow page"',
      async run({ target, state, evidence }) {
        const page = await httpRequest(`${target.serviceUrl('front-end')}/slow-page`, { timeoutMs: 60_000 });
        evidence('harness HTTP', `GET /slow-page → ${outcome(page)} in ${page.durationMs} ms`);
        expect(page.status === 200, `the slow page should answer: ${outcome(page)} ${page.body}`);
        state.slowTraceId = String(page.headers['x-trace-id'] ?? (page.json as { traceId?: string })?.traceId ?? '');
        expect(state.slowTraceId, 'the slow page should name its trace id (x-trace-id)');
      },
    },
    {
      phase: 'symptom',
      title: 'one trace across both services; data_transformation is most of it',
      async run({ target, options, state, evidence }) {
        const traceId = state.slowTraceId as string;
        const spans = await fullTrace(target, traceId, ['front-end', 'business-logic'], `trace ${traceId} with spans of both services`);
        evidence(`trace ${traceId}`, formatTrace(spans));
        const server = spans.find((s) => s.localEndpoint?.serviceName === 'business-logic' && s.kind === 'SERVER');
        const parent = server && spans.find((s) => s.id === server.parentId);
        expect(server && parent?.localEndpoint?.serviceName === 'front-end' && parent.kind === 'CLIENT', "business-logic's server span should be the child of front-end's client span (B3 headers carried the context)");
        evidence('trace (B3 join)', `business-logic SERVER span ${server.id} ← parent ${parent.id}, front-end CLIENT ${parent.name}`);
        const transformation = spans.find((s) => s.name === 'data_transformation');
        expect(transformation, 'a data_transformation span should be in the trace');
        const total = traceDuration(spans);
        const share = (transformation.duration ?? 0) / total;
        evidence('trace (culprit)', `data_transformation ${seconds(transformation.duration ?? 0)} of ${seconds(total)} (${Math.round(share * 100)}%)`);
        expect((transformation.duration ?? 0) >= options.slowSeconds * 1e6 * 0.98, `data_transformation should take at least ${options.slowSeconds} s`);
        expect(share >= 0.8, `data_transformation should be most of the trace, is ${Math.round(share * 100)}%`);

        for (const deployment of ['front-end', 'business-logic']) {
          const line = await target.waitForLog(deployment, (l) => l.json?.trace_id === traceId, { what: `a ${deployment} log line with trace_id ${traceId}` });
          evidence(target.sources.logs(deployment), line.text);
        }
        const metrics = await target.scrapeMetrics('business-logic');
        const where = { route: '/slow-endpoint', method: 'GET', status_code: '200' };
        const count = sumMetric(metrics, 'http_request_duration_seconds_count', where);
        const sum = sumMetric(metrics, 'http_request_duration_seconds_sum', where);
        const under = sumMetric(metrics, 'http_request_duration_seconds_bucket', { ...where, le: '2.5' });
        evidence(`business-logic metrics, ${metricsSource(metrics)}`, `http_request_duration_seconds{route="/slow-endpoint"}: count ${count}, sum ${sum.toFixed(2)} s, ${under} under 2.5 s`);
        expect(count >= 1 && sum >= options.slowSeconds * 0.98, 'the latency histogram should hold the slow request');
        if (options.slowSeconds > 2.5) expect(under === 0, 'the slow request should fall above the 2.5 s bucket');
      },
    },
    {
      phase: 'fix',
      title: 'click "Fast page"',
      async run({ target, state, evidence }) {
        const page = await httpRequest(`${target.serviceUrl('front-end')}/fast-page`);
        evidence('harness HTTP', `GET /fast-page → ${outcome(page)} in ${page.durationMs} ms`);
        expect(page.status === 200, `the fast page should answer: ${outcome(page)}`);
        state.fastTraceId = String(page.headers['x-trace-id'] ?? '');
        expect(state.fastTraceId, 'the fast page should name its trace id (x-trace-id)');
      },
    },
    {
      phase: 'after',
      title: 'the fast page trace is short, with no data_transformation',
      async run({ target, options, state, evidence }) {
        const traceId = state.fastTraceId as string;
        const spans = await fullTrace(target, traceId, ['front-end'], `trace ${traceId}`);
        evidence(`trace ${traceId}`, formatTrace(spans));
        const total = traceDuration(spans);
        expect(!spans.some((s) => s.name === 'data_transformation'), 'the fast page should do no data_transformation');
        expect(total < Math.min(500_000, options.slowSeconds * 1e6 / 2), `the fast page trace should be short, took ${seconds(total)}`);
      },
    },
  ],
};
