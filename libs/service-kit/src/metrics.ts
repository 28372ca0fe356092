/**
 * Prometheus metrics: the default process metrics (minus the gauges promtool rejects) and the RED
 * metrics of every request, labelled by route template, never by raw URL.
 */
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, type Registry } from 'prom-client';
import { routeTemplateFor } from './route-template';

/** prom-client names these gauges *_total, reserved for counters; it also exports them without the suffix. */
const GAUGES_NAMED_LIKE_COUNTERS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export function registerProcessMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of GAUGES_NAMED_LIKE_COUNTERS) registry.removeSingleMetric(name);
}

/**
 * The route template that served the request ("/:id"). A response sent before routing (an injected
 * fault, a body the parser refused) gets the template the request would have been served by; a request
 * no route matches gets a fixed label.
 */
export function routeLabel(req: Request, res: Response): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}` || '/';
  const template = routeTemplateFor(req);
  if (template) return template;
  return res.statusCode === 404 ? 'unmatched' : 'middleware';
}

export function httpMetricsMiddleware(registry: Registry) {
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests in seconds, by route template.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const total = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by route template.',
    labelNames: ['method', 'route', 'status_code'],
    registers: [registry],
  });
  return (req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const labels = { method: req.method, route: routeLabel(req, res), status_code: String(res.statusCode) };
      duration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
      total.inc(labels);
    });
    next();
  };
}
