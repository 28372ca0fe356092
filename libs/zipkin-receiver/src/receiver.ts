/** A Zipkin v2 API server: POST /api/v2/spans and the read endpoints a troubleshooter or scenario uses. */
import express, { type Express } from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { validateSpan, type ZipkinSpan } from './span';
import { SpanStore } from './store';

function positiveInt(value: unknown): number | undefined {
  const number = Number(value);
  return Number.isInteger(number) && number > 0 ? number : undefined;
}

/** `onSpans` sees every batch the store accepted (the local lab forwards them to its trace UI). */
export function createZipkinApp(store = new SpanStore(), onSpans?: (spans: ZipkinSpan[]) => void): Express {
  const app = express();
  app.disable('x-powered-by');
  app.post('/api/v2/spans', express.json({ limit: '10mb', type: () => true }), (req, res) => {
    if (!Array.isArray(req.body)) {
      res.status(400).json({ error: 'bad_request', message: 'body must be a JSON array of Zipkin v2 spans' });
      return;
    }
    const problem = req.body.map((span: unknown, index: number) => validateSpan(span, index)).find(Boolean);
    if (problem) {
      res.status(400).json({ error: 'bad_request', message: problem });
      return;
    }
    store.add(req.body as ZipkinSpan[]);
    onSpans?.(req.body as ZipkinSpan[]);
    res.status(202).end();
  });
  app.get('/api/v2/services', (_req, res) => {
    res.json(store.services());
  });
  app.get('/api/v2/spans', (req, res) => {
    if (typeof req.query.serviceName !== 'string') {
      res.status(400).json({ error: 'bad_request', message: 'serviceName is required' });
      return;
    }
    res.json(store.spanNames(req.query.serviceName));
  });
  app.get('/api/v2/traces', (req, res) => {
    res.json(
      store.query({
        serviceName: typeof req.query.serviceName === 'string' ? req.query.serviceName : undefined,
        spanName: typeof req.query.spanName === 'string' ? req.query.spanName : undefined,
        minDuration: positiveInt(req.query.minDuration),
        limit: positiveInt(req.query.limit) ?? 10,
      }),
    );
  });
  app.get('/api/v2/trace/:traceId', (req, res) => {
    const spans = store.trace(req.params.traceId);
    if (!spans) {
      res.status(404).json({ error: 'not_found', message: `trace ${req.params.traceId} not found` });
      return;
    }
    res.json(spans);
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.use((err: { status?: number; type?: string }, _req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (res.headersSent) return next(err);
    const status = err.status && err.status < 500 ? err.status : 500;
    res.status(status).json({ error: status === 500 ? 'internal' : 'bad_request', message: err.type ?? 'request failed' });
  });
  return app;
}

export interface RunningZipkinReceiver {
  readonly store: SpanStore;
  /** Base URL, e.g. http://127.0.0.1:9411 */
  readonly url: string;
  /** Where OTEL_EXPORTER_ZIPKIN_ENDPOINT should point. */
  readonly spansEndpoint: string;
  close(): Promise<void>;
}

export function startZipkinReceiver(
  options: { port?: number; host?: string; store?: SpanStore; onSpans?: (spans: ZipkinSpan[]) => void } = {},
): Promise<RunningZipkinReceiver> {
  const store = options.store ?? new SpanStore();
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server: Server = createZipkinApp(store, options.onSpans).listen(options.port ?? 0, host);
    server.once('error', reject);
    server.once('listening', () => {
      const { port } = server.address() as AddressInfo;
      const url = `http://${host}:${port}`;
      resolve({
        store,
        url,
        spansEndpoint: `${url}/api/v2/spans`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
