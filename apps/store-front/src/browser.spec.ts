import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startTestService } from '@faultline/service-kit/testing';
import {
  type AppProcess,
  brokerAvailable,
  type BuiltApp,
  bundleApp,
  drainQueue,
  launchChromium,
  NO_BROKER_MESSAGE,
  pollUntil,
  runApp,
  skipWithout,
  TEST_BROKER_URL,
  uniqueQueue,
} from '@faultline/test-support';
import { storeFront } from './app';

describe('store-front in Chromium, with product-service and order-service as built', { skip: skipWithout('chromium') }, () => {
  let reachable = false;
  let browser: Browser | undefined;
  const builds: BuiltApp[] = [];
  const processes: AppProcess[] = [];
  const queue = uniqueQueue('store-front-test');
  let store: Awaited<ReturnType<typeof startTestService>> | undefined;
  let orderService: AppProcess;
  let productService: AppProcess;

  before(async () => {
    reachable = await brokerAvailable();
    if (!reachable) return void console.warn(NO_BROKER_MESSAGE);
    const [products, orders] = await Promise.all([bundleApp('product-service'), bundleApp('order-service')]);
    builds.push(products, orders);
    const traceless = { OTEL_SDK_DISABLED: 'true' };
    productService = await runApp(products, { ...traceless });
    orderService = await runApp(orders, { ...traceless, RABBITMQ_URL: TEST_BROKER_URL, ORDER_QUEUE_NAME: queue });
    processes.push(productService, orderService);
    await pollUntil(async () => (await fetch(`${orderService.url}/readyz`)).status === 200, { timeoutMs: 10_000, what: 'order-service ready' });
    store = await startTestService(storeFront(), { PRODUCT_SERVICE_URL: productService.url, ORDER_SERVICE_URL: orderService.url });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await store?.stop();
    for (const child of processes) await child.kill();
    for (const built of builds) await built.remove();
    if (reachable) await drainQueue(queue).catch(() => undefined);
  });

  it('lists the products, takes one into the cart, places the order and shows its id; then a readable error with order-service stopped', async (t) => {
    if (!reachable || !browser || !store) return void t.skip(NO_BROKER_MESSAGE);
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(store.url);

    const products = page.locator('#products .product');
    await products.first().waitFor({ timeout: 10_000 });
    assert.ok((await products.count()) >= 11);
    assert.equal(await page.locator('#products .product[data-product-id="11"] h3').textContent(), 'Inspektor Gadget');
    assert.ok(await page.locator('#place-order').isDisabled(), 'nothing to order yet');

    const first = products.first();
    const productId = Number(await first.getAttribute('data-product-id'));
    const name = await first.locator('h3').textContent();
    await first.getByRole('button', { name: /add .* to cart/i }).click();
    await first.getByRole('button', { name: /add .* to cart/i }).click();
    assert.equal(await page.locator('#cart-items li').textContent(), `${name} × 2✕`);

    await page.fill('#customer-id', 'browser-customer');
    await page.click('#place-order');
    await page.locator('#confirmation').waitFor({ state: 'visible', timeout: 10_000 });
    const orderId = (await page.locator('#order-id').textContent()) ?? '';
    assert.match(orderId, /^[0-9a-f-]{36}$/);
    assert.equal(await page.locator('#cart-items li').count(), 0, 'the cart is emptied');

    await orderService.kill();
    await first.getByRole('button', { name: /add .* to cart/i }).click();
    await page.click('#place-order');
    const error = page.locator('#order-error');
    await error.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await error.textContent()) ?? '', /^Could not place the order: order-service unreachable: ECONNREFUSED/);
    assert.ok(await page.locator('#confirmation').isHidden());

    await productService.kill();
    await page.reload();
    const productsError = page.locator('#products-error');
    await productsError.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await productsError.textContent()) ?? '', /^Could not load the products: product-service unreachable: ECONNREFUSED/);
    assert.deepEqual(pageErrors, []);

    // The order the page confirmed is the one in the queue, as it was placed.
    const messages = (await drainQueue(queue)).map((m) => ({
      messageId: String(m.properties.messageId),
      body: JSON.parse(m.content.toString()) as Record<string, unknown>,
    }));
    assert.deepEqual(messages.map((m) => m.messageId), [orderId]);
    assert.equal(messages[0].body.customerId, 'browser-customer');
    assert.deepEqual(messages[0].body.items, [{ productId, quantity: 2, price: (messages[0].body.items as { price: number }[])[0].price }]);
  });
});
