/**
 * The circuit breaker against a real retry-backend process that crashes or hangs. The client reaches the
 * backend through a loopback forwarder (a Service's stable address), so a restarted backend process on a
 * new port is reachable at the same URL, as after a kubelet restart.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { pollUntil, startTestService } from '@faultline/service-kit/testing';
import { retryClient } from './app';
import { type AppProcess, startApp, startTcpProxy, type TcpProxy } from '@faultline/test-support';

interface Report {
  outcome: string;
  status: number | null;
  attempts: number;
  latencyMs: number;
  error?: string;
}

const backends: AppProcess[] = [];
const proxies: TcpProxy[] = [];
const startBackend = async (env: Record<string, string>) => {
  const backend = await startApp('retry-backend', { OTEL_TRACES_EXPORTER: 'none', ...env });
  backends.push(backend);
  return backend;
};
const call = async (url: string, query: string) => {
  const res = await fetch(`${url}/call?${query}`);
  return { httpStatus: res.status, ...((await res.json()) as Report) };
};
/** failRate=100 fails 99 draws in 100 ("N > random 1..100"): asks again after a success, a few times at most. */
const callUntilFailure = async (url: string, query: string) => {
  let report = await call(url, query);
  for (let tries = 1; report.outcome === 'success' && tries < 5; tries++) report = await call(url, query);
  return report;
};

describe('circuit breaker against a crashing or hanging retry-backend', () => {
  after(async () => {
    for (const backend of backends) await backend.kill();
    for (const proxy of proxies) await proxy.close();
  });

  it('crash: opens after the threshold, fails fast without reaching the backend, recovers through half-open', async () => {
    const proxy = await startTcpProxy();
    proxies.push(proxy);
    const first = await startBackend({ CRASH_DELAY_MS: '20' });
    proxy.pointAt(first.port);
    const client = await startTestService(retryClient(), {
      RETRY_BACKEND_URL: proxy.url,
      RETRIES_ENABLED: 'false',
      BREAKER_ENABLED: 'true',
      BREAKER_FAILURE_THRESHOLD: '3',
      BREAKER_OPEN_MS: '1500',
    });
    try {
      // The first crashing call ends the process; the next ones meet a backend that is gone.
      const failures: Report[] = [await callUntilFailure(client.url, 'failRate=100&mode=crash')];
      for (let i = 1; i < 3; i++) failures.push(await call(client.url, 'failRate=100&mode=crash'));
      assert.ok(failures.every((r) => r.outcome === 'error' && r.attempts === 1), JSON.stringify(failures));
      await pollUntil(() => first.child.exitCode !== null, { what: 'the crashed backend to exit' });
      assert.equal(first.child.exitCode, 1);

      const reached = proxy.connections();
      const fast = await Promise.all(Array.from({ length: 5 }, () => call(client.url, 'failRate=0')));
      for (const r of fast) {
        assert.equal(r.httpStatus, 503);
        assert.equal(r.outcome, 'circuit_open');
        assert.equal(r.error, 'circuit_open');
        assert.equal(r.attempts, 0);
      }
      assert.equal(proxy.connections(), reached, 'the open breaker kept every call away from the backend');

      // The backend comes back (the "restart"); after BREAKER_OPEN_MS one probe goes through and closes the breaker.
      const second = await startBackend({});
      proxy.pointAt(second.port);
      const recovered = await pollUntil(
        async () => {
          const r = await call(client.url, 'failRate=0');
          return r.outcome === 'success' ? r : undefined;
        },
        { timeoutMs: 10_000, intervalMs: 100, what: 'the breaker to let a probe through' },
      );
      assert.equal(recovered.attempts, 1);
      assert.equal((await call(client.url, 'failRate=0')).outcome, 'success');
      const metrics = await (await fetch(`${client.url}/metrics`)).text();
      for (const [from, to] of [['closed', 'open'], ['open', 'half_open'], ['half_open', 'closed']]) {
        assert.match(metrics, new RegExp(`resilience_circuit_breaker_transitions_total\\{target="retry-backend",from="${from}",to="${to}"\\} 1`));
      }
      assert.match(metrics, /resilience_circuit_breaker_state\{target="retry-backend",state="closed"\} 1/);
      assert.match(metrics, /resilience_calls_total\{target="retry-backend",outcome="circuit_open"\} [1-9]/);
    } finally {
      await client.stop();
    }
  });

  it('hang: without a breaker every call waits for its timeout; with one, calls fail fast once it opened', async () => {
    const backend = await startBackend({ HANG_SECONDS: '60' });
    const settings = { RETRY_BACKEND_URL: backend.url, RETRIES_ENABLED: 'false', PER_TRY_TIMEOUT_MS: '300' };
    const unguarded = await startTestService(retryClient(), settings);
    const guarded = await startTestService(retryClient(), {
      ...settings,
      BREAKER_ENABLED: 'true',
      BREAKER_FAILURE_THRESHOLD: '2',
      BREAKER_OPEN_MS: '60000',
    });
    try {
      const waited = [await callUntilFailure(unguarded.url, 'failRate=100&mode=hang'), await call(unguarded.url, 'failRate=0'), await call(unguarded.url, 'failRate=0')];
      for (const r of waited) {
        assert.equal(r.httpStatus, 504);
        assert.equal(r.outcome, 'timeout');
        assert.ok(r.latencyMs >= 290, `waited ${r.latencyMs} ms for the per-try timeout`);
      }
      const opening = [await call(guarded.url, 'failRate=0'), await call(guarded.url, 'failRate=0')];
      assert.deepEqual(opening.map((r) => r.outcome), ['timeout', 'timeout']);
      const fast = await call(guarded.url, 'failRate=0');
      assert.equal(fast.httpStatus, 503);
      assert.equal(fast.outcome, 'circuit_open');
      assert.equal(fast.attempts, 0);
      assert.ok(fast.latencyMs < 300, `failed fast in ${fast.latencyMs} ms instead of waiting for the timeout`);
    } finally {
      await unguarded.stop();
      await guarded.stop();
    }
  });
});
