import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { pollUntil, startTestService, type TestService } from '@faultline/service-kit/testing';
import { retryBackend, type RetryBackendOptions } from './app';
import { shouldFail } from './fail-request';
import { BackendLifecycle } from './lifecycle';

/** A random source that returns the given values in turn (then repeats the last). */
const draws = (...values: number[]) => () => (values.length > 1 ? (values.shift() as number) : values[0]);

describe('retry-backend', () => {
  let svc: TestService<ReturnType<typeof retryBackend>['config']> | undefined;
  const exits: number[] = [];
  const start = async (options: RetryBackendOptions, env: Record<string, string> = {}) => {
    exits.length = 0;
    svc = await startTestService(retryBackend({ exit: (code) => void exits.push(code), ...options }), {
      VERSION: 'v2',
      SERVER_ID: 'pod-a',
      ...env,
    });
    return svc;
  };
  afterEach(async () => {
    await svc?.stop();
    svc = undefined;
  });

  it('fails exactly when failRate > a draw from 1..100: failRate N fails N−1 of the 100 draws', () => {
    for (const rate of [0, 1, 50, 99, 100]) {
      const failures = Array.from({ length: 100 }, (_, i) => shouldFail(rate, () => i / 100)).filter(Boolean).length;
      assert.equal(failures, Math.max(0, rate - 1), `failRate ${rate}`);
    }
  });

  it('answers "Version V: server id ID" when the draw spares the request', async () => {
    const { url } = await start({ random: draws(0.49) }); // draw 50: 50 > 50 is false
    const res = await fetch(`${url}/?failRate=50&mode=busy`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'Version v2: server id pod-a');
  });

  it('mode busy: 503 "Overloaded" as JSON, and the process lives on', async () => {
    const { url } = await start({ random: draws(0.48, 0.99) }); // draw 49: fails; then draw 100: spared
    const res = await fetch(`${url}/?failRate=50&mode=busy`);
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { error: 'overloaded', message: 'Overloaded' });
    assert.equal((await fetch(`${url}/?failRate=50&mode=busy`)).status, 200);
    assert.deepEqual(exits, []);
  });

  it('mode crash (the default): aborts the connection, aborts what arrives meanwhile, exits 1 after CRASH_DELAY_MS', async () => {
    const lifecycle = new BackendLifecycle((code) => void exits.push(code));
    const { url } = await start({ random: draws(0), lifecycle }, { CRASH_DELAY_MS: '300' });
    await assert.rejects(fetch(`${url}/`), /fetch failed/);
    assert.equal(lifecycle.state, 'crashing');
    await assert.rejects(fetch(`${url}/?failRate=0`), /fetch failed/, 'a request during the crash gets no answer either');
    assert.deepEqual(exits, [], 'not yet: the exit comes after the delay');
    await pollUntil(() => exits.length > 0, { what: 'the exit' });
    assert.deepEqual(exits, [1]);
    lifecycle.restart();
    assert.equal((await fetch(`${url}/?failRate=0`)).status, 200, 'restarted, it serves again');
  });

  it('mode hang: holds the request HANG_SECONDS, then exits 1 without answering', async () => {
    const { url } = await start({ random: draws(0) }, { HANG_SECONDS: '0.4' });
    const started = performance.now();
    await assert.rejects(fetch(`${url}/?failRate=100&mode=hang`), /fetch failed/);
    assert.ok(performance.now() - started >= 390, 'held for HANG_SECONDS');
    assert.deepEqual(exits, [1]);
  });

  it('answers 400 JSON for a failRate outside 0..100 or an unknown mode', async () => {
    const { url } = await start({ random: draws(0) });
    for (const query of ['failRate=101', 'failRate=-1', 'failRate=abc', 'failRate=5.5', 'mode=explode', 'failRate=50&mode=']) {
      const res = await fetch(`${url}/?${query}`);
      assert.equal(res.status, 400, query);
      const body = (await res.json()) as { error: string; fields: { field: string }[] };
      assert.equal(body.error, 'validation_failed');
      assert.ok(body.fields.length >= 1);
    }
    const both = (await (await fetch(`${url}/?failRate=x&mode=y`)).json()) as { fields: { field: string }[] };
    assert.deepEqual(both.fields.map((f) => f.field), ['failRate', 'mode']);
    assert.deepEqual(exits, []);
  });

  it('counts answers by outcome in /metrics', async () => {
    const { url } = await start({ random: draws(0.99, 0) });
    await fetch(`${url}/?mode=busy`);
    await fetch(`${url}/?mode=busy`);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /retry_backend_answers_total\{outcome="success"\} 1/);
    assert.match(metrics, /retry_backend_answers_total\{outcome="busy"\} 1/);
  });
});
