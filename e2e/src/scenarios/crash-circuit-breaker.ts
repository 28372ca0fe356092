/**
 * Seed 004, "no circuit breaker": a backend that hangs (then exits) or crashes. Without a breaker every
 * caller waits for its timeout and the backend keeps restarting; with the breaker, after a few failures
 * callers get a fast 503, and once the backend is back a half-open probe closes the breaker again.
 * Shortened for the lab: per-try timeout 1 s (the seed's curl -m 2), breaker after 2 failures, open 1.5 s.
 */
import { pollUntil } from '@faultline/test-support';
import { resilienceLab } from '../lab/labs';
import type { Target } from '../targets/target';
import { expect, type Scenario } from './model';
import { call, type Call, tally } from './resilience-requests';
import { getService } from './services';

const PER_TRY_TIMEOUT_MS = 1000;
const BREAKER_OPEN_MS = 1500;
/**
 * How long a restart may wait after an exit: kubelet restarts a container that keeps exiting after a back-off
 * that doubles from 10 s (CrashLoopBackOff); the lab's supervisor restarts at once.
 */
const RESTART_BACKOFF_MS = 45_000;

/** A call in one line; a failed one says what answered (a real retry-backend says "Version …" or its JSON error). */
const line = (c: Call) => {
  const answered = c.report?.outcome === 'failed' ? ` (backend answered ${c.report.status}: ${JSON.stringify(String(c.report.body ?? '').slice(0, 80))})` : '';
  return `${c.httpStatus ?? c.result.errorCode} ${c.report?.outcome ?? ''} in ${c.durationMs} ms${answered}`;
};

/**
 * Until retry-backend is back behind its Service and answers: a cluster's EndpointSlice can still show the
 * endpoint ready for a moment after its container restarted, before the new process listens.
 */
async function backendServing(target: Target): Promise<void> {
  // What was seen, so that a timeout says whether the Service had no ready endpoint or calls failed, and where.
  let last = 'nothing checked yet';
  const probes: Call[] = [];
  try {
    await pollUntil(
      async () => {
        const endpoints = (await getService(target, 'retry-backend')).readyEndpoints;
        if (endpoints.length === 0) {
          last = `no ready endpoint (restarts: ${await target.restarts('retry-backend')})`;
          return undefined;
        }
        const probe = await call(target, '?failRate=0');
        probes.push(probe);
        last = `ready endpoints ${endpoints.join(', ')}, GET /call?failRate=0 → ${line(probe)}`;
        return probe.httpStatus === 200 ? true : undefined;
      },
      { timeoutMs: RESTART_BACKOFF_MS + 45_000, intervalMs: 250, what: 'retry-backend to be back behind its Service and answering' },
    );
  } catch (error) {
    const pods = (await target.pods().catch(() => [])).map((p) => `${p.name} ${p.ip} ${p.running ? 'running' : 'not running'} restarts ${p.restarts}`);
    throw new Error(`${(error as Error).message}; last seen: ${last}; all probes: ${tally(probes) || 'none'}; pods: ${pods.join('; ')}`);
  }
}

export const crashCircuitBreaker: Scenario = {
  id: 'crash-circuit-breaker',
  seed: '004',
  title: 'A crashing, hanging backend: timeouts and restarts, then a circuit breaker',
  breaks: 'retry-backend crashes (mode crash) or hangs then exits (mode hang, HANG_SECONDS)',
  symptom: 'no breaker: each caller waits for its timeout; the backend restarts (restart count grows)',
  fix: 'breaker on: after 2 failures callers get fast 503s; once the backend is back, a half-open probe closes it',
  targets: ['local', 'kind'],
  typicalSeconds: 45,
  lab: (options) =>
    resilienceLab({
      hangSeconds: options.hangSeconds,
      clientEnv: { RETRIES_ENABLED: 'false', PER_TRY_TIMEOUT_MS: String(PER_TRY_TIMEOUT_MS), BREAKER_ENABLED: 'false' },
    }),
  steps: [
    {
      phase: 'break',
      title: 'a call with mode=crash: the backend aborts and exits',
      async run({ target, evidence }) {
        const restartsBefore = await target.restarts('retry-backend');
        // failRate=100 fails 99 draws in 100 ("N > random 1..100"): a rare success is answered, and asked again.
        let crashed = await call(target, '?failRate=100&mode=crash');
        for (let tries = 1; crashed.httpStatus === 200 && tries < 5; tries += 1) crashed = await call(target, '?failRate=100&mode=crash');
        evidence('client', `GET /call?failRate=100&mode=crash → ${line(crashed)}`);
        // The connection aborted by the crash: outcome error (an HTTP answer would be "failed", from some other server).
        expect(crashed.httpStatus === 502 && crashed.report?.outcome === 'error', `a crashing backend should give the caller a 502 with outcome error: ${line(crashed)}`);
        await pollUntil(async () => (await target.restarts('retry-backend')) > restartsBefore, { timeoutMs: 10_000, what: 'the backend to restart after the crash' });
        evidence(target.sources.pods('retry-backend'), `retry-backend restarts: ${restartsBefore} → ${await target.restarts('retry-backend')}`);
      },
    },
    {
      phase: 'symptom',
      title: 'no breaker: callers of a hanging backend wait for their timeout; the backend restarts again',
      async run({ target, options, evidence }) {
        await backendServing(target);
        const restartsBefore = await target.restarts('retry-backend');
        const calls: Call[] = [];
        for (let i = 0; i < 3; i += 1) calls.push(await call(target, '?failRate=100&mode=hang'));
        evidence('client', calls.map((c, i) => `call ${i + 1}: ${line(c)}`).join('\n'));
        const waited = calls.filter((c) => c.durationMs >= PER_TRY_TIMEOUT_MS * 0.9);
        const firstFailed = calls.find((c) => c.httpStatus !== 200) ?? calls[0];
        expect(waited.length >= 1 && firstFailed.report?.outcome === 'timeout', `the first failed call should wait for its ${PER_TRY_TIMEOUT_MS} ms timeout: ${line(firstFailed)}`);
        const hang = await target.waitForLog('retry-backend', (l) => String(l.json?.msg ?? '').startsWith('hanging'), { what: 'the backend logging the hang' });
        evidence(target.sources.logs('retry-backend'), hang.text);
        await pollUntil(async () => (await target.restarts('retry-backend')) > restartsBefore, {
          timeoutMs: options.hangSeconds * 1000 + RESTART_BACKOFF_MS,
          what: 'the hanging backend to exit and be restarted',
        });
        evidence(target.sources.pods('retry-backend'), `retry-backend restarts: ${restartsBefore} → ${await target.restarts('retry-backend')}`);
      },
    },
    {
      phase: 'fix',
      title: 'turn the circuit breaker on (2 failures open it for 1.5 s)',
      async run({ target, evidence }) {
        await backendServing(target);
        const env = { BREAKER_ENABLED: 'true', BREAKER_FAILURE_THRESHOLD: '2', BREAKER_OPEN_MS: String(BREAKER_OPEN_MS) };
        await target.setEnv('retry-client', env);
        evidence(target.sources.setEnv('retry-client'), Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' '));
      },
    },
    {
      phase: 'after',
      title: 'fast 503s while the breaker is open, then recovery through half-open',
      async run({ target, options, evidence }) {
        await backendServing(target);
        const calls: Call[] = [];
        for (let i = 0; i < 5; i += 1) calls.push(await call(target, '?failRate=100&mode=hang'));
        evidence('client', calls.map((c, i) => `call ${i + 1}: ${line(c)}`).join('\n'));
        const fast = calls.filter((c) => c.report?.outcome === 'circuit_open');
        expect(fast.length >= 2, `the breaker should open and fail calls fast with 503, got: ${calls.map(line).join('; ')}`);
        expect(fast.every((c) => c.httpStatus === 503 && c.durationMs < PER_TRY_TIMEOUT_MS / 2), 'calls failed by the open breaker should be fast 503s');
        const recovered = await pollUntil(
          async () => {
            const probe = await call(target, '?failRate=0');
            return probe.httpStatus === 200 ? probe : undefined;
          },
          { timeoutMs: options.hangSeconds * 1000 + RESTART_BACKOFF_MS + 15_000, intervalMs: 250, what: 'a successful call after the backend is back (half-open probe)' },
        );
        evidence('client', `GET /call?failRate=0 → ${line(recovered)} (half-open probe succeeded, breaker closed)`);
        const next = await call(target, '?failRate=0');
        evidence('client', `GET /call?failRate=0 → ${line(next)}`);
        expect(next.httpStatus === 200, `calls should succeed again once the breaker closed: ${line(next)}`);
      },
    },
  ],
};
