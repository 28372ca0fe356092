/**
 * business-logic: the backend of the slow-page demo. /slow-endpoint spends SLOW_SECONDS inside a custom
 * span `data_transformation` (the span a trace shows as the culprit); /fast-endpoint answers at once.
 */
import { trace } from '@opentelemetry/api';
import type { ServiceDefinition } from '@faultline/service-kit';
import { shortenTraceId, withSpan } from '@faultline/tracer';
import { setTimeout as delay } from 'node:timers/promises';

const config = {
  slowSeconds: {
    env: 'SLOW_SECONDS',
    type: 'number',
    min: 0,
    max: 600,
    default: 3,
    help: 'seconds /slow-endpoint spends in its data_transformation span (fractions allowed)',
  },
} as const;

/** The active trace id, as the logs and Zipkin show it; undefined when tracing is off. */
function activeTraceId(): string | undefined {
  const context = trace.getActiveSpan()?.spanContext();
  return context ? shortenTraceId(context.traceId) : undefined;
}

export function businessLogic(): ServiceDefinition<typeof config> {
  return {
    name: 'business-logic',
    defaultPort: 8000,
    config,
    routes(app, { config, log }) {
      app.get('/slow-endpoint', async (_req, res) => {
        const seconds = config.slowSeconds;
        const rows = await withSpan(
          'data_transformation',
          async (span) => {
            log.info('data transformation started', { seconds });
            await delay(seconds * 1000);
            const transformed = 42;
            span.setAttribute('transformation.rows', transformed);
            log.info('data transformation finished', { seconds, rows: transformed });
            return transformed;
          },
          { 'transformation.seconds': seconds },
        );
        res.json({ endpoint: 'slow', message: `transformed ${rows} rows in ${seconds} s`, seconds, traceId: activeTraceId() });
      });
      app.get('/fast-endpoint', (_req, res) => {
        log.info('fast answer');
        res.json({ endpoint: 'fast', message: 'answered at once', traceId: activeTraceId() });
      });
    },
  };
}
