/**
 * retry-backend: a backend that fails at the rate you ask for, as the seed's retry demo backend does.
 * `GET /?failRate=N&mode=busy|crash|hang` fails when N > a random integer 1..100:
 *   busy  → 503 {"error":"overloaded","message":"Overloaded"}
 *   crash → the connection is aborted and the process exits 1 after CRASH_DELAY_MS
 *   hang  → the request is held HANG_SECONDS, then the process exits 1
 * otherwise "Version V: server id ID" (V = VERSION: v1, v2, or an erroring v2 for the canary scenario).
 */
import { hostname } from 'node:os';
import { Counter } from 'prom-client';
import { HttpError, type ServiceDefinition } from '@faultline/service-kit';
import { parseFailRequest, shouldFail } from './fail-request';
import { BackendLifecycle } from './lifecycle';

const config = {
  version: { env: 'VERSION', type: 'string', default: 'v1', help: 'version named in the answer (v1, v2: the canary versions)' },
  serverId: { env: 'SERVER_ID', type: 'string', default: hostname(), help: 'server id named in the answer (the pod name in a cluster)' },
  hangSeconds: { env: 'HANG_SECONDS', type: 'number', min: 0, max: 3_600, default: 20, help: 'how long mode=hang holds the request before the process exits 1' },
  crashDelayMs: { env: 'CRASH_DELAY_MS', type: 'int', min: 0, max: 60_000, default: 100, help: 'delay between a crash and the process exiting 1' },
} as const;

export interface RetryBackendOptions {
  /** Uniform in [0, 1); Math.random by default (tests pass their own). */
  random?: () => number;
  /** How the process dies; process.exit by default. */
  exit?: (code: number) => void;
  /** Tests pass their own to restart the backend after a crash or hang. */
  lifecycle?: BackendLifecycle;
}

export function retryBackend(options: RetryBackendOptions = {}): ServiceDefinition<typeof config> {
  const random = options.random ?? Math.random;
  const lifecycle = options.lifecycle ?? new BackendLifecycle(options.exit);
  return {
    name: 'retry-backend',
    defaultPort: 8080,
    config,
    routes(app, { config, log, registry }) {
      const answers = new Counter({
        name: 'retry_backend_answers_total',
        help: 'Requests to GET / by outcome: success, busy, crash, hang, refused (arrived while crashing or hanging).',
        labelNames: ['outcome'],
        registers: [registry],
      });
      app.get('/', (req, res) => {
        if (lifecycle.state !== 'serving') {
          answers.inc({ outcome: 'refused' });
          return lifecycle.refuse(res);
        }
        const { failRate, mode } = parseFailRequest(req.query);
        if (!shouldFail(failRate, random)) {
          answers.inc({ outcome: 'success' });
          res.type('text/plain').send(`Version ${config.version}: server id ${config.serverId}`);
          return;
        }
        answers.inc({ outcome: mode });
        switch (mode) {
          case 'busy':
            throw new HttpError(503, 'overloaded', 'Overloaded');
          case 'crash':
            log.error('crashing: aborting the request, exiting', { fail_rate: failRate, exit_in_ms: config.crashDelayMs });
            return lifecycle.crash(res, config.crashDelayMs);
          case 'hang':
            log.error('hanging: holding the request, then exiting', { fail_rate: failRate, exit_in_s: config.hangSeconds });
            return lifecycle.hang(res, config.hangSeconds);
        }
      });
    },
  };
}
