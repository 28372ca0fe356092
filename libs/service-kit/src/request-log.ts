/** One JSON log line per request (probes and scrapes excepted), inside the request's span. */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '@faultline/tracer';
import { routeLabel } from './metrics';

const QUIET = new Set(['/healthz', '/readyz', '/health', '/metrics']);

export function requestLogMiddleware(log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (QUIET.has(req.path)) return next();
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const fields = {
        method: req.method,
        path: req.path,
        route: routeLabel(req, res),
        status: res.statusCode,
        duration_ms: Math.round(Number(process.hrtime.bigint() - start) / 1e4) / 100,
      };
      if (res.statusCode >= 500) log.error('request failed', fields);
      else log.info('request', fields);
    });
    next();
  };
}
