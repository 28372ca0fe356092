// The pages thresholds can fail, both ways: k6 runs e2e/k6/pages.ts against the slow-page-trace lab. With
// business-logic's 3 s delay every threshold holds (the slow page's p50 above the delay, the fast page's p95
// low). Without the delay (SLOW_SECONDS=0.2, a rollout) and with a 3 s latency fault on the fast page,
// exactly those two thresholds must fail: neither can pass whatever the lab does. This checks behaviour, not
// this machine's speed (it may be busy): the fast page's bound is 1 s here, far above a loopback page and far
// below the fault; the script's own 300 ms is for `npm run test:load`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultOptions } from '../scenarios/runner';
import { slowPageTrace } from '../scenarios/slow-page-trace';
import { LocalTarget } from '../targets/local/local-target';
import { type K6RunResult, runK6, THRESHOLDS_FAILED } from './k6-run';
import { selectScripts } from './scripts';
import { failedThresholds, k6, runLog, skipReason } from './threshold-checks';

const options = defaultOptions({ slowSeconds: 3 });
const skip = skipReason(slowPageTrace.lab(options));
const script = selectScripts(['pages'])[0].file;

/** The fast page's p95 bound for these runs (ms), and the latency fault that must break it. */
const FAST_PAGE_P95_MS = 1000;
const FAST_PAGE_FAULT_MS = 3000;

const p = (result: K6RunResult, page: string, stat: string) => result.summary?.metrics[`http_req_duration{page:${page}}`]?.[stat];

// Skipped per test (not per suite), so that the skip and its reason show in the run's counts.
describe('pages thresholds against the slow-page-trace lab', () => {
  const target = new LocalTarget();
  const out = mkdtempSync(path.join(tmpdir(), 'faultline-pages-'));
  const pages = (name: string, timeScale: number) =>
    runK6({ k6: k6 ?? 'k6', name, script, vars: { FRONT_END_URL: target.serviceUrl('front-end'), TIME_SCALE: String(timeScale), FAST_PAGE_P95_MS: String(FAST_PAGE_P95_MS) }, outDir: out, timeoutMs: 90_000 });

  before(async () => {
    if (skip) return;
    await target.start(slowPageTrace.lab(options));
    // Warm the fast path (first connections, first compilations) so that its p95 measures the page, not start-up.
    for (let i = 0; i < 30; i += 1) await fetch(`${target.serviceUrl('front-end')}/fast-page`).then((r) => r.arrayBuffer());
  });
  after(async () => {
    if (!skip) await target.stop();
    rmSync(out, { recursive: true, force: true });
  });

  it('with the 3 s delay: the slow page p50 above it, the fast page p95 low, every threshold holds', { skip, timeout: 90_000 }, async (t) => {
    const result = await pages('delay', 0.25);
    t.diagnostic(`slow p50 ${p(result, 'slow', 'med')?.toFixed(0)} ms, fast p95 ${p(result, 'fast', 'p(95)')?.toFixed(1)} ms (med ${p(result, 'fast', 'med')?.toFixed(1)}, max ${p(result, 'fast', 'max')?.toFixed(1)}), k6 exit ${result.exitCode}`);
    assert.equal(result.exitCode, 0, `${failedThresholds(result).join(', ')}\n${runLog(result)}`);
    assert.deepEqual(failedThresholds(result), []);
  });

  it('without the delay and with a slow fast page, both latency thresholds fail, and only they', { skip, timeout: 120_000 }, async (t) => {
    await target.setEnv('business-logic', { SLOW_SECONDS: '0.2' });
    await target.setFaults('front-end', { latency: { ms: FAST_PAGE_FAULT_MS, route: '/fast-page' } });
    const result = await pages('no-delay', 0.15);
    t.diagnostic(`slow p50 ${p(result, 'slow', 'med')?.toFixed(0)} ms, fast p95 ${p(result, 'fast', 'p(95)')?.toFixed(1)} ms (med ${p(result, 'fast', 'med')?.toFixed(1)}, max ${p(result, 'fast', 'max')?.toFixed(1)}), k6 exit ${result.exitCode}`);
    assert.equal(result.exitCode, THRESHOLDS_FAILED, runLog(result));
    assert.deepEqual(failedThresholds(result), [`http_req_duration{page:fast} p(95)<${FAST_PAGE_P95_MS}`, 'http_req_duration{page:slow} p(50)>2900']);
  });
});
