/**
 * retry-client: calls retry-backend through the resilience lib, with retries and the circuit breaker each
 * switched on or off by configuration, and tells what happened:
 *   GET /call?failRate=&mode=  →  {outcome, status, attempts, latencyMs, body}
 * outcome success → 200; failed (the backend's last answer was an error) → 502; error (no answer: reset,
 * refused) → 502; timeout (every try timed out) → 504; circuit_open (the breaker failed the call fast) → 503.
 */
import type { Response } from 'express';
import { CircuitOpenError, ResilientCallError, ResilientClient } from '@faultline/resilience';
import type { ServiceDefinition } from '@faultline/service-kit';
import { backendPath } from './call-query';

const config = {
  retryBackendUrl: { env: 'RETRY_BACKEND_URL', type: 'url', default: 'http://retry-backend:8080', help: 'base URL of retry-backend' },
  retriesEnabled: { env: 'RETRIES_ENABLED', type: 'boolean', default: true, help: 'retry failed tries (false: one attempt per call)' },
  maxAttempts: { env: 'MAX_ATTEMPTS', type: 'int', min: 1, max: 20, default: 5, help: 'attempts per call when retries are enabled, the first included' },
  perTryTimeoutMs: { env: 'PER_TRY_TIMEOUT_MS', type: 'int', min: 1, max: 600_000, default: 2_000, help: 'timeout of each try' },
  retryBackoffMs: { env: 'RETRY_BACKOFF_MS', type: 'int', min: 0, max: 60_000, default: 50, help: 'backoff before the first retry; doubles per retry, jittered' },
  breakerEnabled: { env: 'BREAKER_ENABLED', type: 'boolean', default: false, help: 'fail fast with 503 after consecutive failures' },
  breakerFailureThreshold: { env: 'BREAKER_FAILURE_THRESHOLD', type: 'int', min: 1, max: 1_000, default: 5, help: 'consecutive failed tries that open the breaker' },
  breakerOpenMs: { env: 'BREAKER_OPEN_MS', type: 'int', min: 0, max: 600_000, default: 5_000, help: 'how long the breaker stays open before a half-open probe' },
} as const;

interface CallReport {
  outcome: 'success' | 'failed' | 'error' | 'timeout' | 'circuit_open';
  status: number | null;
  attempts: number;
  latencyMs: number;
  body: string | null;
}

export function retryClient(): ServiceDefinition<typeof config> {
  return {
    name: 'retry-client',
    defaultPort: 8080,
    config,
    routes(app, { config, log, registry }) {
      const backend = new ResilientClient({
        target: 'retry-backend',
        baseUrl: config.retryBackendUrl,
        maxAttempts: config.retriesEnabled ? config.maxAttempts : 1,
        perTryTimeoutMs: config.perTryTimeoutMs,
        backoffMs: config.retryBackoffMs,
        breaker: config.breakerEnabled ? { failureThreshold: config.breakerFailureThreshold, openMs: config.breakerOpenMs } : undefined,
        registry,
      });

      const answer = (res: Response, httpStatus: number, report: CallReport, error?: { code: string; message: string }) => {
        const fields = { outcome: report.outcome, status: report.status, attempts: report.attempts, latency_ms: report.latencyMs };
        if (report.outcome === 'success') log.info('backend call', fields);
        else log.warn('backend call failed', { ...fields, ...(error ? { code: error.code } : {}) });
        res.status(httpStatus).json(error ? { error: error.code, message: error.message, ...report } : report);
      };

      app.get('/call', async (req, res) => {
        const path = backendPath(req.query);
        const caller = new AbortController();
        res.once('close', () => caller.abort(new Error('the caller went away')));
        const started = performance.now();
        const latency = () => Math.round(performance.now() - started);
        try {
          const reply = await backend.get(path, { signal: caller.signal });
          const report: CallReport = {
            outcome: reply.status < 400 ? 'success' : 'failed',
            status: reply.status,
            attempts: reply.attempts,
            latencyMs: latency(),
            body: reply.body,
          };
          if (report.outcome === 'success') return answer(res, 200, report);
          return answer(res, 502, report, { code: 'backend_failed', message: `retry-backend answered ${reply.status} after ${reply.attempts} attempt(s)` });
        } catch (error) {
          if (caller.signal.aborted) return;
          if (error instanceof CircuitOpenError) {
            res.set('Retry-After', String(Math.ceil(error.retryAfterMs / 1000)));
            const report: CallReport = { outcome: 'circuit_open', status: 503, attempts: error.attempts, latencyMs: latency(), body: null };
            return answer(res, 503, report, { code: 'circuit_open', message: error.message });
          }
          if (error instanceof ResilientCallError) {
            const timeout = error.kind === 'timeout';
            const report: CallReport = { outcome: timeout ? 'timeout' : 'error', status: null, attempts: error.attempts, latencyMs: latency(), body: null };
            return answer(res, timeout ? 504 : 502, report, {
              code: timeout ? 'backend_timeout' : 'backend_unreachable',
              message: error.message,
            });
          }
          throw error;
        }
      });
    },
  };
}
