/**
 * The store page as a user sees it, in Debian's Chromium: buttons in the page's font and an icon that is
 * not a 404. The upstreams are unreachable addresses: the page's look does not depend on them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestService, type TestService } from '@faultline/service-kit/testing';
import { launchChromium, skipWithout } from '@faultline/test-support';
import { storeFront } from './app';
import type { storeFrontConfig } from './config';

const nowhere = { PRODUCT_SERVICE_URL: 'http://127.0.0.1:9', ORDER_SERVICE_URL: 'http://127.0.0.1:9' };

describe('store-front icon', () => {
  it('answers /favicon.ico and /favicon.svg with an SVG icon, and the page links it', async () => {
    const svc = await startTestService(storeFront(), nowhere);
    try {
      for (const path of ['/favicon.ico', '/favicon.svg']) {
        const res = await fetch(`${svc.url}${path}`);
        assert.equal(res.status, 200, path);
        assert.equal(res.headers.get('content-type'), 'image/svg+xml; charset=utf-8');
        assert.match(await res.text(), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      }
      assert.match(await (await fetch(svc.url)).text(), /<link rel="icon" href="\/favicon\.svg" type="image\/svg\+xml">/);
    } finally {
      await svc.stop();
    }
  });
});

describe('the store page in Chromium', { skip: skipWithout('chromium') }, () => {
  let browser: Browser;
  let svc: TestService<typeof storeFrontConfig>;

  before(async () => {
    svc = await startTestService(storeFront(), nowhere);
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await svc?.stop();
  });

  it('draws the buttons in the page font, not the browser default for buttons', async () => {
    const page = await browser.newPage();
    await page.goto(svc.url);
    await page.locator('#products-error').waitFor({ state: 'visible', timeout: 10_000 });
    const fonts = await page.evaluate(() => ({
      body: getComputedStyle(document.body).fontFamily,
      button: getComputedStyle(document.querySelector('#place-order') as Element).fontFamily,
    }));
    assert.match(fonts.body, /system-ui/);
    assert.equal(fonts.button, fonts.body);
    await page.close();
  });

  it('the browser gets the icon: /favicon.ico is 200, not 404', async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${svc.url}/favicon.ico`);
    assert.equal(res?.status(), 200);
    await page.close();
  });
});
