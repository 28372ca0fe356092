/**
 * front-end: the slow-page demo's web front. /demo-app/ is the landing page; /slow-page waits for
 * business-logic's /slow-endpoint inside the custom span `fetch_slow_data`; /fast-page answers at once.
 * Each answer carries its trace id (body `traceId` and header `x-trace-id`) so the page can show it.
 */
import { trace } from '@opentelemetry/api';
import type { Response } from 'express';
import { ConfigError, type ServiceDefinition } from '@faultline/service-kit';
import { shortenTraceId, withSpan } from '@faultline/tracer';
import { getFromBusinessLogic } from './business-logic-client';
import { demoPageHtml } from './demo-page';
import { mountFavicon } from './favicon';

const config = {
  businessLogicUrl: { env: 'BUSINESS_LOGIC_URL', type: 'url', default: 'http://business-logic:8000', help: 'base URL of business-logic' },
  traceUrlTemplate: {
    env: 'TRACE_URL_TEMPLATE',
    type: 'url',
    help: 'trace viewer URL with {traceId}, e.g. http://127.0.0.9:9412/zipkin/traces/{traceId}: the demo page links each trace id there; unset: plain text',
  },
} as const;

/** Puts the active trace id on the answer's header and returns it for the body. */
function exposeTraceId(res: Response): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  if (!context) return undefined;
  const traceId = shortenTraceId(context.traceId);
  res.set('x-trace-id', traceId);
  return traceId;
}

export function frontEnd(): ServiceDefinition<typeof config> {
  return {
    name: 'front-end',
    defaultPort: 8080,
    config,
    routes(app, { config, log }) {
      if (config.traceUrlTemplate && !config.traceUrlTemplate.includes('{traceId}')) {
        throw new ConfigError([`TRACE_URL_TEMPLATE="${config.traceUrlTemplate}" has no {traceId} to replace`]);
      }
      const page = demoPageHtml(config.traceUrlTemplate);
      mountFavicon(app);
      app.get('/', (_req, res) => res.redirect(302, '/demo-app/'));
      // Routing is not strict: this route matches /demo-app and /demo-app/; relative links want the slash.
      app.get('/demo-app/', (req, res) => {
        if (!req.path.endsWith('/')) return res.redirect(301, '/demo-app/');
        res.type('html').send(page);
      });
      app.get('/slow-page', async (_req, res) => {
        const started = performance.now();
        const answer = await withSpan('fetch_slow_data', async () => {
          log.info('asking business-logic for the slow data');
          return getFromBusinessLogic(config.businessLogicUrl, '/slow-endpoint');
        });
        const elapsedMs = Math.round(performance.now() - started);
        log.info('slow page served', { elapsed_ms: elapsedMs });
        res.json({ page: 'slow', message: `slow page: ${String(answer.message)}`, elapsedMs, upstream: answer, traceId: exposeTraceId(res) });
      });
      app.get('/fast-page', (_req, res) => {
        log.info('fast page served');
        res.json({ page: 'fast', message: 'fast page: answered at once', elapsedMs: 0, traceId: exposeTraceId(res) });
      });
    },
  };
}
