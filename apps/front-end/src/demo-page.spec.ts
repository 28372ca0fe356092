/**
 * The demo page as a user sees it, in Debian's Chromium: buttons in the page's font, an icon that is not a
 * 404, and, with TRACE_URL_TEMPLATE, trace ids that link to the trace viewer. front-end runs as built (its
 * bundle with the tracing preload, spans going nowhere: OTEL_TRACES_EXPORTER=none) so that ids are real.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { type AppProcess, launchChromium, skipWithout, startApp } from '@faultline/test-support';
import { startTestService } from '@faultline/service-kit/testing';
import { frontEnd } from './app';

const TEMPLATE = 'http://127.0.0.9:9412/zipkin/traces/{traceId}';
const traced = { OTEL_TRACES_EXPORTER: 'none', BUSINESS_LOGIC_URL: 'http://127.0.0.1:9' };

describe('front-end icon', () => {
  it('answers /favicon.ico and /favicon.svg with an SVG icon, and the page links it', async () => {
    const svc = await startTestService(frontEnd(), { BUSINESS_LOGIC_URL: 'http://127.0.0.1:9' });
    try {
      for (const path of ['/favicon.ico', '/favicon.svg']) {
        const res = await fetch(`${svc.url}${path}`);
        assert.equal(res.status, 200, path);
        assert.equal(res.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
        assert.match(await res.text(), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      }
      assert.match(await (await fetch(`${svc.url}/demo-app/`)).text(), /<link rel="icon" href="\/favicon\.svg" type="image\/svg\+xml">/);
    } finally {
      await svc.stop();
    }
  });

  it('refuses a TRACE_URL_TEMPLATE without {traceId} at start-up, naming the variable', async () => {
    await assert.rejects(startTestService(frontEnd(), { TRACE_URL_TEMPLATE: 'http://127.0.0.9:9412/zipkin/' }), /TRACE_URL_TEMPLATE="http:\/\/127\.0\.0\.9:9412\/zipkin\/" has no \{traceId\}/);
  });
});

describe('the demo page in Chromium', { skip: skipWithout('chromium') }, () => {
  let browser: Browser;
  let linked: AppProcess;
  let plain: AppProcess;

  before(async () => {
    [linked, plain] = await Promise.all([startApp('front-end', { ...traced, TRACE_URL_TEMPLATE: TEMPLATE }), startApp('front-end', traced)]);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await linked?.stop();
    await plain?.stop();
  });

  it('draws the buttons in the page font, not the browser default for buttons', async () => {
    const page = await browser.newPage();
    await page.goto(`${plain.url}/demo-app/`);
    // No named helpers inside evaluate: the test's TypeScript compiler would wrap them in a name-keeping call.
    const fonts = await page.evaluate(() => ({
      body: getComputedStyle(document.body).fontFamily,
      buttons: Array.from(document.querySelectorAll('button'), (el) => getComputedStyle(el).fontFamily),
    }));
    assert.match(fonts.body, /system-ui/);
    assert.deepEqual(fonts.buttons, [fonts.body, fonts.body]);
    await page.close();
  });

  it('the browser gets the icon: /favicon.ico is 200, not 404', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${plain.url}/favicon.ico`);
    assert.equal(res?.status(), 200);
    await page.close();
  });

  it('with TRACE_URL_TEMPLATE the trace id after a click is a link to the trace viewer', async () => {
    const page = await browser.newPage();
    await page.goto(`${linked.url}/demo-app/`);
    await page.click('#fast-button');
    const link = page.locator('#fast-result .trace-id a');
    await link.waitFor({ timeout: 10_000 });
    const traceId = (await link.textContent()) ?? '';
    assert.match(traceId, /^[0-9a-f]{32}$/);
    assert.equal(await link.getAttribute('href'), `http://127.0.0.9:9412/zipkin/traces/${traceId}`);
    assert.equal(await link.getAttribute('target'), '_blank');
    await page.close();
  });

  it('without it the trace id stays plain text', async () => {
    const page = await browser.newPage();
    await page.goto(`${plain.url}/demo-app/`);
    await page.click('#fast-button');
    await page.waitForFunction(() => /^[0-9a-f]{32}$/.test(document.querySelector('#fast-result .trace-id')?.textContent ?? ''));
    assert.equal(await page.locator('#fast-result .trace-id a').count(), 0);
    await page.close();
  });
});
