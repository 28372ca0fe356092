/**
 * The slow-page demo as it runs for real: business-logic and front-end from their built bundles with the
 * sidecar tracer preloaded, exporting to a Zipkin receiver; then the demo page in Chromium.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type RunningZipkinReceiver, startZipkinReceiver, type ZipkinSpan } from '@faultline/zipkin-receiver';
import { type AppProcess, launchChromium, skipWithout, startApp } from '@faultline/test-support';

const SLOW_SECONDS = 3;

const service = (span: ZipkinSpan) => span.localEndpoint?.serviceName;

describe('slow page found through a trace (real processes, real exporter)', () => {
  let zipkin: RunningZipkinReceiver;
  let businessLogic: AppProcess;
  let frontEnd: AppProcess;

  before(async () => {
    zipkin = await startZipkinReceiver();
    const tracing = { OTEL_EXPORTER_ZIPKIN_ENDPOINT: zipkin.spansEndpoint };
    businessLogic = await startApp('business-logic', { ...tracing, SLOW_SECONDS: String(SLOW_SECONDS) });
    frontEnd = await startApp('front-end', { ...tracing, BUSINESS_LOGIC_URL: businessLogic.url });
  });
  after(async () => {
    await frontEnd?.kill();
    await businessLogic?.kill();
    await zipkin?.close();
  });

  /**
   * Waits until the slow trace is complete (business-logic's data_transformation and the front-end's root
   * span: each process exports on its own schedule), then returns all its spans.
   */
  const slowTrace = (traceId: string) =>
    zipkin.store.waitFor(
      (s) => {
        const spans = s.trace(traceId);
        return spans?.some((span) => span.name === 'data_transformation') && spans.some((span) => !span.parentId) ? spans : undefined;
      },
      15_000,
      `data_transformation and the root span in trace ${traceId}`,
    );

  it('/slow-page: one trace joins front-end and business-logic, and data_transformation takes most of it', async () => {
    const res = await fetch(`${frontEnd.url}/slow-page`);
    assert.equal(res.status, 200);
    const traceId = res.headers.get('x-trace-id') ?? '';
    assert.match(traceId, /^[0-9a-f]{32}$/);
    assert.equal(((await res.json()) as { traceId: string }).traceId, traceId);

    const spans = await slowTrace(traceId);
    const root = spans.find((span) => !span.parentId);
    assert.equal(root && service(root), 'front-end');
    assert.deepEqual(new Set(spans.map(service)), new Set(['front-end', 'business-logic']));

    // B3 join: business-logic's server span is the child of the front-end's outbound client span.
    const blServer = spans.find((span) => service(span) === 'business-logic' && span.kind === 'SERVER');
    const feClient = spans.find((span) => span.id === blServer?.parentId);
    assert.ok(blServer && feClient, 'business-logic server span has its parent in the same trace');
    assert.equal(service(feClient), 'front-end');
    assert.equal(feClient.kind, 'CLIENT');
    const custom = spans.find((span) => span.id === feClient.parentId);
    assert.equal(custom?.name, 'fetch_slow_data', 'the outbound call sits inside the custom span');

    const transformation = spans.find((span) => span.name === 'data_transformation');
    assert.equal(transformation && service(transformation), 'business-logic');
    const transformationUs = transformation?.duration ?? 0;
    assert.ok(transformationUs >= SLOW_SECONDS * 1e6, `data_transformation lasted ${transformationUs} µs`);
    const rootUs = root?.duration ?? Infinity;
    assert.ok(transformationUs / rootUs > 0.9, `data_transformation is ${((100 * transformationUs) / rootUs).toFixed(1)}% of the trace`);

    const logged = (lines: Record<string, unknown>[]) => lines.filter((l) => l.trace_id === traceId).map((l) => l.msg);
    assert.ok(logged(frontEnd.logs).includes('asking business-logic for the slow data'), 'front-end logs carry the trace id');
    assert.ok(logged(frontEnd.logs).includes('request'));
    assert.ok(logged(businessLogic.logs).includes('data transformation finished'), 'business-logic logs carry the same trace id');
  });

  it('/fast-page: a short trace that never reaches business-logic', async () => {
    const res = await fetch(`${frontEnd.url}/fast-page`);
    assert.equal(res.status, 200);
    const traceId = res.headers.get('x-trace-id') ?? '';
    const root = await zipkin.store.waitFor((s) => s.trace(traceId)?.find((span) => !span.parentId), 15_000, 'the fast root span');
    assert.ok((root.duration ?? Infinity) < 1e6, `fast page took ${root.duration} µs`);
    assert.ok(zipkin.store.trace(traceId)?.every((span) => service(span) === 'front-end'));
    assert.ok(frontEnd.logs.some((l) => l.trace_id === traceId && l.msg === 'fast page served'));
  });

  it('the demo page in Chromium: both buttons show the answer, the elapsed time and the trace id', { skip: skipWithout('chromium') }, async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${frontEnd.url}/demo-app/`);
      assert.equal(await page.title(), 'faultline demo app: slow page, fast page');

      await page.click('#fast-button');
      await page.waitForFunction(() => /^[0-9a-f]{32}$/.test(document.querySelector('#fast-result .trace-id')?.textContent ?? ''));
      assert.equal(await page.textContent('#fast-result .answer'), 'fast page: answered at once');
      assert.match((await page.textContent('#fast-result .elapsed')) ?? '', /^\d+ ms$/);

      await page.click('#slow-button');
      await page.waitForFunction(() => /^[0-9a-f]{32}$/.test(document.querySelector('#slow-result .trace-id')?.textContent ?? ''), undefined, { timeout: 20_000 });
      assert.match((await page.textContent('#slow-result .answer')) ?? '', /^slow page: transformed \d+ rows in 3 s$/);
      const elapsedMs = Number(((await page.textContent('#slow-result .elapsed')) ?? '').replace(' ms', ''));
      assert.ok(elapsedMs >= SLOW_SECONDS * 1000, `the page measured ${elapsedMs} ms`);

      const slowTraceId = (await page.textContent('#slow-result .trace-id')) ?? '';
      const fastTraceId = (await page.textContent('#fast-result .trace-id')) ?? '';
      assert.notEqual(slowTraceId, fastTraceId);
      const spans = await slowTrace(slowTraceId);
      assert.ok(spans.some((span) => service(span) === 'front-end'), 'the trace id on the page is the exported trace');
    } finally {
      await browser.close();
    }
  });
});
