/**
 * The fault middleware: latency, hang and error faults applied to requests. It never touches probes,
 * /metrics or /admin (the service kit also mounts those before it).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { type FaultSpec, routeMatches } from './spec';
import type { FaultSwitches } from './switches';

export const NEVER_FAULTED: readonly string[] = ['/healthz', '/readyz', '/health', '/metrics', '/admin'];

export function isNeverFaulted(path: string): boolean {
  return NEVER_FAULTED.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** Waits `ms`, or less if the client goes away; resolves whether the client is still there. */
function hold(res: Response, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      res.off('close', gone);
      resolve(!res.destroyed);
    }, ms);
    const gone = () => {
      clearTimeout(timer);
      resolve(false);
    };
    res.once('close', gone);
  });
}

/** The faults of `current` that apply to this request, in the order they act. */
async function applyFaults(
  { hang, latency, error }: FaultSpec,
  req: Request,
  res: Response,
  next: NextFunction,
  switches: FaultSwitches,
  random: () => number,
): Promise<void> {
  if (hang && routeMatches(hang.route, req.path) && random() < (hang.probability ?? 1)) {
    switches.countInjected('hang');
    if (!(await hold(res, hang.ms))) return;
  }
  if (latency && routeMatches(latency.route, req.path) && random() < (latency.probability ?? 1)) {
    switches.countInjected('latency');
    const jitter = latency.jitterMs ? (random() * 2 - 1) * latency.jitterMs : 0;
    if (!(await hold(res, Math.max(0, latency.ms + jitter)))) return;
  }
  if (error && routeMatches(error.route, req.path) && random() < (error.rate ?? 1)) {
    switches.countInjected('error');
    res.status(error.status).json({
      error: 'fault_injected',
      message: error.message ?? `injected error fault: status ${error.status}`,
    });
    return;
  }
  next();
}

export function faultMiddleware(switches: FaultSwitches, random: () => number = Math.random): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (isNeverFaulted(req.path)) return next();
    const current = switches.current();
    // Idle switches cost a property check, not a promise per request.
    if (!current.hang && !current.latency && !current.error) return next();
    return applyFaults(current, req, res, next, switches, random);
  };
}
